// JSON exactly as solvent's Python reads and hashes it.
//
// Parsing keeps every number exact (lossless-json): integers become BigInt, so an
// epoch or an amount beyond 2^53 is never rounded; other numbers keep their text.
// `canonicalJson` is Python's `json.dumps(obj, sort_keys=True, separators=(",", ":"),
// ensure_ascii=False)` (attestation/hashing.py `canonical_json`), the text whose
// SHA-256 the institution signs.

import { parse } from "lossless-json";

/** A JSON number with a fraction or an exponent, kept as written. */
export class JsonFloat {
  constructor(text) {
    this.text = text;
  }
}

const INTEGER = /^-?[0-9]+$/;

function parseNumber(text) {
  return INTEGER.test(text) ? BigInt(text) : new JsonFloat(text);
}

/** Parse JSON text; integers as BigInt, other numbers as JsonFloat. Duplicate keys
 * with different values are refused (the reader could not know which one counts). */
export function parseJson(text) {
  return parse(text, null, parseNumber);
}

/** Order of Python's `sorted` on str: by code point (JavaScript's default sort
 * compares UTF-16 code units, which differs above U+FFFF). */
export function compareCodePoints(a, b) {
  const x = Array.from(a, (c) => c.codePointAt(0));
  const y = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}

/** Python's `repr(float(text))`: the shortest digits that round-trip (the same digits
 * JavaScript chooses), written fixed for decimal exponents -4..15, else as d.ddde±XX. */
export function pythonFloatRepr(text) {
  const x = Number(text);
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exp = Number(expText);
  const sign = x < 0 ? "-" : "";
  if (exp >= -4 && exp < 16) {
    if (exp >= digits.length - 1) return `${sign}${digits}${"0".repeat(exp - digits.length + 1)}.0`;
    if (exp >= 0) return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
    return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

function canonicalString(s) {
  if (!s.isWellFormed()) throw new Error("a string with an unpaired surrogate has no UTF-8 encoding");
  return JSON.stringify(s); // escapes exactly what Python's json escapes with ensure_ascii=False
}

/** Canonical JSON text of a parsed value (see the module comment). */
export function canonicalJson(value) {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "bigint") return value.toString();
  if (value instanceof JsonFloat) return pythonFloatRepr(value.text);
  if (typeof value === "string") return canonicalString(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`non-integer JavaScript number ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value).sort(compareCodePoints);
    return `{${keys.map((k) => `${canonicalString(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  throw new Error(`cannot write ${typeof value} as JSON`);
}

/** UTF-8 bytes of the canonical JSON text. */
export function canonicalBytes(value) {
  return new TextEncoder().encode(canonicalJson(value));
}

/** A shallow copy of an object without one key. */
export function without(obj, key) {
  const { [key]: _dropped, ...rest } = obj;
  return rest;
}
