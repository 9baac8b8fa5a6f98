//! Poseidon as R1CS rows, and the matching witness trace.
//!
//! The rows of one permutation depend only on its width, so they are derived once per
//! width as a *template* over local variables (the inputs, the auxiliaries, and the
//! folded first S-box of the capacity element) and instantiated per op by renaming.
//! The witness trace below produces the auxiliaries in exactly the template's order:
//! round by round, element by element, `(x², x⁴, x⁵)` for every S-box except round 0's
//! capacity element, whose input is the constant `domain + c₀` and folds to a constant.
//!
//! The output costs no row of its own: the last round's first S-box output `y₀` is
//! never allocated; since `out = Σ_j M₀ⱼ·yⱼ`, the row that defines it uses
//! `y₀ = (out − Σ_{j≥1} M₀ⱼ·yⱼ) / M₀₀` instead (what circom's linear substitution
//! does), so two inputs cost 240 rows, as in circomlib.

use crate::poseidon::{params, Params};
use ark_bn254::Fr;
use ark_ff::{Field, One, Zero};
use std::sync::OnceLock;

/// Local variable of a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Local {
    /// The constant one.
    One,
    /// `(domain + c₀)⁵`, a per-op constant.
    InitSbox,
    /// State element `i ≥ 1` at the start, i.e. input `i − 1`.
    Input(usize),
    /// Auxiliary `j` of the permutation (an S-box's `x²`, `x⁴` or `x⁵`).
    Aux(usize),
    /// The op's output wire.
    Out,
}

/// A linear combination of a template's local variables, sorted by variable.
pub type LocalLc = Vec<(Local, Fr)>;

/// The rows of one permutation of width `t`, over local variables.
pub struct Template {
    /// Width (inputs + 1).
    pub t: usize,
    /// Auxiliary columns one instance adds.
    pub num_aux: usize,
    /// `[A, B, C]` of each row.
    pub rows: Vec<[LocalLc; 3]>,
}

fn add_scaled(acc: &mut LocalLc, other: &[(Local, Fr)], k: Fr) {
    for (v, c) in other {
        match acc.binary_search_by(|(w, _)| w.cmp(v)) {
            Ok(pos) => {
                acc[pos].1 += k * c;
                if acc[pos].1.is_zero() {
                    acc.remove(pos);
                }
            }
            Err(pos) => acc.insert(pos, (*v, k * c)),
        }
    }
}

fn add_constant(lc: &mut LocalLc, c: Fr) {
    add_scaled(lc, &[(Local::One, Fr::one())], c);
}

fn build(p: &Params) -> Template {
    let t = p.t;
    let mut rows = Vec::new();
    let mut num_aux = 0usize;
    let mut state: Vec<LocalLc> =
        (0..t).map(|i| if i == 0 { vec![] } else { vec![(Local::Input(i), Fr::one())] }).collect();
    let last = p.rounds() - 1;
    for r in 0..p.rounds() {
        for (i, s) in state.iter_mut().enumerate() {
            if r == 0 && i == 0 {
                continue; // domain + c₀ is folded into InitSbox per op
            }
            add_constant(s, p.constants[r * t + i]);
        }
        let sboxed = if p.is_full_round(r) { t } else { 1 };
        let mut deferred = None;
        for i in 0..sboxed {
            if r == 0 && i == 0 {
                state[0] = vec![(Local::InitSbox, Fr::one())];
                continue;
            }
            let x = std::mem::take(&mut state[i]);
            let (x2, x4) = (Local::Aux(num_aux), Local::Aux(num_aux + 1));
            rows.push([x.clone(), x.clone(), vec![(x2, Fr::one())]]);
            rows.push([vec![(x2, Fr::one())], vec![(x2, Fr::one())], vec![(x4, Fr::one())]]);
            if r == last && i == 0 {
                num_aux += 2;
                deferred = Some((x4, x));
                continue;
            }
            let y = Local::Aux(num_aux + 2);
            num_aux += 3;
            rows.push([vec![(x4, Fr::one())], x, vec![(y, Fr::one())]]);
            state[i] = vec![(y, Fr::one())];
        }
        if let Some((x4, x)) = deferred {
            // y₀ = (out − Σ_{j≥1} M₀ⱼ·yⱼ) / M₀₀; the final mix is then not needed.
            let m0 = &p.mds[0];
            let inv = m0[0].inverse().expect("MDS entries are nonzero");
            let mut y0 = vec![(Local::Out, inv)];
            for j in 1..t {
                add_scaled(&mut y0, &state[j], -m0[j] * inv);
            }
            rows.push([vec![(x4, Fr::one())], x, y0]);
            break;
        }
        state = p
            .mds
            .iter()
            .map(|row| {
                let mut acc = LocalLc::new();
                for (m, s) in row.iter().zip(&state) {
                    add_scaled(&mut acc, s, *m);
                }
                acc
            })
            .collect();
    }
    Template { t, num_aux, rows }
}

/// The template of width `t` (2..=17), derived once per process.
pub fn template(t: usize) -> &'static Template {
    static CACHE: [OnceLock<Template>; 16] = [const { OnceLock::new() }; 16];
    CACHE[t - 2].get_or_init(|| build(params(t)))
}

/// The per-op constant `(domain + c₀)⁵`.
pub fn init_sbox(t: usize, domain: Fr) -> Fr {
    crate::poseidon::sbox(domain + params(t).constants[0])
}

/// Runs the permutation on `[domain, inputs…]`, appending the auxiliaries in template
/// order to `aux`; returns the output (state element 0).
pub fn trace(domain: Fr, inputs: &[Fr], aux: &mut Vec<Fr>) -> Fr {
    let t = inputs.len() + 1;
    let p = params(t);
    let mut state = Vec::with_capacity(t);
    state.push(domain);
    state.extend_from_slice(inputs);
    let mut next = vec![Fr::zero(); t];
    let last = p.rounds() - 1;
    for r in 0..p.rounds() {
        for (i, s) in state.iter_mut().enumerate() {
            *s += p.constants[r * t + i];
        }
        let sboxed = if p.is_full_round(r) { t } else { 1 };
        for (i, s) in state.iter_mut().enumerate().take(sboxed) {
            let x2 = s.square();
            let x4 = x2.square();
            let y = x4 * *s;
            if r == last && i == 0 {
                aux.extend_from_slice(&[x2, x4]);
            } else if !(r == 0 && i == 0) {
                aux.extend_from_slice(&[x2, x4, y]);
            }
            *s = y;
        }
        for (i, row) in p.mds.iter().enumerate() {
            next[i] = row.iter().zip(&state).fold(Fr::zero(), |acc, (m, s)| acc + *m * s);
        }
        state.copy_from_slice(&next);
    }
    state[0]
}
