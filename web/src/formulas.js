// The committed account book's formulas, as a customer's browser recomputes them.
//
// This module mirrors pysrc/solvent/verifier/book.py function for function (same
// names in camelCase, same order), plus the few formulas of other Python modules a
// customer check needs: positions_commitment (verifier/risk.py), prices as value
// units (risk/params.py), the insurance fund's value (verifier/solvency.py,
// reserves/totals.py), parse_amount and format_amount (book/amounts.py), and the
// public inputs of each proof (attestation/verify.py). Every width and count comes
// from the attestation's shape, so when the Python formulas change, this is the one
// file to edit; tests/web/test_formulas.py holds the two together. All values are
// BigInt.

import { R, encodeBytes, hashMany } from "./poseidon.js";

export class MalformedInput extends Error {}

// ---- verifier/book.py -------------------------------------------------------------

export const TAG_BITS = 240;
export const ORDER_BITS = 96;
export const MAX_LEAVES_LOG2 = 30;
export const MAX_BATCH_LOG2 = 12;
export const PACK_BITS = 252;

export const TAG = "solvent.tag.v1";
export const LEAF = "solvent.leaf.v2";
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

/** Bits of a per-asset sum over a whole book (at most 2^30 leaves). */
export function sumWidth(rangeBits) {
  return rangeBits + MAX_LEAVES_LOG2;
}

/** `low240(hashMany(TAG, [salt, ...encodeBytes(utf8(id))]))`. */
export function tagOf(accountId, salt) {
  if (salt < 0n || salt >= R) throw new MalformedInput("salt is not a field element");
  const bytes = new TextEncoder().encode(accountId);
  return hashMany(TAG, [salt, ...encodeBytes(bytes)]) % (1n << BigInt(TAG_BITS));
}

/** `tag mod 2^96`: what leaves are sorted by and the circuits order. */
export function orderKey(tag) {
  if (tag < 0n || tag >= 1n << BigInt(TAG_BITS)) throw new MalformedInput("tag out of range");
  return tag % (1n << BigInt(ORDER_BITS));
}

/** Where the order key sits in the last packed equity element (`count · rangeBits`), or
 * null when `count · rangeBits + 96 > 252` and the key takes a leaf input of its own. */
export function keyShift(nAssets, rangeBits) {
  const per = Math.floor(PACK_BITS / rangeBits);
  if (nAssets < 1 || per === 0) throw new MalformedInput(`${nAssets} assets of ${rangeBits} bits cannot be packed`);
  const shift = (nAssets - per * Math.floor((nAssets - 1) / per)) * rangeBits;
  return shift + ORDER_BITS <= PACK_BITS ? shift : null;
}

/** One account: order key and tag, per-asset equity and debt (< 2^rangeBits; debt null in a
 * book without debt) and its positions commitment: `[key?, tag, ...equity', ...debt?, positions]`. */
export function leafHash(tag, equity, debt, positions, rangeBits) {
  const key = orderKey(tag);
  if (debt !== null && equity.length !== debt.length) throw new MalformedInput("equity and debt must list the same assets");
  const eq = pack(equity, rangeBits);
  const shift = keyShift(equity.length, rangeBits);
  const head = shift === null ? [key, tag, ...eq] : [tag, ...eq.slice(0, -1), eq[eq.length - 1] + (key << BigInt(shift))];
  return hashMany(LEAF, [...head, ...(debt !== null ? pack(debt, rangeBits) : []), ((positions % R) + R) % R]);
}

/** Per-asset sums (equity, debt, and with the collateral statement the debt that nets)
 * packed in lanes of rangeBits + 30 bits, then the outcome sums, one element each. */
export function sumsLanes(equitySums, debtSums, rangeBits, extras = [], nettedSums = null) {
  const values = [...equitySums, ...debtSums, ...(nettedSums ?? [])];
  return [...pack(values, sumWidth(rangeBits)), ...extras];
}

/** Field elements of a node's sums: 2A (or 3A with netted debt) packed values, then the
 * outcome lanes. */
