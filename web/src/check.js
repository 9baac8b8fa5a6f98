// The customer's check: everything pysrc/solvent/attestation/inclusion.py's
// `verify_inclusion` checks for one account, in three named groups, so that a
// finding about the whole attestation never reads as "your account is missing":
//
//   account   — this file is for this attestation and this account id, and its leaf,
//               recomputed from id, salt and balances, sits under the attested roots;
//   proofs    — what that inclusion rests on: the institution's signature, the
//               statement hash and context, the verifying keys against the keys
//               pinned when the page was built, the customer's batch proof, the
//               digest binding every batch into the top proof, the top proof;
//   findings  — the attestation's own outputs that concern every customer alike:
//               solvency coverage per asset, the insurance fund, revealed totals.
//
// Inputs: the attestation exactly as embedded (parsed by json.js: snake_case keys,
// BigInt numbers) and the page's pins ({keys: [...], signer, insecure, source}).

import * as F from "./formulas.js";
import { readInclusion } from "./inclusion.js";
import { compareCodePoints } from "./json.js";
import { readProof, readVerifyingKey, verifyProof, vkHash } from "./proofs.js";
import { attestationHash, contextOf, recoverSigner, statementHash } from "./signature.js";
import { bytesToHex } from "@noble/hashes/utils";

export class Section {
  constructor() {
    this.checks = [];
  }
  add(name, ok, detail = "") {
    this.checks.push({ name, ok: Boolean(ok), detail });
    return Boolean(ok);
  }
  get ok() {
    return this.checks.length > 0 && this.checks.every((c) => c.ok);
  }
  get firstFailure() {
    return this.checks.find((c) => !c.ok) ?? null;
  }
}

const big = (s) => BigInt(s);
const num = (v) => Number(v);

function shapeOf(statement) {
  const s = statement.shape;
  return {
    nAssets: num(s.n_assets), batchSize: num(s.batch_size), capacity: num(s.capacity),
    rangeBits: num(s.range_bits), risk: s.risk ?? null, solvency: s.solvency ?? null,
  };
}

function assetsOf(statement) {
  return statement.assets.map((a) => ({ symbol: a.symbol, decimals: num(a.decimals) }));
}

function instruments(att) {
  const all = att.risk?.params?.instruments ?? {};
  return Object.keys(all).sort(compareCodePoints).map((name) => ({ name, decimals: num(all[name].quantity_decimals) }));
}

/** The verifying key of `role`, checked against the statement and against the pins. */
function pinnedKey(att, pins, role, expectedPublics, section) {
  const label = `${role} verifying key`;
  const ref = att.statement.circuits.find((c) => c.role === role);
  if (!ref || !(ref.name in att.verifying_keys)) {
    section.add(label, false, "missing");
    return null;
  }
  let vk;
  try {
    vk = readVerifyingKey(att.verifying_keys[ref.name]);
  } catch (e) {
    section.add(label, false, e.message);
    return null;
  }
  const hash = vkHash(vk);
  const pin = pins.keys.find((p) => p.name === ref.name && p.vk_hash === hash && p.ir_hash === ref.ir_hash
    && (p.role ?? role) === role);
  if (hash !== ref.vk_hash || vk.nPublic !== expectedPublics) {
    section.add(label, false, `hash or input count (${vk.nPublic}) does not match the statement`);
    return null;
  }
  if (!pin) {
    section.add(label, false, `${ref.name} (hash ${hash.slice(0, 16)}…) is not among the keys pinned in this page`);
    return null;
  }
  section.add(label, true, `${ref.name}: hash ${hash.slice(0, 16)}… pinned (${pin.evidence}${pin.detail ? `: ${pin.detail}` : ""})`);
  return vk;
}

async function proofOk(vk, publics, proofJson) {
  try {
    return await verifyProof(vk, publics, readProof(proofJson));
  } catch (e) {
    if (e instanceof F.MalformedInput) return false;
    throw e;
  }
}

