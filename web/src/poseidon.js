// Poseidon as solvent uses it (docs/hashing.md), on circomlibjs's implementation.
//
// Mirrors the public part of pysrc/solvent/verifier/poseidon.py: `poseidon(inputs,
// init)` is circomlib's PoseidonEx(n, 1) with `init` in the capacity element (the
// `initState` argument of circomlibjs's Poseidon), `domain`, `hashMany` and
// `encodeBytes`. All values are BigInt; nothing is reduced modulo r silently.

import buildPoseidonReference from "circomlibjs/poseidon_reference";

export const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
export const MAX_INPUTS = 16;
export const MAX_ENCODED_BYTES = 434;
const CHUNK_BYTES = 31;
const MAX_LABEL_BYTES = 29;

let circomlibPoseidon = null;

/** Build circomlibjs's Poseidon (it compiles its field arithmetic to WebAssembly once). */
export async function initPoseidon() {
  if (circomlibPoseidon === null) circomlibPoseidon = await buildPoseidonReference();
}

/** `x` as a canonical field element: a BigInt in [0, r). */
export function toField(x, what) {
  if (typeof x !== "bigint" || x < 0n || x >= R) throw new RangeError(`${what}: not a field element`);
  return x;
}

/** circomlib's PoseidonEx(len(inputs), 1) with initial capacity element `init`. */
export function poseidon(inputs, init = 0n) {
  if (circomlibPoseidon === null) throw new Error("initPoseidon() first");
  if (inputs.length < 1 || inputs.length > MAX_INPUTS) {
    throw new RangeError(`poseidon takes 1 to ${MAX_INPUTS} inputs, got ${inputs.length}`);
  }
  const xs = inputs.map((x, i) => toField(x, `poseidon input[${i}]`));
  const F = circomlibPoseidon.F;
  return F.toObject(circomlibPoseidon(xs, toField(init, "poseidon init")));
}

/** Domain tag `int(label as big-endian ASCII) * 2**16 + n`. */
export function domain(label, n) {
  if (label.length < 1 || label.length > MAX_LABEL_BYTES || !/^[ -~]+$/.test(label)) {
    throw new RangeError(`domain label must be 1 to ${MAX_LABEL_BYTES} printable ASCII characters`);
  }
  if (!Number.isInteger(n) || n < 0 || n >= 1 << 16) throw new RangeError(`domain length ${n}`);
  let v = 0n;
  for (const c of label) v = (v << 8n) | BigInt(c.charCodeAt(0));
  return (v << 16n) + BigInt(n);
}

/** Any number (≥ 1) of field elements under a labelled, length-bound domain: one
 * permutation up to 16 elements, then chained over chunks of 15. */
export function hashMany(label, xs) {
  const n = xs.length;
  if (n === 0) throw new RangeError("hashMany needs at least one element");
  const d = domain(label, n);
  if (n <= MAX_INPUTS) return poseidon(xs, d);
  let acc = poseidon(xs.slice(0, MAX_INPUTS), d);
  for (let start = MAX_INPUTS; start < n; start += MAX_INPUTS - 1) {
    acc = poseidon([acc, ...xs.slice(start, start + MAX_INPUTS - 1)], d);
  }
  return acc;
}

/** Bytes as `[len, chunk_0, …]`, 31-byte big-endian chunks (injective; ≤ 434 bytes). */
export function encodeBytes(bytes) {
  if (bytes.length > MAX_ENCODED_BYTES) {
    throw new RangeError(`byte string too long: ${bytes.length} > ${MAX_ENCODED_BYTES} bytes`);
  }
  const out = [BigInt(bytes.length)];
  for (let i = 0; i < bytes.length; i += CHUNK_BYTES) {
    let v = 0n;
    for (const b of bytes.subarray(i, i + CHUNK_BYTES)) v = (v << 8n) | BigInt(b);
    out.push(v);
  }
  return out;
}
