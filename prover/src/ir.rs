//! The backend-neutral circuit IR (docs/ir.md): parsing and validation.
//!
//! The Python DSL writes the IR; this module reads it into typed ops and checks every
//! structural rule up front (wire bounds, write-once, read-after-write, gadget sizes), so
//! the lowering and the solver can rely on a well-formed program.

use crate::field::fr_from_le;
use ark_bn254::Fr;
use sha2::{Digest, Sha256};

pub type Wire = u32;

/// A linear combination `Σ coeff · wire` (wire 0 is the constant one).
#[derive(Clone, Debug, Default)]
pub struct Lc(pub Vec<(Wire, Fr)>);

impl Lc {
    /// An LC with no variable term is a constant (it may be empty, i.e. zero).
    pub fn is_constant(&self) -> bool {
        self.0.iter().all(|(w, _)| *w == 0)
    }
    pub fn wires(&self) -> impl Iterator<Item = Wire> + '_ {
        self.0.iter().map(|(w, _)| *w)
    }
}

#[derive(Clone, Debug)]
pub enum Op {
    Mul { out: Wire, a: Lc, b: Lc },
    Lin { out: Wire, a: Lc },
    Assert { a: Lc, b: Lc, c: Lc },
    Bits { x: Lc, n: u32, first: Wire },
    Poseidon { domain: Fr, inputs: Vec<Lc>, out: Wire },
    HintInv { x: Lc, out: Wire },
    HintDivMod { x: Lc, d: Lc, q: Wire, rem: Wire },
}

