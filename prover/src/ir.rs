//! The backend-neutral circuit IR (docs/ir.md): parsing and validation.
//!
//! The Python DSL writes the IR; this module reads it into typed ops and checks every
//! structural rule up front (wire bounds, write-once, read-after-write, gadget sizes), so
//! the lowering and the solver can rely on a well-formed program.

use crate::error::{Error, Result, Site};
use crate::field::fr_from_le;
use ark_bn254::Fr;
use sha2::{Digest, Sha256};

/// An IR wire index; wire 0 is the constant one.
pub type Wire = u32;

/// A linear combination `Σ coeff · wire` (wire 0 is the constant one).
#[derive(Clone, Debug, Default)]
pub struct Lc(pub Vec<(Wire, Fr)>);

impl Lc {
    /// An LC with no variable term is a constant (it may be empty, i.e. zero).
    pub fn is_constant(&self) -> bool {
        self.0.iter().all(|(w, _)| *w == 0)
    }
    /// The wires the combination reads.
    pub fn wires(&self) -> impl Iterator<Item = Wire> + '_ {
        self.0.iter().map(|(w, _)| *w)
    }
}

/// One IR op (docs/ir.md gives each op's constraints and solver rule).
#[derive(Clone, Debug)]
pub enum Op {
    /// `out = a · b` (one row).
    Mul {
        /// The product's wire.
        out: Wire,
        /// Left factor.
        a: Lc,
        /// Right factor.
        b: Lc,
    },
    /// `out = a` (one row).
    Lin {
        /// The result's wire.
        out: Wire,
        /// The combination.
        a: Lc,
    },
    /// `a · b = c`, writing nothing (one row).
    Assert {
        /// Left factor.
        a: Lc,
        /// Right factor.
        b: Lc,
        /// The product it must equal.
        c: Lc,
    },
    /// `x = Σ 2^k · bit_k` with each bit boolean: `n + 1` rows, the range check.
    Bits {
        /// The value decomposed.
        x: Lc,
        /// Number of bits, 1..=252.
        n: u32,
        /// Wire of bit 0; bits occupy `first .. first + n`.
        first: Wire,
    },
    /// `out = Poseidon([domain, inputs…])[0]` (circomlib's permutation, as R1CS rows).
    Poseidon {
        /// The initial capacity element (a domain-separation constant).
        domain: Fr,
        /// 1..=16 inputs.
        inputs: Vec<Lc>,
        /// The output's wire.
        out: Wire,
    },
    /// Solver hint, no row: `out = x⁻¹` (0 for 0). Constraints elsewhere must pin it.
    HintInv {
        /// The value inverted.
        x: Lc,
        /// The result's wire.
        out: Wire,
    },
    /// Solver hint, no row: integer `x = q·d + rem`. Constraints elsewhere must pin it.
    HintDivMod {
        /// The dividend.
        x: Lc,
        /// The divisor (nonzero).
        d: Lc,
        /// The quotient's wire.
        q: Wire,
        /// The remainder's wire.
        rem: Wire,
    },
}

impl Op {
    /// The op's name, as docs/ir.md and error messages spell it.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Mul { .. } => "MUL",
            Op::Lin { .. } => "LIN",
            Op::Assert { .. } => "ASSERT",
            Op::Bits { .. } => "BITS",
            Op::Poseidon { .. } => "POSEIDON",
            Op::HintInv { .. } => "HINT_INV",
            Op::HintDivMod { .. } => "HINT_DIVMOD",
        }
    }

    /// Wires this op writes.
    pub fn outputs(&self) -> Vec<Wire> {
        match self {
            Op::Mul { out, .. } | Op::Lin { out, .. } | Op::Poseidon { out, .. } | Op::HintInv { out, .. } => {
                vec![*out]
            }
            Op::Assert { .. } => vec![],
            Op::Bits { n, first, .. } => (*first..*first + *n).collect(),
            Op::HintDivMod { q, rem, .. } => vec![*q, *rem],
        }
    }

    /// LCs this op reads.
    pub fn inputs(&self) -> Vec<&Lc> {
        match self {
            Op::Mul { a, b, .. } => vec![a, b],
            Op::Lin { a, .. } => vec![a],
            Op::Assert { a, b, c } => vec![a, b, c],
            Op::Bits { x, .. } | Op::HintInv { x, .. } => vec![x],
            Op::Poseidon { inputs, .. } => inputs.iter().collect(),
            Op::HintDivMod { x, d, .. } => vec![x, d],
        }
    }
}

