//! circomlib-compatible Poseidon over BN254 Fr, with solvent's domain separation and
//! multi-permutation absorption (docs/hashing.md).

pub mod grain;
pub mod optimized;

use crate::error::{Error, Result};
use ark_bn254::Fr;
use ark_ff::{Field, Zero};
use std::sync::OnceLock;

pub use grain::{partial_rounds, FULL_ROUNDS};

/// The most inputs one permutation absorbs (width 17).
pub const MAX_INPUTS: usize = 16;

/// Constants of one width.
pub struct Params {
    /// Width (inputs + 1).
    pub t: usize,
    /// Partial rounds for this width.
    pub partial_rounds: usize,
    /// Round constants, round-major: `constants[r * t + i]`.
    pub constants: Vec<Fr>,
    /// `mds[i][j]`: output `i` is `Σ_j mds[i][j] · state[j]`.
    pub mds: Vec<Vec<Fr>>,
}

impl Params {
    /// Full plus partial rounds.
    pub fn rounds(&self) -> usize {
        FULL_ROUNDS + self.partial_rounds
    }

    /// Whether round `r` applies the S-box to the whole state.
    pub fn is_full_round(&self, r: usize) -> bool {
        r < FULL_ROUNDS / 2 || r >= FULL_ROUNDS / 2 + self.partial_rounds
    }
}

/// Parameters for width `t` (2..=17), generated once per process.
pub fn params(t: usize) -> &'static Params {
    static CACHE: [OnceLock<Params>; 16] = [const { OnceLock::new() }; 16];
    assert!((2..=17).contains(&t), "Poseidon width {t} outside 2..=17");
    CACHE[t - 2].get_or_init(|| {
        let (constants, mds) = grain::generate(t);
        Params { t, partial_rounds: partial_rounds(t), constants, mds }
    })
}

/// The S-box `x⁵`.
#[inline]
pub fn sbox(x: Fr) -> Fr {
    let x2 = x.square();
    x2.square() * x
}

/// The Poseidon permutation, in place (the optimized schedule of `optimized.rs`).
pub fn permute(state: &mut [Fr]) {
    optimized::optimized(state.len()).permute(state)
}

/// The Poseidon permutation exactly as specified, round by round: the reference the
/// optimized schedule is tested against.
pub fn permute_reference(state: &mut [Fr]) {
    let p = params(state.len());
    let t = p.t;
    let mut next = vec![Fr::zero(); t];
    for r in 0..p.rounds() {
        for (i, s) in state.iter_mut().enumerate() {
            *s += p.constants[r * t + i];
        }
        if p.is_full_round(r) {
            state.iter_mut().for_each(|s| *s = sbox(*s));
        } else {
            state[0] = sbox(state[0]);
        }
        for (i, row) in p.mds.iter().enumerate() {
            next[i] = row.iter().zip(state.iter()).fold(Fr::zero(), |acc, (m, s)| acc + *m * s);
        }
        state.copy_from_slice(&next);
    }
}

/// circomlib `PoseidonEx(n, 1)` with initial state `init`: `poseidon(xs, 0)` is `Poseidon(n)`.
pub fn poseidon(inputs: &[Fr], init: Fr) -> Fr {
    assert!((1..=MAX_INPUTS).contains(&inputs.len()), "Poseidon takes 1..=16 inputs, got {}", inputs.len());
    let mut state = Vec::with_capacity(inputs.len() + 1);
    state.push(init);
    state.extend_from_slice(inputs);
    permute(&mut state);
    state[0]
}

/// A domain label is 1..=29 printable ASCII characters (space to `~`): printable-only
/// rules out a leading NUL, which would make `"\0a"` and `"a"` the same domain.
pub fn is_valid_label(label: &str) -> bool {
    (1..=29).contains(&label.len()) && label.bytes().all(|b| (b' '..=b'~').contains(&b))
}

/// `domain(label, n) = int(label as big-endian ASCII) · 2^16 + n`.
pub fn domain(label: &str, n: usize) -> Fr {
    assert!(is_valid_label(label), "domain label must be 1..=29 printable ASCII characters");
    assert!(n < 1 << 16, "domain length {n} must be below 2^16");
    let mut bytes = [0u8; 32];
    let l = label.as_bytes();
    // big-endian label followed by two bytes of n, read as one big-endian integer
    bytes[32 - 2 - l.len()..30].copy_from_slice(l);
    bytes[30..32].copy_from_slice(&(n as u16).to_be_bytes());
    use ark_ff::PrimeField;
    Fr::from_be_bytes_mod_order(&bytes)
}

/// Domain-separated hash of any number of elements (docs/hashing.md).
pub fn hash_many(label: &str, xs: &[Fr]) -> Fr {
    hash_many_with_domain(domain(label, xs.len()), xs)
}

fn hash_many_with_domain(d: Fr, xs: &[Fr]) -> Fr {
    assert!(!xs.is_empty(), "hash_many of no elements");
    if xs.len() <= MAX_INPUTS {
        return poseidon(xs, d);
    }
    let mut acc = poseidon(&xs[..MAX_INPUTS], d);
    let mut buf = Vec::with_capacity(MAX_INPUTS);
    for chunk in xs[MAX_INPUTS..].chunks(MAX_INPUTS - 1) {
        buf.clear();
        buf.push(acc);
        buf.extend_from_slice(chunk);
        acc = poseidon(&buf, d);
    }
    acc
}

/// `poseidon`, refusing an input count outside 1..=16 (`Error::Invalid`) instead of
/// panicking: for inputs from outside the crate.
pub fn try_poseidon(inputs: &[Fr], init: Fr) -> Result<Fr> {
    if !(1..=MAX_INPUTS).contains(&inputs.len()) {
        return Err(Error::Invalid(format!("poseidon takes 1..={MAX_INPUTS} inputs, got {}", inputs.len())));
    }
    Ok(poseidon(inputs, init))
}

