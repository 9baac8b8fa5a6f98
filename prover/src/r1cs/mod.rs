//! Lowering of the circuit IR to R1CS (docs/ir.md, "R1CS lowering"), and the
//! satisfaction check that names the op behind the first failing row.

pub mod poseidon_gadget;

use crate::ir::{Ir, Lc, Op};
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, One, Zero};
use ark_relations::utils::matrix::Matrix;
use poseidon_gadget::{init_sbox, template, Local};
use rayon::prelude::*;

/// One row of one matrix: `(coefficient, column)` terms, sorted by column.
pub type Row = Vec<(Fr, usize)>;

/// A lowered circuit: R1CS matrices in arkworks' layout (`(coeff, column)` terms).
pub struct R1cs {
    /// Public values (the constant one excluded).
    pub num_public: usize,
    /// Columns of the assignment: the constant one, the public values, the rest.
    pub num_columns: usize,
    /// First auxiliary column; IR wires occupy columns below it.
    pub aux_offset: usize,
    /// `[A, B, C]`, each a list of rows.
    pub m: [Matrix<Fr>; 3],
    /// For each row, the op that produced it.
    pub row_op: Vec<u32>,
    /// IR wire → column.
    pub wire_col: Vec<u32>,
}

impl R1cs {
    /// Rows.
    pub fn num_constraints(&self) -> usize {
        self.m[0].len()
    }
    /// Instance variables as arkworks counts them (the constant one included).
    pub fn num_instance(&self) -> usize {
        self.num_public + 1
    }
    /// Nonzero terms over the three matrices.
    pub fn nonzeros(&self) -> usize {
        self.m.iter().map(|m| m.iter().map(Vec::len).sum::<usize>()).sum()
    }
}

fn column_map(ir: &Ir) -> (Vec<u32>, usize) {
    let n = ir.num_wires as usize;
    let mut col = vec![u32::MAX; n];
    col[0] = 0;
    let publics = ir.public_wires();
    for (k, w) in publics.iter().enumerate() {
        col[*w as usize] = (k + 1) as u32;
    }
    let mut next = publics.len() + 1;
    for c in col.iter_mut().skip(1) {
        if *c == u32::MAX {
            *c = next as u32;
            next += 1;
        }
    }
    (col, publics.len())
}

struct Lowering<'a> {
    col: &'a [u32],
    rows: [Matrix<Fr>; 3],
    row_op: Vec<u32>,
    next_aux: usize,
}

impl Lowering<'_> {
    fn lc(&self, lc: &Lc) -> Row {
        lc.0.iter().map(|(w, c)| (*c, self.col[*w as usize] as usize)).collect()
    }
    fn push(&mut self, op: usize, a: Row, b: Row, c: Row) {
        self.rows[0].push(a);
        self.rows[1].push(b);
        self.rows[2].push(c);
        self.row_op.push(op as u32);
    }
    fn var(&self, w: u32) -> Row {
        vec![(Fr::one(), self.col[w as usize] as usize)]
    }

    fn lower_op(&mut self, i: usize, op: &Op) {
        let one = || vec![(Fr::one(), 0usize)];
        match op {
            Op::Mul { out, a, b } => self.push(i, self.lc(a), self.lc(b), self.var(*out)),
            Op::Lin { out, a } => self.push(i, self.lc(a), one(), self.var(*out)),
            Op::Assert { a, b, c } => self.push(i, self.lc(a), self.lc(b), self.lc(c)),
            Op::Bits { x, n, first } => {
                let mut sum = Row::with_capacity(*n as usize);
                let mut pow = Fr::one();
                for k in 0..*n {
                    let col = self.col[(first + k) as usize] as usize;
                    self.push(i, vec![(Fr::one(), col)], vec![(Fr::one(), 0), (-Fr::one(), col)], vec![]);
                    sum.push((pow, col));
                    pow.double_in_place();
                }
                self.push(i, sum, one(), self.lc(x));
            }
            Op::Poseidon { domain, inputs, out } => {
                let t = inputs.len() + 1;
                let tpl = template(t);
                let k = init_sbox(t, *domain);
                let ins: Vec<Row> = inputs.iter().map(|l| self.lc(l)).collect();
                let base = self.next_aux;
                let out_col = self.col[*out as usize] as usize;
                self.next_aux += tpl.num_aux;
                let inst = |local: &[(Local, Fr)]| -> Row {
                    let mut row: Row = Vec::with_capacity(local.len());
                    for (v, c) in local {
                        match v {
                            Local::One => row.push((*c, 0)),
                            Local::InitSbox => row.push((*c * k, 0)),
                            Local::Aux(j) => row.push((*c, base + j)),
                            Local::Out => row.push((*c, out_col)),
                            Local::Input(e) => row.extend(ins[e - 1].iter().map(|(ic, col)| (*ic * c, *col))),
                        }
                    }
                    merge(row)
                };
                for [a, b, c] in &tpl.rows {
                    self.push(i, inst(a), inst(b), inst(c));
                }
            }
            Op::HintInv { .. } | Op::HintDivMod { .. } => {}
        }
    }
}