/// What a group of wires is to the statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupKind {
    /// Given to the solver, private.
    PrivateInput = 0,
    /// Given to the solver, public.
    PublicInput = 1,
    /// Computed by ops, public.
    PublicOutput = 2,
}

/// A named run of consecutive wires: an input or a public output of the circuit.
#[derive(Clone, Debug)]
pub struct Group {
    /// The group's name in the DSL.
    pub name: String,
    /// Input or output, private or public.
    pub kind: GroupKind,
    /// Number of wires.
    pub count: u32,
    /// Its first wire.
    pub first: Wire,
}

impl Group {
    /// The group's wires.
    pub fn wires(&self) -> std::ops::Range<Wire> {
        self.first..self.first + self.count
    }
    /// Whether the group's values are public.
    pub fn is_public(&self) -> bool {
        self.kind != GroupKind::PrivateInput
    }
    /// Whether the solver is given the group's values.
    pub fn is_input(&self) -> bool {
        self.kind != GroupKind::PublicOutput
    }
}

/// A parsed and validated circuit IR.
#[derive(Clone, Debug)]
pub struct Ir {
    /// The circuit's name.
    pub name: String,
    /// Number of wires, the constant wire 0 included.
    pub num_wires: u32,
    /// Op labels (index 0 is the empty label when the IR has none).
    pub labels: Vec<String>,
    /// Input and output groups, in declaration order.
    pub groups: Vec<Group>,
    /// `(op, label index)`
    pub ops: Vec<(Op, u32)>,
    /// SHA-256 of the serialized IR: the circuit's identity.
    pub hash: [u8; 32],
}

/// The IR's first eight bytes.
pub const MAGIC: &[u8; 8] = b"SLVIR001";
/// The widest `BITS` decomposition (every value below 2^252 is below r, so its bits are unique).
pub const MAX_BITS: u32 = 252;

/// Smallest encoded size of one item of each counted list, used to bound what a declared
/// count may reserve: a count the remaining bytes cannot hold is truncation, found when
/// the bytes run out, without reserving memory for it first.
const MIN_COEFF_BYTES: usize = 32;
const MIN_STRING_BYTES: usize = 4;
const MIN_GROUP_BYTES: usize = 13;
const MIN_OP_BYTES: usize = 5;
const MIN_TERM_BYTES: usize = 8;

fn err(message: String) -> Error {
    Error::Ir(message)
}

impl Ir {
    /// Public wires in public order.
    pub fn public_wires(&self) -> Vec<Wire> {
        self.groups.iter().filter(|g| g.is_public()).flat_map(|g| g.wires()).collect()
    }
    /// Input wires in input-vector order.
    pub fn input_wires(&self) -> Vec<Wire> {
        self.groups.iter().filter(|g| g.is_input()).flat_map(|g| g.wires()).collect()
    }
    /// The label of op `op_index`.
    pub fn label(&self, op_index: usize) -> &str {
        &self.labels[self.ops[op_index].1 as usize]
    }
    /// Op `op_index` as error messages name it.
    pub fn site(&self, op_index: usize) -> Site {
        Site { op: op_index, name: self.ops[op_index].0.name(), label: self.label(op_index).to_string() }
    }
    /// The circuit's identity, as hex.
    pub fn hash_hex(&self) -> String {
        crate::field::hex(&self.hash)
    }