/** Everything that does not depend on the customer's file, computed once per page. */
export async function checkAttestation(att, pins) {
  const st = att.statement;
  const shape = shapeOf(st);
  const assets = assetsOf(st);
  const proofs = new Section();
  const findings = new Section();
  const caveats = [];

  const hash = attestationHash(att);
  const signer = recoverSigner(hash, att.signature ?? "");
  proofs.add("signature", signer !== null && signer === st.signer.toLowerCase(),
    signer ? `signed by ${signer}` : "missing or malformed signature");
  if (pins.signer) {
    proofs.add("expected signer", st.signer.toLowerCase() === pins.signer.toLowerCase(),
      `the page was built for ${pins.signer}; the statement names ${st.signer}`);
  } else {
    caveats.push(`The signer ${st.signer} was not pinned when this page was built: check that it is the address ${st.institution} publishes.`);
  }
  const sh = statementHash(st);
  proofs.add("statement hash", sh === att.statement_hash);
  const context = contextOf(sh, st.epoch, st.signer);
  proofs.add("context", context === big(att.context), "binds institution, epoch and statement");
  proofs.add("assets", assets.length === shape.nAssets && new Set(assets.map((a) => a.symbol)).size === assets.length);
  const n = att.batches.length;
  proofs.add("batch count", n >= 1 && n <= shape.capacity && att.batches.every((b, i) => num(b.index) === i),
    `${n} batches of ${shape.batchSize} leaves (capacity ${shape.capacity})`);

  const batchKey = pinnedKey(att, pins, "batch", F.batchPublicCount(shape), proofs);
  const topKey = pinnedKey(att, pins, "top", F.TOP_PUBLICS, proofs);
  const batchesDigest = F.digest(context, att.batches.map((b) => [big(b.root), big(b.commitment)]));
  proofs.add("batches digest", batchesDigest === big(att.top.batches_digest), "every batch, once, in order");
  if (topKey) {
    const top = { bookRoot: big(att.top.book_root), totalsCommitment: big(att.top.totals_commitment) };
    proofs.add("top proof", await proofOk(topKey, F.topPublics(context, top, batchesDigest), att.top.proof),
      "book root and totals commitment");
  }
  await solvencyFindings(att, shape, assets, context, pins, findings);
  totalsFindings(att, shape, assets, findings);
  keyCaveats(att, pins, caveats);
  return {
    att, pins, shape, assets, context, proofs, findings, caveats, batchKey,
    attestationHash: bytesToHex(hash),
    paramsHash: st.params_hash === null || st.params_hash === undefined ? null : big(st.params_hash),
  };
}

async function solvencyFindings(att, shape, assets, context, pins, findings) {
  const st = att.statement;
  const s = att.solvency;
  if (!st.statements.includes("solvency")) {
    if (s || shape.solvency) findings.add("solvency", false, "a solvency section without the solvency statement");
    return;
  }
  if (!s || !shape.solvency || s.mode !== shape.solvency.mode) {
    findings.add("solvency", false, "the solvency statement has no (or a mismatched) proof");
    return;
  }
  const vk = pinnedKey(att, pins, "solvency", F.solvencyPublicCount(shape), findings);
  const symbols = assets.map((a) => a.symbol);
  let publics;
  try {
    if (shape.solvency.reserves === "public" && (!s.reserves || [...Object.keys(s.reserves)].sort().join() !== [...symbols].sort().join())) {
      throw new F.MalformedInput("public reserves must list every asset");
    }
    if (Object.keys(s.coverage).sort().join() !== [...symbols].sort().join()) throw new F.MalformedInput("coverage must list every asset");
    if (shape.risk && (s.insurance_covered === null || s.insurance_covered === undefined || !att.risk)) {
      throw new F.MalformedInput("with collateral/margin the solvency proof states insurance coverage");
    }
    publics = F.solvencyPublics(context, big(att.top.totals_commitment), shape, assets, {
      reserves: s.reserves, reservesCommitment: s.reserves_commitment ? big(s.reserves_commitment) : null,
      coverage: s.coverage, insuranceCovered: s.insurance_covered,
    }, att.risk?.insurance_fund ?? null, num(att.risk?.params?.value_decimals ?? 0n));
  } catch (e) {
    findings.add("solvency proof", false, e.message);
    return;
  }
  if (vk) findings.add("solvency proof", await proofOk(vk, publics, s.proof), "reserves vs the committed totals, opened privately");
  const uncovered = symbols.filter((x) => s.coverage[x] < 1n);
  findings.add("solvency", uncovered.length === 0, symbols.map((x) => `${x}: ${F.coverageLabel(s.mode, s.coverage[x])}`).join(", "));
  if (s.insurance_covered !== null && s.insurance_covered !== undefined && att.risk?.insurance_fund) {
    findings.add("insurance fund covers shortfall", s.insurance_covered === true, "proven without revealing the shortfall");
  }
}