impl Op {
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupKind {
    PrivateInput = 0,
    PublicInput = 1,
    PublicOutput = 2,
}

#[derive(Clone, Debug)]
pub struct Group {
    pub name: String,
    pub kind: GroupKind,
    pub count: u32,
    pub first: Wire,
}

impl Group {
    pub fn wires(&self) -> std::ops::Range<Wire> {
        self.first..self.first + self.count
    }
    pub fn is_public(&self) -> bool {
        self.kind != GroupKind::PrivateInput
    }
    pub fn is_input(&self) -> bool {
        self.kind != GroupKind::PublicOutput
    }
}

#[derive(Clone, Debug)]
pub struct Ir {
    pub name: String,
    pub num_wires: u32,
    pub labels: Vec<String>,
    pub groups: Vec<Group>,
    /// `(op, label index)`
    pub ops: Vec<(Op, u32)>,
    /// SHA-256 of the serialized IR: the circuit's identity.
    pub hash: [u8; 32],
}

pub const MAGIC: &[u8; 8] = b"SLVIR001";
pub const MAX_BITS: u32 = 252;

impl Ir {
    /// Public wires in public order.
    pub fn public_wires(&self) -> Vec<Wire> {
        self.groups.iter().filter(|g| g.is_public()).flat_map(|g| g.wires()).collect()
    }
    /// Input wires in input-vector order.
    pub fn input_wires(&self) -> Vec<Wire> {
        self.groups.iter().filter(|g| g.is_input()).flat_map(|g| g.wires()).collect()
    }
    pub fn label(&self, op_index: usize) -> &str {
        &self.labels[self.ops[op_index].1 as usize]
    }
    pub fn hash_hex(&self) -> String {
        self.hash.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn parse(bytes: &[u8]) -> Result<Ir, String> {
        let mut r = Reader { buf: bytes, pos: 0 };
        if r.take(8)? != MAGIC {
            return Err("not a solvent circuit IR (bad magic; expected SLVIR001)".into());
        }
        let name = r.string()?;
        let num_wires = r.u32()?;
        let n_coeffs = r.u32()? as usize;
        let mut coeffs = Vec::with_capacity(n_coeffs.min(1 << 20));
        for i in 0..n_coeffs {
            coeffs.push(fr_from_le(r.take(32)?).ok_or_else(|| format!("coefficient #{i} is not below r"))?);
        }
        let n_labels = r.u32()? as usize;
        let mut labels = Vec::with_capacity(n_labels.min(1 << 20));
        for _ in 0..n_labels {
            labels.push(r.string()?);
        }
        if labels.is_empty() {
            labels.push(String::new());
        }
        let n_groups = r.u32()? as usize;
        let mut groups = Vec::with_capacity(n_groups.min(1 << 16));
        for _ in 0..n_groups {
            let gname = r.string()?;
            let kind = match r.u8()? {
                0 => GroupKind::PrivateInput,
                1 => GroupKind::PublicInput,
                2 => GroupKind::PublicOutput,
                k => return Err(format!("group '{gname}': unknown kind {k}")),
            };
            let count = r.u32()?;
            let first = r.u32()?;
            groups.push(Group { name: gname, kind, count, first });
        }
        let n_ops = r.u32()? as usize;
        let mut ops = Vec::with_capacity(n_ops.min(1 << 24));
        for i in 0..n_ops {
            let code = r.u8()?;
            let label = r.u32()?;
            let lc = |r: &mut Reader| -> Result<Lc, String> {
                let n = r.u32()? as usize;
                let mut terms = Vec::with_capacity(n.min(1 << 20));
                for _ in 0..n {
                    let w = r.u32()?;
                    let ci = r.u32()? as usize;
                    let c = *coeffs.get(ci).ok_or_else(|| format!("op #{i}: coefficient index {ci} out of range"))?;
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
                    let domain = *coeffs.get(di).ok_or_else(|| format!("op #{i}: domain index {di} out of range"))?;
                    let n = r.u32()? as usize;
                    if !(1..=crate::poseidon::MAX_INPUTS).contains(&n) {
                        return Err(format!("op #{i}: POSEIDON with {n} inputs (1..=16 allowed)"));
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
                c => return Err(format!("op #{i}: unknown opcode {c}")),
            };
            if label as usize >= labels.len() {
                return Err(format!("op #{i}: label index {label} out of range"));
            }
            ops.push((op, label));
        }
        if r.pos != bytes.len() {
            return Err(format!("{} trailing bytes after the last op", bytes.len() - r.pos));
        }
        let hash: [u8; 32] = Sha256::digest(bytes).into();
        let ir = Ir { name, num_wires, labels, groups, ops, hash };
        ir.validate()?;
        Ok(ir)
    }

    /// Structural rules: every wire but 0 written exactly once, before it is read.
    fn validate(&self) -> Result<(), String> {
        let n = self.num_wires as usize;
        if n == 0 {
            return Err("a circuit has at least the constant wire 0".into());
        }
        let mut written = vec![false; n];
        written[0] = true;
        let write = |w: Wire, what: &str, written: &mut Vec<bool>| -> Result<(), String> {
            let wi = w as usize;
            if wi >= n {
                return Err(format!("{what}: wire {w} out of range (num_wires = {n})"));
            }
            if written[wi] {
                return Err(format!("{what}: wire {w} written twice"));
            }
            written[wi] = true;
            Ok(())
        };
        let mut outputs_pending = vec![false; n];
        for g in &self.groups {
            if g.first == 0 && g.count > 0 {
                return Err(format!("group '{}' includes the constant wire 0", g.name));
            }
            if (g.first as u64 + g.count as u64) > n as u64 {
                return Err(format!("group '{}' extends past the last wire", g.name));
            }
            for w in g.wires() {
                if g.is_input() {
                    write(w, &format!("group '{}'", g.name), &mut written)?;
                } else {
                    if outputs_pending[w as usize] {
                        return Err(format!("group '{}': wire {w} in two output groups", g.name));
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
                        return Err(format!("{what}: reads wire {w} before it is written"));
                    }
                }
            }
            if let Op::Bits { n: bits, .. } = op {
                if !(1..=MAX_BITS).contains(bits) {
                    return Err(format!("{what}: BITS of width {bits} (1..={MAX_BITS} allowed)"));
                }
            }
            for w in op.outputs() {
                write(w, &what, &mut written)?;
            }
        }
        if let Some(w) = written.iter().position(|x| !x) {
            return Err(format!("wire {w} is never written (neither an input nor an op output)"));
        }
        Ok(())
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.pos + n > self.buf.len() {
            return Err(format!("IR truncated at byte {}", self.pos));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap()))
    }
    fn string(&mut self) -> Result<String, String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| "IR string is not UTF-8".to_string())
    }
}
