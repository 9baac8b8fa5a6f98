// The committed account book's formulas, as a customer's browser recomputes them.
//
// This module mirrors pysrc/solvent/verifier/book.py function for function (same
// names in camelCase, same order), plus the few formulas of other Python modules a
// customer check needs: positions_commitment (verifier/risk.py), parse_amount and
// format_amount (book/amounts.py), and the public inputs of each proof
// (attestation/verify.py). Every width and count comes from the attestation's shape,
// so when the Python formulas change, this is the one file to edit;
// tests/web/test_formulas.py holds the two together. All values are BigInt.

import { R, encodeBytes, hashMany } from "./poseidon.js";

export class MalformedInput extends Error {}

// ---- verifier/book.py -------------------------------------------------------------

export const TAG_BITS = 240;
export const MAX_LEAVES_LOG2 = 32;
export const MAX_BATCH_LOG2 = 12;
export const PACK_BITS = 252;

export const TAG = "solvent.tag.v1";
export const LEAF = "solvent.leaf.v1";
export const SUM = "solvent.sum.v1";
export const NODE = "solvent.node.v1";
export const BATCH = "solvent.batch.v1";
export const DIGEST = "solvent.digest.v1";
export const EMPTY = "solvent.empty.v1";

/** Values of `width` bits, as many per field element as fit below 2^252, in order. */
export function pack(values, width) {
  const per = Math.floor(PACK_BITS / width);
  if (per === 0) throw new RangeError(`${width}-bit values cannot be packed`);
  const w = BigInt(width);
  const out = [];
  for (let i = 0; i < values.length; i += per) {
    let acc = 0n;
    values.slice(i, i + per).forEach((v, k) => {
      if (v < 0n || v >= 1n << w) throw new MalformedInput(`value ${v} does not fit in ${width} bits`);
      acc |= v << (BigInt(k) * w);
    });
    out.push(acc);
  }
  return out;
}

/** Bits of a per-asset sum over a whole book. */
export function sumWidth(rangeBits) {
  return rangeBits + MAX_LEAVES_LOG2;
}

/** `low240(hashMany(TAG, [salt, ...encodeBytes(utf8(id))]))`. */
export function tagOf(accountId, salt) {
  if (salt < 0n || salt >= R) throw new MalformedInput("salt is not a field element");
  const bytes = new TextEncoder().encode(accountId);
  return hashMany(TAG, [salt, ...encodeBytes(bytes)]) % (1n << BigInt(TAG_BITS));
}

/** One account: tag, per-asset equity and debt (< 2^rangeBits) and its positions commitment. */
export function leafHash(tag, equity, debt, positions, rangeBits) {
  if (tag < 0n || tag >= 1n << BigInt(TAG_BITS)) throw new MalformedInput("tag out of range");
  if (equity.length !== debt.length) throw new MalformedInput("equity and debt must list the same assets");
  return hashMany(LEAF, [tag, ...pack(equity, rangeBits), ...pack(debt, rangeBits), ((positions % R) + R) % R]);
}

/** Per-asset sums (equity then debt) packed in lanes of rangeBits + 32 bits, then the extras. */
export function sumsLanes(equitySums, debtSums, rangeBits, extras = []) {
  return [...pack([...equitySums, ...debtSums], sumWidth(rangeBits)), ...extras];
}

export function sumCommitment(lanes, blind) {
  return hashMany(SUM, [...lanes, blind]);
}

export function nodeHash(children, commitment) {
  return hashMany(NODE, [...children, commitment]);
}

export function batchCommitment(context, lanes, firstTag, lastTag, blind) {
  return hashMany(BATCH, [context, ...lanes, firstTag, lastTag, blind]);
}

/** Hash chain over [batchRoot, batchCommitment] pairs in batch order, from `context`. */
export function digest(context, batches) {
  let d = context;
  for (const [root, commitment] of batches) d = hashMany(DIGEST, [d, root, commitment]);
  return d;
}

export function emptyRoot() {
  return hashMany(EMPTY, [0n]);
}

/** Children per node, bottom level first: 8, and one level of 2 or 4 on top. */
export function arities(nLeaves) {
  if (!Number.isInteger(nLeaves) || nLeaves < 2 || (nLeaves & (nLeaves - 1)) !== 0) {
    throw new MalformedInput(`${nLeaves} leaves: a tree needs a power of two ≥ 2`);
  }
  const k = Math.log2(nLeaves);
  const out = Array(Math.floor(k / 3)).fill(8);
  if (k % 3) out.push(1 << (k % 3));
  return out;
}

/** A path level: `{position, siblings: [BigInt], parentCommitment: BigInt}`. */
export function rootFromPath(leaf, path, nLeaves) {
  const shape = arities(nLeaves);
  if (path.length !== shape.length) {
    throw new MalformedInput(`path has ${path.length} levels, a ${nLeaves}-leaf tree has ${shape.length}`);
  }
  let h = leaf;
  shape.forEach((arity, level) => {
    const step = path[level];
    if (step.siblings.length !== arity - 1 || step.position < 0 || step.position >= arity) {
      throw new MalformedInput(`path level ${level}: expected ${arity - 1} siblings and a position below ${arity}`);
    }
    const children = [...step.siblings];
    children.splice(step.position, 0, h);
    h = nodeHash(children, step.parentCommitment);
  });
  return h;
}