    /// Parses and validates an IR (docs/ir.md): `Error::Ir` names the first problem.
    pub fn parse(bytes: &[u8]) -> Result<Ir> {
        let mut r = Reader { buf: bytes, pos: 0 };
        if r.take(8)? != MAGIC {
            return Err(err("not a solvent circuit IR (bad magic; expected SLVIR001)".into()));
        }
        let name = r.string()?;
        let num_wires = r.u32()?;
        let n_coeffs = r.u32()? as usize;
        let mut coeffs = Vec::with_capacity(r.capacity(n_coeffs, MIN_COEFF_BYTES));
        for i in 0..n_coeffs {
            coeffs.push(fr_from_le(r.take(32)?).ok_or_else(|| err(format!("coefficient #{i} is not below r")))?);
        }
        let n_labels = r.u32()? as usize;
        let mut labels = Vec::with_capacity(r.capacity(n_labels, MIN_STRING_BYTES));
        for _ in 0..n_labels {
            labels.push(r.string()?);
        }
        if labels.is_empty() {
            labels.push(String::new());
        }
        let n_groups = r.u32()? as usize;
        let mut groups = Vec::with_capacity(r.capacity(n_groups, MIN_GROUP_BYTES));
        for _ in 0..n_groups {
            let gname = r.string()?;
            let kind = match r.u8()? {
                0 => GroupKind::PrivateInput,
                1 => GroupKind::PublicInput,
                2 => GroupKind::PublicOutput,
                k => return Err(err(format!("group '{gname}': unknown kind {k}"))),
            };
            let count = r.u32()?;
            let first = r.u32()?;
            groups.push(Group { name: gname, kind, count, first });
        }
        let n_ops = r.u32()? as usize;
        let mut ops = Vec::with_capacity(r.capacity(n_ops, MIN_OP_BYTES));
        for i in 0..n_ops {
            let code = r.u8()?;
            let label = r.u32()?;
            let lc = |r: &mut Reader| -> Result<Lc> {
                let n = r.u32()? as usize;
                let mut terms = Vec::with_capacity(r.capacity(n, MIN_TERM_BYTES));
                for _ in 0..n {
                    let w = r.u32()?;
                    let ci = r.u32()? as usize;
                    let c =
                        *coeffs.get(ci).ok_or_else(|| err(format!("op #{i}: coefficient index {ci} out of range")))?;
                    terms.push((w, c));
                }
                Ok(Lc(terms))
            };
            let op = match code {
                1 => {
                    let out = r.u32()?;
                    Op::Mul { out, a: lc(&mut r)?, b: lc(&mut r)? }
                }
                2 => {
                    let out = r.u32()?;
                    Op::Lin { out, a: lc(&mut r)? }
                }
                3 => Op::Assert { a: lc(&mut r)?, b: lc(&mut r)?, c: lc(&mut r)? },
                4 => {
                    let x = lc(&mut r)?;
                    Op::Bits { x, n: r.u32()?, first: r.u32()? }
                }
                5 => {
                    let di = r.u32()? as usize;
                    let domain =
                        *coeffs.get(di).ok_or_else(|| err(format!("op #{i}: domain index {di} out of range")))?;
                    let n = r.u32()? as usize;
                    if !(1..=crate::poseidon::MAX_INPUTS).contains(&n) {
                        return Err(err(format!("op #{i}: POSEIDON with {n} inputs (1..=16 allowed)")));
                    }
                    let inputs = (0..n).map(|_| lc(&mut r)).collect::<Result<Vec<_>, _>>()?;
                    Op::Poseidon { domain, inputs, out: r.u32()? }
                }
                16 => {
                    let x = lc(&mut r)?;
                    Op::HintInv { x, out: r.u32()? }
                }
                17 => {
                    let x = lc(&mut r)?;
                    let d = lc(&mut r)?;
                    Op::HintDivMod { x, d, q: r.u32()?, rem: r.u32()? }
                }
                c => return Err(err(format!("op #{i}: unknown opcode {c}"))),
            };
            if label as usize >= labels.len() {
                return Err(err(format!("op #{i}: label index {label} out of range")));
            }
            ops.push((op, label));
        }
        if r.pos != bytes.len() {
            return Err(err(format!("{} trailing bytes after the last op", bytes.len() - r.pos)));
        }
        let hash: [u8; 32] = Sha256::digest(bytes).into();
        let ir = Ir { name, num_wires, labels, groups, ops, hash };
        ir.validate()?;
        Ok(ir)
    }

