// Reading a customer's inclusion file (`solvent inclusion` exports it) as strictly as
// pysrc/solvent/attestation/inclusion.py's `InclusionProof` model: the same fields,
// no others, each of its type; every error names the field.

import { MalformedInput } from "./formulas.js";
import { parseJson } from "./json.js";
import { R } from "./poseidon.js";

export const VERSION = "solvent.inclusion/1";

const FIELD = /^(0|[1-9][0-9]{0,76})$/;
const HEX32 = /^[0-9a-f]{64}$/;
const AMOUNT = /^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$/;

function object(v, keys, what, optional = []) {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new MalformedInput(`${what}: expected an object`);
  for (const k of Object.keys(v)) {
    if (!keys.includes(k) && !optional.includes(k)) throw new MalformedInput(`${what}.${k}: unknown field`);
  }
  for (const k of keys) if (!(k in v)) throw new MalformedInput(`${what}.${k}: missing`);
  return v;
}

function string(v, what, pattern = null) {
  if (typeof v !== "string") throw new MalformedInput(`${what}: expected a string`);
  if (pattern !== null && !pattern.test(v)) throw new MalformedInput(`${what}: malformed (${JSON.stringify(v).slice(0, 40)})`);
  return v;
}

function field(v, what) {
  const x = BigInt(string(v, what, FIELD));
  if (x >= R) throw new MalformedInput(`${what}: not below the field modulus r`);
  return x;
}

function integer(v, what, lo, hi) {
  if (typeof v !== "bigint" || v < BigInt(lo) || (hi !== null && v > BigInt(hi))) {
    throw new MalformedInput(`${what}: expected an integer ${hi === null ? `≥ ${lo}` : `from ${lo} to ${hi}`}`);
  }
  return v;
}

function steps(v, what) {
  if (!Array.isArray(v)) throw new MalformedInput(`${what}: expected an array`);
  return v.map((s, i) => {
    const w = `${what}[${i}]`;
    object(s, ["position", "siblings", "parent_commitment"], w);
    if (!Array.isArray(s.siblings) || s.siblings.length < 1 || s.siblings.length > 7) {
      throw new MalformedInput(`${w}.siblings: expected 1 to 7 hashes`);
    }
    return {
      position: Number(integer(s.position, `${w}.position`, 0, 7)),
      siblings: s.siblings.map((x, j) => field(x, `${w}.siblings[${j}]`)),
      parentCommitment: field(s.parent_commitment, `${w}.parent_commitment`),
    };
  });
}

/** The inclusion file's text → a checked object (BigInt field elements, camelCase). */
export function readInclusion(text) {
  let doc;
  try {
    doc = parseJson(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new MalformedInput(`not JSON: ${e.message}`);
  }
  const what = "inclusion file";
  object(doc, ["attestation_hash", "institution", "epoch", "account_id", "salt", "balances",
    "positions_commitment", "batch", "leaf_index", "path", "top_path"], what, ["version", "positions"]);
  if ((doc.version ?? VERSION) !== VERSION) throw new MalformedInput(`${what}.version: expected ${VERSION}`);
  const balances = {};
  object(doc.balances, [], `${what}.balances`, Object.keys(doc.balances ?? {}));
  for (const [symbol, b] of Object.entries(doc.balances)) {
    const w = `${what}.balances.${symbol}`;
    object(b, ["equity", "debt"], w);
    balances[symbol] = { equity: string(b.equity, `${w}.equity`, AMOUNT), debt: string(b.debt, `${w}.debt`, AMOUNT) };
  }
  let positions = null;
  if (doc.positions !== undefined && doc.positions !== null) {
    object(doc.positions, [], `${what}.positions`, Object.keys(doc.positions));
    positions = {};
    for (const [name, q] of Object.entries(doc.positions)) positions[name] = string(q, `${what}.positions.${name}`);
  }
  return {
    attestationHash: string(doc.attestation_hash, `${what}.attestation_hash`, HEX32),
    institution: string(doc.institution, `${what}.institution`),
    epoch: integer(doc.epoch, `${what}.epoch`, 0, null),
    accountId: string(doc.account_id, `${what}.account_id`),
    salt: field(doc.salt, `${what}.salt`),
    balances,
    positionsCommitment: field(doc.positions_commitment, `${what}.positions_commitment`),
    positions,
    batch: Number(integer(doc.batch, `${what}.batch`, 0, Number.MAX_SAFE_INTEGER)),
    leafIndex: Number(integer(doc.leaf_index, `${what}.leaf_index`, 0, Number.MAX_SAFE_INTEGER)),
    path: steps(doc.path, `${what}.path`),
    topPath: steps(doc.top_path, `${what}.top_path`),
  };
}
