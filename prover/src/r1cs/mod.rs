//! Lowering of the circuit IR to R1CS (docs/ir.md, "R1CS lowering"), and the
//! satisfaction check that names the op behind the first failing row.

pub mod poseidon_gadget;

use crate::ir::{Ir, Lc, Op};
use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, One, Zero};
use ark_relations::utils::matrix::Matrix;
use poseidon_gadget::{init_sbox, template, Local};
use rayon::prelude::*;

pub type Row = Vec<(Fr, usize)>;

/// A lowered circuit: R1CS matrices in arkworks' layout (`(coeff, column)` terms).
pub struct R1cs {
    /// Public values (the constant one excluded).
    pub num_public: usize,
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
    pub fn num_constraints(&self) -> usize {
        self.m[0].len()
    }
    /// Instance variables as arkworks counts them (the constant one included).
    pub fn num_instance(&self) -> usize {
        self.num_public + 1
    }
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
