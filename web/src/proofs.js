// Groth16 in the browser: strict reading of snarkjs's JSON, the verifying-key hash
// of solvent.verifier.vk_hash, and proof verification with snarkjs.
//
// Reading follows pysrc/solvent/verifier/snarkjs.py and groth16.py: canonical
// decimal strings only, coordinates below q, z exactly "1" / ["1", "0"] (so one key
// has one hash), points on the curve, G2 points in the prime-order subgroup
// (@noble/curves; snarkjs checks only that points are on the curve), no point at
// infinity, gamma ≠ delta, public inputs below r and exactly as many as the key takes.

import { bn254 } from "@noble/curves/bn254";
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex } from "@noble/hashes/utils";
import { groth16 } from "snarkjs";
import { MalformedInput } from "./formulas.js";
import { R } from "./poseidon.js";

export const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

function base(v, what) {
  if (typeof v !== "string" || !DECIMAL.test(v)) throw new MalformedInput(`${what}: not a canonical decimal string`);
  const x = BigInt(v);
  if (x >= Q) throw new MalformedInput(`${what}: not below the base field modulus q`);
  return x;
}

function list(v, n, what) {
  if (!Array.isArray(v) || v.length !== n) throw new MalformedInput(`${what}: expected an array of ${n}`);
  return v;
}

/** A snarkjs G1 point `["x", "y", "1"]` → `{x, y}`, on the curve. */
export function readG1(v, what) {
  const [x, y, z] = list(v, 3, what);
  if (z !== "1") throw new MalformedInput(`${what}: projective z must be "1" (finite, affine)`);
  const p = { x: base(x, `${what}[0]`), y: base(y, `${what}[1]`) };
  try {
    bn254.G1.ProjectivePoint.fromAffine(p).assertValidity();
  } catch {
    throw new MalformedInput(`${what}: not a point of G1`);
  }
  return p;
}

/** A snarkjs G2 point `[[x0, x1], [y0, y1], ["1", "0"]]` → `{x: {c0, c1}, y}`, in the subgroup. */
export function readG2(v, what) {
  const [x, y, z] = list(v, 3, what);
  const [z0, z1] = list(z, 2, `${what}[2]`);
  if (z0 !== "1" || z1 !== "0") throw new MalformedInput(`${what}: projective z must be ["1", "0"] (finite, affine)`);
  const fq2 = (c, w) => {
    const [c0, c1] = list(c, 2, w);
    return { c0: base(c0, `${w}[0]`), c1: base(c1, `${w}[1]`) };
  };
  const p = { x: fq2(x, `${what}[0]`), y: fq2(y, `${what}[1]`) };
  try {
    bn254.G2.ProjectivePoint.fromAffine(p).assertValidity();
  } catch {
    throw new MalformedInput(`${what}: not a point of the prime-order subgroup of G2`);
  }
  return p;
}

function header(obj, what) {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) throw new MalformedInput(`${what}: expected an object`);
  if ("protocol" in obj && obj.protocol !== "groth16") throw new MalformedInput(`${what}.protocol: expected "groth16"`);
  if ("curve" in obj && obj.curve !== "bn128") throw new MalformedInput(`${what}.curve: expected "bn128"`);
}

const g1Json = (p) => [p.x.toString(), p.y.toString(), "1"];
const g2Json = (p) => [[p.x.c0.toString(), p.x.c1.toString()], [p.y.c0.toString(), p.y.c1.toString()], ["1", "0"]];

/** A verifying key from snarkjs's `verification_key.json` (parsed with json.js). */
export function readVerifyingKey(obj) {
  header(obj, "vk");
  if (!Array.isArray(obj.IC) || obj.IC.length === 0) throw new MalformedInput("vk.IC: expected a non-empty array");
  const vk = {
    alpha1: readG1(obj.vk_alpha_1, "vk.vk_alpha_1"),
    beta2: readG2(obj.vk_beta_2, "vk.vk_beta_2"),
    gamma2: readG2(obj.vk_gamma_2, "vk.vk_gamma_2"),
    delta2: readG2(obj.vk_delta_2, "vk.vk_delta_2"),
    ic: obj.IC.map((p, i) => readG1(p, `vk.IC[${i}]`)),
  };
  vk.nPublic = vk.ic.length - 1;
  if ("nPublic" in obj && obj.nPublic !== BigInt(vk.nPublic)) {
    throw new MalformedInput(`vk.nPublic: does not match the ${vk.ic.length} IC points`);
  }
  if (g2Json(vk.gamma2).flat().join() === g2Json(vk.delta2).flat().join()) {
    throw new MalformedInput("vk.vk_delta_2: equals vk_gamma_2, which leaves public inputs unbound");
  }
  return vk;
}

/** SHA-256 (hex) over the 32-byte big-endian affine coordinates of alpha, beta, gamma,
 * delta (Fq2: c0 first) and every IC point: `solvent.verifier.vk_hash`. */
export function vkHash(vk) {
  const coords = [vk.alpha1.x, vk.alpha1.y];
  for (const g2 of [vk.beta2, vk.gamma2, vk.delta2]) coords.push(g2.x.c0, g2.x.c1, g2.y.c0, g2.y.c1);
  for (const p of vk.ic) coords.push(p.x, p.y);
  const bytes = new Uint8Array(32 * coords.length);
  coords.forEach((c, i) => {
    let v = c;
    for (let j = 31; j >= 0; j--) {
      bytes[32 * i + j] = Number(v & 0xffn);
      v >>= 8n;
    }
  });
  return bytesToHex(sha256(bytes));
}

/** A proof from snarkjs's `proof.json`. */
export function readProof(obj) {
  header(obj, "proof");
  return { a: readG1(obj.pi_a, "proof.pi_a"), b: readG2(obj.pi_b, "proof.pi_b"), c: readG1(obj.pi_c, "proof.pi_c") };
}

/** Check one proof with snarkjs; `true` iff the pairing equation holds. Raises
 * MalformedInput for inputs that are not field elements or of the wrong count. */
export async function verifyProof(vk, publics, proof) {
  if (publics.length !== vk.nPublic) {
    throw new MalformedInput(`the key takes ${vk.nPublic} public inputs, got ${publics.length}`);
  }
  publics.forEach((x, i) => {
    if (typeof x !== "bigint" || x < 0n || x >= R) throw new MalformedInput(`public input ${i} is not a field element`);
  });
  const vkJson = {
    protocol: "groth16", curve: "bn128", nPublic: vk.nPublic,
    vk_alpha_1: g1Json(vk.alpha1), vk_beta_2: g2Json(vk.beta2), vk_gamma_2: g2Json(vk.gamma2),
    vk_delta_2: g2Json(vk.delta2), IC: vk.ic.map(g1Json),
  };
  const proofJson = { protocol: "groth16", curve: "bn128", pi_a: g1Json(proof.a), pi_b: g2Json(proof.b), pi_c: g1Json(proof.c) };
  return groth16.verify(vkJson, publics.map(String), proofJson);
}