function totalsFindings(att, shape, assets, findings) {
  const t = att.totals;
  if (!t) return;
  let opens = false;
  try {
    const width = shape.rangeBits + F.MAX_LEAVES_LOG2;
    const eq = assets.map((a) => F.parseAmount(t.equity[a.symbol], a.decimals, width));
    const de = assets.map((a) => F.parseAmount(t.debt[a.symbol], a.decimals, width));
    let extras = [];
    if (shape.risk) {
      const o = t.outcome;
      const scale = 4 + num(att.risk.params.value_decimals ?? 0n);
      extras = [o.under_collateralized, F.parseAmount(o.collateral_shortfall, scale, 250),
        o.under_margined, F.parseAmount(o.margin_shortfall, scale, 250)];
    } else if (t.outcome) {
      throw new F.MalformedInput("an outcome without collateral or margin");
    }
    opens = F.sumCommitment(F.sumsLanes(eq, de, shape.rangeBits, extras), big(t.blind)) === big(att.top.totals_commitment);
  } catch {
    opens = false;
  }
  findings.add("revealed totals", opens, "open the totals commitment");
  const o = t.outcome;
  const fund = att.risk?.insurance_fund;
  if (o && fund !== undefined && fund !== null) {
    // exact decimals, compared at the finest scale any of them is written in
    const amounts = [o.collateral_shortfall, o.margin_shortfall, fund];
    const scale = Math.max(...amounts.map((x) => (x.split(".")[1] ?? "").length));
    try {
      const [c, m, f] = amounts.map((x) => F.parseAmount(x, scale, 1024));
      const worst = c > m ? c : m;
      findings.add("insurance fund", worst <= f,
        `shortfall ${F.formatAmount(worst, scale)} ${att.risk.params.quote ?? ""} vs declared fund ${fund}`);
    } catch (e) {
      findings.add("insurance fund", false, e.message);
    }
  }
}

function keyCaveats(att, pins, caveats) {
  if (pins.insecure) {
    caveats.push("UNTRUSTED KEYS: this page was built without trust evidence for the verifying keys (it pins the "
      + "attestation's own keys). Whoever made those keys could forge every proof above.");
  } else if (pins.source) {
    caveats.push(`Verifying keys pinned from ${pins.source}: trust in every proof rests on whoever vouched for them.`);
  }
  for (const c of att.statement.circuits) {
    if (c.setup.startsWith("dev-insecure")) {
      caveats.push(`The ${c.role} keys say they come from an INSECURE single-party development setup: whoever ran it could forge proofs.`);
    }
  }
  caveats.push("Not checked in this page: that the circuits are solvent's for the stated shape (`solvent export-web` "
    + "recompiled them when it built the page; the pinned IR hashes stand for them here), the risk parameters' hash, "
    + "and the reserve holdings' ownership signatures. `solvent verify` checks all of them.");
}

