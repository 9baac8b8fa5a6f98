//! An encoder of the circuit IR (docs/ir.md): what the Python DSL writes, for Rust
//! tests and tools that need a circuit without Python. It writes what it is told,
//! malformed programs included (tests of the parser rely on that); `Ir::parse` is what
//! checks them.

use crate::field::fr_to_le;
use crate::ir::{GroupKind, Wire, MAGIC};
use ark_bn254::Fr;

/// Terms `(wire, coefficient)` of a linear combination.
pub type Terms<'a> = &'a [(Wire, Fr)];

/// Builds one IR, op by op.
pub struct IrWriter {
    name: String,
    coeffs: Vec<Fr>,
    labels: Vec<String>,
    label: u32,
    groups: Vec<(String, GroupKind, u32, u32)>,
    ops: Vec<u8>,
    n_ops: u32,
}

impl IrWriter {
    /// An empty program named `name`; ops get the empty label until `label` is called.
    pub fn new(name: &str) -> Self {
        IrWriter {
            name: name.into(),
            coeffs: vec![],
            labels: vec![String::new()],
            label: 0,
            groups: vec![],
            ops: vec![],
            n_ops: 0,
        }
    }

    /// Declares `count` wires from `first` as a group.
    pub fn group(&mut self, name: &str, kind: GroupKind, count: u32, first: Wire) -> &mut Self {
        self.groups.push((name.into(), kind, count, first));
        self
    }

    /// The label of the ops that follow.
    pub fn label(&mut self, label: &str) -> &mut Self {
        self.label = match self.labels.iter().position(|l| l == label) {
            Some(i) => i as u32,
            None => {
                self.labels.push(label.into());
                (self.labels.len() - 1) as u32
            }
        };
        self
    }

    fn coeff(&mut self, c: Fr) -> u32 {
        if let Some(i) = self.coeffs.iter().position(|x| *x == c) {
            return i as u32;
        }
        self.coeffs.push(c);
        (self.coeffs.len() - 1) as u32
    }

    fn u32(&mut self, v: u32) {
        self.ops.extend_from_slice(&v.to_le_bytes());
    }

    fn lc(&mut self, terms: Terms) {
        self.u32(terms.len() as u32);
        for (w, c) in terms {
            let ci = self.coeff(*c);
            self.u32(*w);
            self.u32(ci);
        }
    }

    fn op(&mut self, code: u8) {
        self.ops.push(code);
        let label = self.label;
        self.u32(label);
        self.n_ops += 1;
    }

    /// `out = a · b`.
    pub fn mul(&mut self, out: Wire, a: Terms, b: Terms) -> &mut Self {
        self.op(1);
        self.u32(out);
        self.lc(a);
        self.lc(b);
        self
    }

    /// `out = a`.
    pub fn lin(&mut self, out: Wire, a: Terms) -> &mut Self {
        self.op(2);
        self.u32(out);
        self.lc(a);
        self
    }

    /// `a · b = c`.
    pub fn assert_product(&mut self, a: Terms, b: Terms, c: Terms) -> &mut Self {
        self.op(3);
        self.lc(a);
        self.lc(b);
        self.lc(c);
        self
    }

    /// `x` as `n` bits at wires `first ..`.
    pub fn bits(&mut self, x: Terms, n: u32, first: Wire) -> &mut Self {
        self.op(4);
        self.lc(x);
        self.u32(n);
        self.u32(first);
        self
    }

    /// `out = Poseidon([domain, inputs…])[0]`.
    pub fn poseidon(&mut self, domain: Fr, inputs: &[Terms], out: Wire) -> &mut Self {
        self.op(5);
        let d = self.coeff(domain);
        self.u32(d);
        self.u32(inputs.len() as u32);
        for i in inputs {
            self.lc(i);
        }
        self.u32(out);
        self
    }

    /// Hint `out = x⁻¹`.
    pub fn hint_inv(&mut self, x: Terms, out: Wire) -> &mut Self {
        self.op(16);
        self.lc(x);
        self.u32(out);
        self
    }

    /// Hint `x = q·d + rem`.
    pub fn hint_divmod(&mut self, x: Terms, d: Terms, q: Wire, rem: Wire) -> &mut Self {
        self.op(17);
        self.lc(x);
        self.lc(d);
        self.u32(q);
        self.u32(rem);
        self
    }

    /// Appends raw op bytes (an opcode the format does not have, say) and counts an op.
    pub fn raw_op(&mut self, bytes: &[u8]) -> &mut Self {
        self.ops.extend_from_slice(bytes);
        self.n_ops += 1;
        self
    }

    /// The encoded IR of a circuit of `num_wires` wires.
    pub fn finish(&self, num_wires: u32) -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        let s = |b: &mut Vec<u8>, x: &str| {
            b.extend_from_slice(&(x.len() as u32).to_le_bytes());
            b.extend_from_slice(x.as_bytes());
        };
        s(&mut b, &self.name);
        b.extend_from_slice(&num_wires.to_le_bytes());
        b.extend_from_slice(&(self.coeffs.len() as u32).to_le_bytes());
        for c in &self.coeffs {
            b.extend_from_slice(&fr_to_le(c));
        }
        b.extend_from_slice(&(self.labels.len() as u32).to_le_bytes());
        for l in &self.labels {
            s(&mut b, l);
        }
        b.extend_from_slice(&(self.groups.len() as u32).to_le_bytes());
        for (name, kind, count, first) in &self.groups {
            s(&mut b, name);
            b.push(*kind as u8);
            b.extend_from_slice(&count.to_le_bytes());
            b.extend_from_slice(&first.to_le_bytes());
        }
        b.extend_from_slice(&self.n_ops.to_le_bytes());
        b.extend_from_slice(&self.ops);
        b
    }
}