export function laneCount(nAssets, rangeBits, netted, extraLanes) {
  const per = Math.floor(PACK_BITS / sumWidth(rangeBits));
  return Math.ceil(((netted ? 3 : 2) * nAssets) / per) + extraLanes;
}

export function sumCommitment(lanes, blind) {
  return hashMany(SUM, [...lanes, blind]);
}

export function nodeHash(children, commitment) {
  return hashMany(NODE, [...children, commitment]);
}

export function batchCommitment(context, lanes, firstKey, lastKey, blind) {
  return hashMany(BATCH, [context, ...lanes, firstKey, lastKey, blind]);
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

export const MAX_ARITY = 8;

/**
 * Children per node, bottom level first (formulas/book.py `arities`): levels of 8 while 8
 * divides what is left, then levels of the largest arity in 2..8 that divides it (a power
 * of two: 8s and at most one level of 2 or 4 on top; 1536: [8, 8, 8, 3]).
 */
export function arities(nLeaves) {
  if (!Number.isSafeInteger(nLeaves) || nLeaves < 2) {
    throw new MalformedInput(`${nLeaves} leaves: a tree needs at least 2`);
  }
  const out = [];
  let n = nLeaves;
  while (n % MAX_ARITY === 0) {
    out.push(MAX_ARITY);
    n /= MAX_ARITY;
  }
  while (n > 1) {
    let arity = MAX_ARITY;
    while (arity > 1 && n % arity !== 0) arity -= 1;
    if (arity === 1) {
      // the factor named is searched for in a bounded range: a size read from a file may be huge
      let factor = 11;
      while (factor <= Math.min(n, 65536) && n % factor !== 0) factor += 1;
      const which = factor <= Math.min(n, 65536) ? `the factor ${factor}` : "a prime factor above 7";
      throw new MalformedInput(`${nLeaves} leaves: a tree takes sizes whose prime factors are 2, 3, 5 and 7 only ` +
        `(nodes of 2 to ${MAX_ARITY} children), and ${nLeaves} has ${which}`);
    }
    out.push(arity);
    n /= arity;
  }
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

// ---- verifier/risk.py, risk/params.py ------------------------------------------------

export const QUANTITY_BITS = 48;
export const PRICE_BITS = 64;
export const POSITIONS = "solvent.positions.v1";

/** Offset-encoded signed quantities (q + 2^47, 48 bits), five to an element. */
export function positionsCommitment(quantities) {
  const offset = 1n << BigInt(QUANTITY_BITS - 1);
  return hashMany(POSITIONS, pack(quantities.map((q) => q + offset), QUANTITY_BITS));
}

/** `text × 10^scalePow` as an integer (risk/params.py `_exact`), refusing anything that
 * would round. */
export function exactScaled(text, scalePow, what) {
  const m = typeof text === "string" ? /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/.exec(text) : null;
  if (m === null) throw new MalformedInput(`${what}: ${JSON.stringify(String(text))} is not a decimal string`);
  const frac = m[3] ?? "";
  const digits = BigInt(m[2] + frac);
  const exp = scalePow - frac.length;
  let v;
  if (exp >= 0) {
    v = digits * 10n ** BigInt(exp);
  } else {
    const div = 10n ** BigInt(-exp);
    if (digits % div !== 0n) throw new MalformedInput(`${what} = ${text} is not exact at this value scale`);
    v = digits / div;
  }
  return m[1] ? -v : v;
}

/** An asset's price (quote currency per whole unit) as value units per smallest unit,
 * within 1..2^64 as the risk parameters require (risk/params.py `from_file`). */
export function priceUnits(text, valueDecimals, assetDecimals, what) {
  const p = exactScaled(text, valueDecimals - assetDecimals, what);
  if (p <= 0n || p >= 1n << BigInt(PRICE_BITS)) {
    throw new MalformedInput(`${what} is ${p} value units per smallest unit, outside 1..2^${PRICE_BITS}`);
  }
  return p;
}

// ---- verifier/solvency.py, reserves/totals.py ---------------------------------------

export const SCALE = 10_000n;
export const RESERVE_MAX_BITS = 128;

/** The insurance fund's holdings (smallest units per asset) at the prices (value units
 * per smallest unit), ×10^4: the unit of the shortfalls it must cover. */
export function insuranceValue(units, prices) {
  return SCALE * units.reduce((acc, u, i) => acc + u * prices[i], 0n);
}

/** Sum of the holdings of one `purpose` ("reserves" or "insurance") per asset, every
 * asset present; a holding in an unlisted asset or with a malformed balance is refused
 * whatever its purpose. `holdings`: the reserves document's `holdings` as embedded. */
export function reservesPerAsset(holdings, assets, purpose) {
  const decimals = new Map(assets.map((a) => [a.symbol, a.decimals]));
  const totals = new Map(assets.map((a) => [a.symbol, 0n]));
  holdings.forEach((h, i) => {
    const what = `reserves.holdings[${i}]`;
    if (!decimals.has(h.asset)) throw new MalformedInput(`${what}.asset: unknown asset ${JSON.stringify(String(h.asset))}`);
    if (typeof h.balance !== "string") throw new MalformedInput(`${what}.balance: not a decimal string`);
    const kind = h.purpose ?? "reserves";
    if (kind !== "reserves" && kind !== "insurance") throw new MalformedInput(`${what}.purpose: expected "reserves" or "insurance"`);
    const units = parseAmount(h.balance, decimals.get(h.asset), RESERVE_MAX_BITS);
    if (kind === purpose) totals.set(h.asset, totals.get(h.asset) + units);
  });
  return totals;
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

/** context, [params_hash,] batch_root, batch_commitment, [all_collateralized, [all_margined]]. */
export function batchPublicCount(shape) {
  if (!shape.risk) return 3;
  return shape.risk.instruments > 0 ? 6 : 5;
}

/** The outcome bits a batch proof outputs after its root and commitment (1n/0n), as the
 * entry states them; MalformedInput when the shape calls for one the entry lacks.
 * `entry`: {index, allCollateralized, allMargined} with booleans or null. */
export function batchOutputs(shape, entry) {
  const given = (x) => x !== null && x !== undefined;
  if (!shape.risk) {
    if (given(entry.allCollateralized) || given(entry.allMargined)) {
      throw new MalformedInput(`batch ${entry.index}: outcome bits without the collateral statement`);
    }
    return [];
  }
  const margin = shape.risk.instruments > 0;
  const bits = [entry.allCollateralized, ...(margin ? [entry.allMargined] : [])];
  if (bits.some((x) => typeof x !== "boolean") || (!margin && given(entry.allMargined))) {
    throw new MalformedInput(`batch ${entry.index}: the outcome bits the circuit outputs are missing`);
  }
  return bits.map((x) => (x ? 1n : 0n));
}

export function batchPublics(context, paramsHash, entry, outputs) {
  const prefix = paramsHash === null ? [context] : [context, paramsHash];
  return [...prefix, entry.root, entry.commitment, ...outputs];
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
 * (`assets`: [{symbol, decimals}] in statement order; amounts as strings); `fund` is
 * the insurance fund ×10^4 value units (insuranceValue), with collateral/margin only. */
export function solvencyPublics(context, totalsCommitment, shape, assets, solvency, fund) {
  const res = shape.solvency.reserves === "public"
    ? assets.map((a) => parseAmount(solvency.reserves[a.symbol], a.decimals, 250))
    : [solvency.reservesCommitment];
  const funds = shape.risk ? [fund] : [];
  const covered = shape.risk ? [solvency.insuranceCovered ? 1n : 0n] : [];
  return [context, totalsCommitment, ...res, ...funds, ...assets.map((a) => solvency.coverage[a.symbol]), ...covered];
}

/** What a coverage output means (verifier/solvency.py BUCKET_LABELS). */
export const BUCKET_LABELS = ["< 100 %", "100–105 %", "105–110 %", "110–120 %", "120–150 %", "≥ 150 %"];

export function coverageLabel(mode, value) {
  if (mode === "pass_fail") return value ? "covered" : "NOT COVERED";
  const v = Number(value);
  return v >= 0 && v < BUCKET_LABELS.length ? BUCKET_LABELS[v] : "?";
}