    /// Structural rules: every wire but 0 written exactly once, before it is read.
    fn validate(&self) -> Result<()> {
        let n = self.num_wires as usize;
        if n == 0 {
            return Err(err("a circuit has at least the constant wire 0".into()));
        }
        let mut written = vec![false; n];
        written[0] = true;
        let write = |w: Wire, what: &str, written: &mut Vec<bool>| -> Result<()> {
            let wi = w as usize;
            if wi >= n {
                return Err(err(format!("{what}: wire {w} out of range (num_wires = {n})")));
            }
            if written[wi] {
                return Err(err(format!("{what}: wire {w} written twice")));
            }
            written[wi] = true;
            Ok(())
        };
        let mut outputs_pending = vec![false; n];
        for g in &self.groups {
            if g.first == 0 && g.count > 0 {
                return Err(err(format!("group '{}' includes the constant wire 0", g.name)));
            }
            if (g.first as u64 + g.count as u64) > n as u64 {
                return Err(err(format!("group '{}' extends past the last wire", g.name)));
            }
            for w in g.wires() {
                if g.is_input() {
                    write(w, &format!("group '{}'", g.name), &mut written)?;
                } else {
                    if outputs_pending[w as usize] {
                        return Err(err(format!("group '{}': wire {w} in two output groups", g.name)));
                    }
                    outputs_pending[w as usize] = true;
                }
            }
        }
        for (i, (op, _)) in self.ops.iter().enumerate() {
            let what = format!("op #{i} ({}, '{}')", op.name(), self.label(i));
            for lc in op.inputs() {
                for w in lc.wires() {
                    if w as usize >= n || !written[w as usize] {
                        return Err(err(format!("{what}: reads wire {w} before it is written")));
                    }
                }
            }
            if let Op::Bits { n: bits, first, .. } = op {
                if !(1..=MAX_BITS).contains(bits) {
                    return Err(err(format!("{what}: BITS of width {bits} (1..={MAX_BITS} allowed)")));
                }
                // checked before `outputs()` forms `first + n`, which must not overflow
                if *first as u64 + *bits as u64 > n as u64 {
                    return Err(err(format!(
                        "{what}: bits {first}..{} extend past the last wire",
                        *first as u64 + *bits as u64
                    )));
                }
            }
            for w in op.outputs() {
                write(w, &what, &mut written)?;
            }
        }
        if let Some(w) = written.iter().position(|x| !x) {
            return Err(err(format!("wire {w} is never written (neither an input nor an op output)")));
        }
        Ok(())
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.buf.len() - self.pos {
            return Err(err(format!("IR truncated at byte {}", self.pos)));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn string(&mut self) -> Result<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec())
            .map_err(|_| err(format!("IR string at byte {} is not UTF-8", self.pos)))
    }
    /// What a list of `count` items of at least `min_bytes` each may reserve.
    fn capacity(&self, count: usize, min_bytes: usize) -> usize {
        count.min((self.buf.len() - self.pos) / min_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir_writer::IrWriter;
    use ark_ff::{One, Zero};

    fn one() -> Fr {
        Fr::one()
    }

    /// Private x, y (1, 2); public output p = x·y (3); public input k (4); 4 bits of x
    /// (5..=8); an assertion p = x·y; LIN, both hints and a POSEIDON.
    fn sample() -> IrWriter {
        let mut w = IrWriter::new("sample");
        w.group("xy", GroupKind::PrivateInput, 2, 1).group("p", GroupKind::PublicOutput, 1, 3).group(
            "k",
            GroupKind::PublicInput,
            1,
            4,
        );
        w.label("product").mul(3, &[(1, one())], &[(2, one())]);
        w.label("range").bits(&[(1, one())], 4, 5);
        w.label("check").assert_product(&[(1, one())], &[(2, one())], &[(3, one())]);
        w.label("copy").lin(9, &[(4, one()), (0, Fr::from(7u8))]);
        w.label("inv").hint_inv(&[(2, one())], 10);
        w.label("div").hint_divmod(&[(1, one())], &[(2, one())], 11, 12);
        w.label("hash").poseidon(Fr::zero(), &[&[(1, one())], &[(2, one())]], 13);
        w
    }

    const SAMPLE_WIRES: u32 = 14;

    fn parse_err(bytes: &[u8]) -> String {
        match Ir::parse(bytes) {
            Err(Error::Ir(m)) => m,
            Err(e) => panic!("expected an IR error, got {e:?}"),
            Ok(_) => panic!("malformed IR accepted"),
        }
    }

    #[test]
    fn a_valid_ir_parses_with_its_structure() {
        let bytes = sample().finish(SAMPLE_WIRES);
        let ir = Ir::parse(&bytes).unwrap();
        assert_eq!((ir.name.as_str(), ir.num_wires, ir.ops.len()), ("sample", SAMPLE_WIRES, 7));
        assert_eq!(ir.public_wires(), vec![3, 4], "public outputs and inputs, in declaration order");
        assert_eq!(ir.input_wires(), vec![1, 2, 4]);
        let names: Vec<_> = ir.ops.iter().map(|(op, _)| op.name()).collect();
        assert_eq!(names, ["MUL", "BITS", "ASSERT", "LIN", "HINT_INV", "HINT_DIVMOD", "POSEIDON"]);
        assert_eq!(ir.site(1), Site { op: 1, name: "BITS", label: "range".into() });
        assert_eq!(ir.label(6), "hash");
        let expected: [u8; 32] = Sha256::digest(&bytes).into();
        assert_eq!(ir.hash, expected, "the identity is the hash of the bytes");
        assert!(matches!(&ir.ops[1].0, Op::Bits { n: 4, first: 5, .. }));
        assert_eq!(ir.ops[1].0.outputs(), vec![5, 6, 7, 8]);
    }

    #[test]
    fn every_truncation_is_refused() {
        let bytes = sample().finish(SAMPLE_WIRES);
        for len in 0..bytes.len() {
            let m = parse_err(&bytes[..len]);
            assert!(m.contains("truncated") || m.contains("magic"), "cut at {len}: {m}");
        }
    }

    #[test]
    fn bad_magic_trailing_bytes_and_non_utf8_are_refused() {
        let mut bytes = sample().finish(SAMPLE_WIRES);
        bytes[7] = b'2';
        assert!(parse_err(&bytes).contains("bad magic"));
        let mut bytes = sample().finish(SAMPLE_WIRES);
        bytes.push(0);
        assert!(parse_err(&bytes).contains("1 trailing bytes"));
        let mut bytes = sample().finish(SAMPLE_WIRES);
        bytes[12] = 0xff; // first byte of the name
        assert!(parse_err(&bytes).contains("not UTF-8"));
    }

    #[test]
    fn unknown_opcode_and_group_kind_are_refused() {
        let mut w = sample();
        w.raw_op(&[9, 0, 0, 0, 0]);
        assert!(parse_err(&w.finish(SAMPLE_WIRES)).contains("op #7: unknown opcode 9"));
        let mut bytes = IrWriter::new("g").group("x", GroupKind::PrivateInput, 1, 1).finish(2);
        let kind_at = bytes.len() - 4 - 4 - 4 - 1; // before count, first and the op count
        bytes[kind_at] = 3;
        assert!(parse_err(&bytes).contains("group 'x': unknown kind 3"));
    }

    #[test]
    fn out_of_range_wires_and_indices_are_refused() {
        // an output past the last wire
        let mut w = IrWriter::new("w");
        w.group("x", GroupKind::PrivateInput, 1, 1).mul(5, &[(1, one())], &[(1, one())]);
        assert!(parse_err(&w.finish(3)).contains("wire 5 out of range"));
        // a read of a wire that does not exist
        let mut w = IrWriter::new("w");
        w.group("x", GroupKind::PrivateInput, 1, 1).lin(2, &[(7, one())]);
        assert!(parse_err(&w.finish(3)).contains("reads wire 7 before it is written"));
        // a group past the last wire, or over the constant wire
        let w = IrWriter::new("w").group("x", GroupKind::PrivateInput, 3, 1).finish(3);
        assert!(parse_err(&w).contains("extends past the last wire"));
        let w = IrWriter::new("w").group("x", GroupKind::PrivateInput, 1, 0).finish(2);
        assert!(parse_err(&w).contains("constant wire 0"));
        // a coefficient index past the table (the LC of the only op names coefficient 0,
        // which is then dropped from the table)
        let mut w = IrWriter::new("w");
        w.group("x", GroupKind::PrivateInput, 1, 1).lin(2, &[(1, one())]);
        let mut bytes = w.finish(3);
        let n_coeffs_at = 8 + 4 + 1 + 4;
        bytes[n_coeffs_at] = 0;
        bytes.drain(n_coeffs_at + 4..n_coeffs_at + 4 + 32);
        assert!(parse_err(&bytes).contains("coefficient index 0 out of range"));
        // a label index past the table
        let mut w = IrWriter::new("w");
        w.group("x", GroupKind::PrivateInput, 1, 1).raw_op(&[2, 9, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
        assert!(parse_err(&w.finish(3)).contains("label index 9 out of range"));
    }

    #[test]
    fn write_once_read_after_write() {
        let mut w = IrWriter::new("w");
        w.group("x", GroupKind::PrivateInput, 1, 1).lin(1, &[(1, one())]);
        assert!(parse_err(&w.finish(2)).contains("wire 1 written twice"));
        let mut w = IrWriter::new("w");
        w.group("x", GroupKind::PrivateInput, 1, 1).lin(3, &[(2, one())]).lin(2, &[(1, one())]);
        assert!(parse_err(&w.finish(4)).contains("reads wire 2 before it is written"));
        let w = IrWriter::new("w").group("x", GroupKind::PrivateInput, 1, 1).finish(3);
        assert!(parse_err(&w).contains("wire 2 is never written"));
        let mut w = IrWriter::new("w");
        w.group("o", GroupKind::PublicOutput, 1, 2).group("p", GroupKind::PublicOutput, 1, 2);
        assert!(parse_err(&w.finish(3)).contains("wire 2 in two output groups"));
        assert!(parse_err(&IrWriter::new("w").finish(0)).contains("at least the constant wire"));
    }

    #[test]
    fn gadget_sizes_are_bounded() {
        for n in [0, MAX_BITS + 1] {
            let mut w = IrWriter::new("w");
            w.group("x", GroupKind::PrivateInput, 1, 1).bits(&[(1, one())], n, 2);
            assert!(parse_err(&w.finish(2 + n)).contains(&format!("BITS of width {n}")));
        }
        // bits whose wire range would overflow u32 are refused, not wrapped
        let mut w = IrWriter::new("w");
        w.group("x", GroupKind::PrivateInput, 1, 1).bits(&[(1, one())], 8, u32::MAX - 3);
        assert!(parse_err(&w.finish(2)).contains("extend past the last wire"));
        for n in [0usize, 17] {
            let term = [(1, Fr::one())];
            let inputs: Vec<&[(Wire, Fr)]> = vec![&term; n];
            let mut w = IrWriter::new("w");
            w.group("x", GroupKind::PrivateInput, 1, 1).poseidon(Fr::zero(), &inputs, 2);
            assert!(parse_err(&w.finish(3)).contains(&format!("POSEIDON with {n} inputs")));
        }
    }

    #[test]
    fn coefficients_must_be_canonical() {
        let mut w = IrWriter::new("w");
        w.group("x", GroupKind::PrivateInput, 1, 1).lin(2, &[(1, one())]);
        let mut bytes = w.finish(3);
        let coeff_at = 8 + 4 + 1 + 4 + 4;
        bytes[coeff_at..coeff_at + 32].copy_from_slice(&[0xff; 32]);
        assert!(parse_err(&bytes).contains("coefficient #0 is not below r"));
    }

    /// A count far beyond the bytes left is truncation, found without reserving memory
    /// for the declared count first.
    #[test]
    fn oversized_counts_are_truncation() {
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&0u32.to_le_bytes()); // empty name
        bytes.extend_from_slice(&1u32.to_le_bytes()); // one wire
        bytes.extend_from_slice(&u32::MAX.to_le_bytes()); // 2^32 − 1 coefficients
        assert!(parse_err(&bytes).contains("truncated"));
        let mut w = IrWriter::new("w");
        w.group("x", GroupKind::PrivateInput, 1, 1);
        let mut bytes = w.finish(2);
        let n = bytes.len();
        bytes[n - 4..].copy_from_slice(&u32::MAX.to_le_bytes()); // 2^32 − 1 ops, none there
        assert!(parse_err(&bytes).contains("truncated"));
        // an LC declaring 2^32 − 1 terms
        let mut w = IrWriter::new("w");
        w.group("x", GroupKind::PrivateInput, 1, 1).raw_op(&[2, 0, 0, 0, 0, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        assert!(parse_err(&w.finish(3)).contains("truncated"));
        // a string declaring 2^32 − 1 bytes
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(parse_err(&bytes).contains("truncated"));
    }

    /// No single-byte change makes the parser panic: every IR is accepted or refused.
    #[test]
    fn corrupted_bytes_never_panic() {
        let bytes = sample().finish(SAMPLE_WIRES);
        for i in 8..bytes.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut bad = bytes.clone();
                bad[i] ^= flip;
                let _ = Ir::parse(&bad);
            }
        }
    }
}