/** The leaf index the path's positions spell (mixed radix, bottom level first). */
export function positionInBatch(path) {
  let index = 0;
  let scale = 1;
  for (const step of path) {
    index += step.position * scale;
    scale *= step.siblings.length + 1;
  }
  return index;
}

// ---- verifier/risk.py ---------------------------------------------------------------

export const QUANTITY_BITS = 48;
export const POSITIONS = "solvent.positions.v1";

/** Offset-encoded signed quantities (q + 2^47, 48 bits), five to an element. */
export function positionsCommitment(quantities) {
  const offset = 1n << BigInt(QUANTITY_BITS - 1);
  return hashMany(POSITIONS, pack(quantities.map((q) => q + offset), QUANTITY_BITS));
}

// ---- book/amounts.py ----------------------------------------------------------------

const AMOUNT = /^([0-9]+)(?:\.([0-9]+))?$/;

/** Integer amount in the smallest unit; refuses signs, exponents, excess decimals and
 * values of `maxBits` bits or more. */
export function parseAmount(text, decimals, maxBits) {
  const s = text.trim();
  if (s.startsWith("-")) throw new MalformedInput(`negative amount ${JSON.stringify(s)}`);
  const m = AMOUNT.exec(s);
  if (m === null) throw new MalformedInput(`${JSON.stringify(s)} is not a plain decimal amount`);
  let frac = m[2] ?? "";
  if (frac.replace(/0+$/, "").length > decimals) {
    throw new MalformedInput(`${JSON.stringify(s)} has more than the asset's ${decimals} decimals`);
  }
  frac = frac.slice(0, decimals).padEnd(decimals, "0");
  const units = BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt(frac || "0");
  if (units >= 1n << BigInt(maxBits)) {
    throw new MalformedInput(`${JSON.stringify(s)} is not below the 2^${maxBits} range bound`);
  }
  return units;
}

/** Inverse of parseAmount (canonical: no trailing zeros after the point). */
export function formatAmount(units, decimals) {
  if (decimals === 0) return units.toString();
  const scale = 10n ** BigInt(decimals);
  const frac = (units % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  return frac ? `${units / scale}.${frac}` : `${units / scale}`;
}

/** A signed quantity in units of 10^-decimals ("-1.5" with 2 decimals is -150). */
export function parseQuantity(text, decimals, what) {
  const m = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/.exec(text);
  if (m === null) throw new MalformedInput(`${what}: ${JSON.stringify(text)} is not a decimal quantity`);
  const frac = m[3] ?? "";
  if (frac.replace(/0+$/, "").length > decimals) {
    throw new MalformedInput(`${what}: more decimals than the instrument's ${decimals}`);
  }
  const units = BigInt(m[2]) * 10n ** BigInt(decimals) + BigInt(frac.slice(0, decimals).padEnd(decimals, "0") || "0");
  return m[1] ? -units : units;
}

// ---- attestation/verify.py: each proof's public inputs ------------------------------

export const TOP_PUBLICS = 4;

/** context, [params_hash,] batch_root, batch_commitment. */
export function batchPublicCount(shape) {
  return shape.risk ? 4 : 3;
}

export function batchPublics(context, paramsHash, entry) {
  const prefix = paramsHash === null ? [context] : [context, paramsHash];
  return [...prefix, entry.root, entry.commitment];
}

export function topPublics(context, top, batchesDigest) {
  return [context, top.bookRoot, top.totalsCommitment, batchesDigest];
}

/** context, totals_commitment, reserves[A] | reserves_commitment, [insurance_fund],
 * coverage[A], [insurance_covered]. */
export function solvencyPublicCount(shape) {
  if (!shape.solvency) return 0;
  const extra = shape.risk ? 1 : 0;
  const A = shape.nAssets;
  return 2 + (shape.solvency.reserves === "public" ? A : 1) + extra + A + extra;
}

/** The solvency proof's public inputs from the attestation's published section
 * (`assets`: [{symbol, decimals}] in statement order; amounts as strings). */
export function solvencyPublics(context, totalsCommitment, shape, assets, solvency, insuranceFund, valueDecimals) {
  const res = shape.solvency.reserves === "public"
    ? assets.map((a) => parseAmount(solvency.reserves[a.symbol], a.decimals, 250))
    : [solvency.reservesCommitment];
  const fund = shape.risk ? [parseAmount(insuranceFund ?? "0", 4 + valueDecimals, 250)] : [];
  const covered = shape.risk ? [solvency.insuranceCovered ? 1n : 0n] : [];
  return [context, totalsCommitment, ...res, ...fund, ...assets.map((a) => solvency.coverage[a.symbol]), ...covered];
}

/** What a coverage output means (verifier/solvency.py BUCKET_LABELS). */
export const BUCKET_LABELS = ["< 100 %", "100–105 %", "105–110 %", "110–120 %", "120–150 %", "≥ 150 %"];

export function coverageLabel(mode, value) {
  if (mode === "pass_fail") return value ? "covered" : "NOT COVERED";
  const v = Number(value);
  return v >= 0 && v < BUCKET_LABELS.length ? BUCKET_LABELS[v] : "?";
}