/// Sorts by column and sums duplicate columns, dropping zero terms.
fn merge(mut row: Row) -> Row {
    row.sort_unstable_by_key(|(_, col)| *col);
    let mut out: Row = Vec::with_capacity(row.len());
    for (c, col) in row {
        match out.last_mut() {
            Some((acc, last)) if *last == col => *acc += c,
            _ => out.push((c, col)),
        }
    }
    out.retain(|(c, _)| !c.is_zero());
    out
}

/// Lowers a validated IR: columns are the constant one, the public wires in public
/// order, the other wires in wire order, then the Poseidon auxiliaries; rows follow the
/// ops in order (docs/ir.md, "R1CS lowering").
pub fn lower(ir: &Ir) -> R1cs {
    let (col, num_public) = column_map(ir);
    let aux_offset = ir.num_wires as usize;
    let mut l = Lowering { col: &col, rows: [vec![], vec![], vec![]], row_op: vec![], next_aux: aux_offset };
    for (i, (op, _)) in ir.ops.iter().enumerate() {
        l.lower_op(i, op);
    }
    let num_columns = l.next_aux;
    let Lowering { rows, row_op, .. } = l;
    R1cs { num_public, num_columns, aux_offset, m: rows, row_op, wire_col: col }
}

fn eval(row: &Row, z: &[Fr]) -> Fr {
    row.iter().fold(Fr::zero(), |acc, (c, col)| acc + *c * z[*col])
}