function committedPositions(state, file) {
  const att = state.att;
  if (!att.statement.statements.includes("margin")) {
    if (file.positions && Object.keys(file.positions).length) throw new F.MalformedInput("positions given, but this attestation proves no margin");
    return file.positionsCommitment;
  }
  const list = instruments(att);
  if (!file.positions || Object.keys(file.positions).sort(compareCodePoints).join("\n") !== list.map((i) => i.name).join("\n")) {
    throw new F.MalformedInput("the margin statement needs a quantity for every instrument");
  }
  return F.positionsCommitment(list.map((i) => F.parseQuantity(file.positions[i.name], i.decimals, i.name)));
}

/** The customer's leaf, recomputed from their id, salt and balances (and positions). */
export function leafOf(state, file) {
  const symbols = state.assets.map((a) => a.symbol);
  if (Object.keys(file.balances).sort().join("\n") !== [...symbols].sort().join("\n")) {
    throw new F.MalformedInput(`balances must list exactly the assets ${symbols.join(", ")}`);
  }
  const width = state.shape.rangeBits;
  const eq = state.assets.map((a) => F.parseAmount(file.balances[a.symbol].equity, a.decimals, width));
  const de = state.assets.map((a) => F.parseAmount(file.balances[a.symbol].debt, a.decimals, width));
  return F.leafHash(F.tagOf(file.accountId, file.salt), eq, de, committedPositions(state, file), width);
}

/** One customer's check: `{included, account, proofs, findings, caveats, file}`.
 * `text` is the inclusion file's text, `accountId` what the customer typed. */
export async function checkInclusion(state, text, accountId) {
  const account = new Section();
  const proofs = new Section();
  proofs.checks.push(...state.proofs.checks);
  const result = { account, proofs, findings: state.findings, caveats: state.caveats, file: null };
  let file;
  try {
    file = readInclusion(text);
  } catch (e) {
    account.add("inclusion file", false, e.message);
    return { ...result, included: false };
  }
  result.file = file;
  const st = state.att.statement;
  account.add("attestation", file.attestationHash === state.attestationHash,
    file.attestationHash === state.attestationHash ? "the file is for this attestation"
      : `the file is for another attestation (${file.institution}, epoch ${file.epoch}, hash ${file.attestationHash.slice(0, 12)}…), `
      + `this page checks epoch ${st.epoch} (hash ${state.attestationHash.slice(0, 12)}…)`);
  account.add("epoch", file.epoch === st.epoch, `the file says epoch ${file.epoch}, the attestation is epoch ${st.epoch}`);
  account.add("institution", file.institution === st.institution, `the file names ${JSON.stringify(file.institution)}`);
  const typed = accountId.normalize("NFC");
  account.add("account id", typed.length > 0 && typed === file.accountId.normalize("NFC"),
    typed === file.accountId.normalize("NFC") ? "the file is for the id you typed"
      : `the file is for another account id (${JSON.stringify(file.accountId)}), not the one you typed (${JSON.stringify(typed)})`);
  try {
    const leaf = leafOf(state, file);
    const root = F.rootFromPath(leaf, file.path, state.shape.batchSize);
    const entry = state.att.batches[file.batch] ?? null;
    account.add("leaf position", F.positionInBatch(file.path) === file.leafIndex);
    account.add("path to batch root", entry !== null && root === big(entry.root),
      `leaf recomputed from id, salt and balances; batch ${file.batch}`);
    const bookRoot = F.rootFromPath(root, file.topPath, state.shape.capacity);
    account.add("path to book root", F.positionInBatch(file.topPath) === file.batch && bookRoot === big(state.att.top.book_root),
      "the batch root sits at its slot under the attested book root");
    if (entry !== null && state.batchKey) {
      const publics = F.batchPublics(state.context, state.paramsHash, { root: big(entry.root), commitment: big(entry.commitment) });
      proofs.add("batch proof", await proofOk(state.batchKey, publics, entry.proof), `your batch ${file.batch}`);
    } else {
      proofs.add("batch proof", false, entry === null ? `no batch ${file.batch} in this attestation` : "no trusted batch key");
    }
  } catch (e) {
    if (!(e instanceof F.MalformedInput)) throw e;
    account.add("leaf", false, e.message);
  }
  return { ...result, included: account.ok && proofs.ok };
}