/// Refuses a domain label that is not 1..=29 printable ASCII characters, or a length
/// `n` of 2^16 or more.
pub fn check_label(label: &str, n: usize) -> Result<()> {
    if !is_valid_label(label) || n >= 1 << 16 {
        return Err(Error::Invalid(
            "domain label must be 1..=29 printable ASCII characters and the length below 2^16".into(),
        ));
    }
    Ok(())
}

/// `domain`, refusing what `check_label` refuses.
pub fn try_domain(label: &str, n: usize) -> Result<Fr> {
    check_label(label, n)?;
    Ok(domain(label, n))
}

/// `hash_many`, refusing what `check_label` refuses and an empty input.
pub fn try_hash_many(label: &str, xs: &[Fr]) -> Result<Fr> {
    check_label(label, xs.len())?;
    if xs.is_empty() {
        return Err(Error::Invalid("hash_many of no elements".into()));
    }
    Ok(hash_many(label, xs))
}

/// Longest byte string `encode_bytes` accepts: a length and 14 chunks fill one permutation
/// together with one more element (the salt of an account tag).
pub const MAX_ENCODED_BYTES: usize = 434;

/// `[len, c_0, …]` with 31-byte big-endian chunks: injective, every chunk < 2^248.
pub fn encode_bytes(b: &[u8]) -> Result<Vec<Fr>> {
    if b.len() > MAX_ENCODED_BYTES {
        return Err(Error::Invalid(format!("{} bytes is longer than the {MAX_ENCODED_BYTES}-byte limit", b.len())));
    }
    use ark_ff::PrimeField;
    let mut out = Vec::with_capacity(1 + b.len().div_ceil(31));
    out.push(Fr::from(b.len() as u64));
    for chunk in b.chunks(31) {
        out.push(Fr::from_be_bytes_mod_order(chunk));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn fr(s: &str) -> Fr {
        Fr::from_str(s).unwrap()
    }

    #[test]
    fn design_known_answers() {
        assert_eq!(
            poseidon(&[fr("1"), fr("2")], Fr::zero()),
            fr("7853200120776062878684798364095072458815029376092732009249414926327459813530")
        );
        assert_eq!(
            poseidon(&[fr("3"), fr("4")], Fr::zero()),
            fr("14763215145315200506921711489642608356394854266165572616578112107564877678998")
        );
    }

    /// circomlibjs 0.1.7 `poseidon([1..=n])` for every width (generated with node, see
    /// tests/interop for the live cross-check) and PoseidonEx with initial state 7.
    #[test]
    fn circomlibjs_vectors_every_width() {
        let expected = [
            (1, "18586133768512220936620570745912940619677854269274689475585506675881198879027"),
            (2, "7853200120776062878684798364095072458815029376092732009249414926327459813530"),
            (3, "6542985608222806190361240322586112750744169038454362455181422643027100751666"),
            (4, "18821383157269793795438455681495246036402687001665670618754263018637548127333"),
            (5, "6183221330272524995739186171720101788151706631170188140075976616310159254464"),
            (6, "20400040500897583745843009878988256314335038853985262692600694741116813247201"),
            (7, "12748163991115452309045839028154629052133952896122405799815156419278439301912"),
            (8, "18604317144381847857886385684060986177838410221561136253933256952257712543953"),
            (9, "13589767895268936107593642967621470491511464502761040466226072462545218539640"),
            (10, "3657500514307717306974218405144578736633140001277925127187636780142269815841"),
            (11, "3572015662710076994097916907865950486270383304442561406230608893458731714472"),
            (12, "2501997477381648492950318384533644783248002172679259592360114615426357826485"),
            (13, "7041832639553862712666971417715061873827921493498355005117622707743491651590"),
            (14, "8354478399926161176778659061636406690034081872658507739535256090879947077494"),
            (15, "4203130618016961831408770638653325366880478848856764494148034853759773445968"),
            (16, "9989051620750914585850546081941653841776809718687451684622678807385399211877"),
        ];
        for (n, want) in expected {
            let xs: Vec<Fr> = (1..=n as u64).map(Fr::from).collect();
            assert_eq!(poseidon(&xs, Fr::zero()), fr(want), "width {}", n + 1);
        }
        assert_eq!(
            poseidon(&[fr("1"), fr("2")], Fr::from(7u64)),
            fr("7540134072963094781551849189553249853827772934652778250146343743716337940736")
        );
    }

    #[test]
    fn domain_layout() {
        // "ab" = 0x6162 → 0x6162_0003
        assert_eq!(domain("ab", 3), Fr::from(0x6162_0003u64));
    }

    #[test]
    fn hash_many_chains_by_length() {
        let xs: Vec<Fr> = (1..=17u64).map(Fr::from).collect();
        let d = domain("t", 17);
        let first = poseidon(&xs[..16], d);
        assert_eq!(hash_many("t", &xs), poseidon(&[first, xs[16]], d));
        assert_ne!(hash_many("t", &xs[..16]), hash_many("t", &xs[..15]));
    }

    #[test]
    fn encode_bytes_is_injective_on_edges() {
        assert_eq!(encode_bytes(b"").unwrap(), vec![Fr::zero()]);
        assert_ne!(encode_bytes(b"\x00").unwrap(), encode_bytes(b"").unwrap());
        assert_eq!(encode_bytes(&[7u8; 32]).unwrap().len(), 3);
        assert!(encode_bytes(&[0u8; 435]).is_err());
    }
}