/// The first row (lowest index) whose `A·z · B·z ≠ C·z`, if any.
pub fn first_unsatisfied(r1cs: &R1cs, z: &[Fr]) -> Option<usize> {
    (0..r1cs.num_constraints())
        .into_par_iter()
        .filter(|&i| eval(&r1cs.m[0][i], z) * eval(&r1cs.m[1][i], z) != eval(&r1cs.m[2][i], z))
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::GroupKind;
    use crate::ir_writer::IrWriter;
    use crate::poseidon::partial_rounds;

    fn one() -> Fr {
        Fr::one()
    }

    fn lowered(w: &IrWriter, num_wires: u32) -> (Ir, R1cs) {
        let ir = Ir::parse(&w.finish(num_wires)).unwrap();
        let r1cs = lower(&ir);
        (ir, r1cs)
    }

    /// `(coefficient, column)` rows, for comparison.
    fn row(terms: &[(u64, usize)]) -> Row {
        terms.iter().map(|(c, col)| (Fr::from(*c), *col)).collect()
    }

    #[test]
    fn columns_put_the_public_wires_first_in_public_order() {
        // private a (1); public output o (2); public input k (3); o = a·k
        let mut w = IrWriter::new("c");
        w.group("a", GroupKind::PrivateInput, 1, 1).group("o", GroupKind::PublicOutput, 1, 2).group(
            "k",
            GroupKind::PublicInput,
            1,
            3,
        );
        w.mul(2, &[(1, one())], &[(3, one())]);
        let (_, r) = lowered(&w, 4);
        assert_eq!(r.wire_col, vec![0, 3, 1, 2], "one, then o and k in declaration order, then a");
        assert_eq!((r.num_public, r.num_instance(), r.num_columns, r.aux_offset), (2, 3, 4, 4));
    }

    #[test]
    fn each_op_lowers_to_its_rows() {
        let mut w = IrWriter::new("ops");
        w.group("x", GroupKind::PrivateInput, 2, 1);
        w.mul(3, &[(1, Fr::from(2u8))], &[(2, one())]); // op 0: one row, 2x · y = m
        w.lin(4, &[(1, one()), (0, Fr::from(5u8))]); // op 1: (x + 5) · 1 = l
        w.assert_product(&[(1, one())], &[(2, one())], &[(3, Fr::from(9u8))]); // op 2
        w.hint_inv(&[(2, one())], 5); // op 3: no row
        w.hint_divmod(&[(1, one())], &[(2, one())], 6, 7); // op 4: no row
        w.bits(&[(1, one())], 3, 8); // op 5: three booleanity rows and the sum
        let (_, r) = lowered(&w, 11);
        assert_eq!(r.num_constraints(), 3 + 4);
        assert_eq!(r.row_op, vec![0, 1, 2, 5, 5, 5, 5]);
        let [a, b, c] = &r.m;
        assert_eq!((&a[0], &b[0], &c[0]), (&row(&[(2, 1)]), &row(&[(1, 2)]), &row(&[(1, 3)])));
        assert_eq!((&a[1], &b[1], &c[1]), (&row(&[(1, 1), (5, 0)]), &row(&[(1, 0)]), &row(&[(1, 4)])));
        assert_eq!((&a[2], &b[2], &c[2]), (&row(&[(1, 1)]), &row(&[(1, 2)]), &row(&[(9, 3)])));
        for k in 0..3 {
            // bit · (1 − bit) = 0
            assert_eq!(a[3 + k], row(&[(1, 8 + k)]));
            assert_eq!(b[3 + k], vec![(one(), 0), (-one(), 8 + k)]);
            assert!(c[3 + k].is_empty());
        }
        // Σ 2^k · bit_k = x
        assert_eq!((&a[6], &b[6], &c[6]), (&row(&[(1, 8), (2, 9), (4, 10)]), &row(&[(1, 0)]), &row(&[(1, 1)])));
        assert_eq!(r.nonzeros(), 3 + 4 + 3 + 3 * 3 + 5);
    }

    /// Three rows per S-box (x², x⁴, x⁵) over 8 full rounds of t and the partial rounds,
    /// less round 0's capacity S-box (a per-op constant); the last round's first x⁵
    /// shares the row that defines the output. Two inputs: 240 rows, as circomlib.
    #[test]
    fn poseidon_template_rows_for_every_width() {
        for t in 2..=17usize {
            let inputs: Vec<Vec<(u32, Fr)>> = (1..t as u32).map(|w| vec![(w, one())]).collect();
            let refs: Vec<&[(u32, Fr)]> = inputs.iter().map(Vec::as_slice).collect();
            let mut w = IrWriter::new("p");
            w.group("in", GroupKind::PrivateInput, (t - 1) as u32, 1).poseidon(Fr::zero(), &refs, t as u32);
            let (_, r) = lowered(&w, t as u32 + 1);
            let sboxes = 8 * t + partial_rounds(t) - 1;
            assert_eq!(r.num_constraints(), 3 * sboxes, "width {t}");
            assert_eq!(r.num_columns - r.aux_offset, 3 * sboxes - 1, "width {t}: auxiliaries");
            if t == 3 {
                assert_eq!(r.num_constraints(), 240);
            }
        }
    }

    #[test]
    fn merge_sums_columns_and_drops_zeros() {
        let merged = merge(vec![(Fr::from(2u8), 3), (one(), 1), (-Fr::from(2u8), 3), (Fr::from(4u8), 1)]);
        assert_eq!(merged, row(&[(5, 1)]));
    }

    #[test]
    fn first_unsatisfied_is_the_lowest_failing_row() {
        let mut w = IrWriter::new("u");
        w.group("x", GroupKind::PrivateInput, 2, 1);
        w.mul(3, &[(1, one())], &[(2, one())]).mul(4, &[(3, one())], &[(3, one())]);
        let (_, r) = lowered(&w, 5);
        let good = vec![one(), Fr::from(2u8), Fr::from(3u8), Fr::from(6u8), Fr::from(36u8)];
        assert_eq!(first_unsatisfied(&r, &good), None);
        let mut bad = good.clone();
        bad[4] = Fr::from(35u8);
        assert_eq!(first_unsatisfied(&r, &bad), Some(1));
        bad[3] = Fr::from(7u8);
        assert_eq!(first_unsatisfied(&r, &bad), Some(0));
    }
}
