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
//               revealed totals, solvency coverage per asset, the insurance fund, and
//               whether any account falls short (the batch proofs' outcome bits, read
//               as attestation/outcomes.py reads them).
//
// Inputs: the attestation exactly as embedded (parsed by json.js: snake_case keys,
// BigInt numbers) and the page's pins ({keys: [...], signer, insecure, source}).

import * as F from "./formulas.js";
import { readInclusion } from "./inclusion.js";
import { compareCodePoints } from "./json.js";
import * as O from "./outcomes.js";
import { readProof, readVerifyingKey, verifyProof, vkHash } from "./proofs.js";
import { attestationHash, contextOf, recoverSigner, statementHash } from "./signature.js";
import { bytesToHex } from "@noble/hashes/utils";

export class Section {
  constructor() {
    this.checks = [];
  }
  /** `detail` is shown when the check passes; when it fails, `fail` (if given) replaces
   * it, so that a failed check never shows its success text (as attestation/verify.py's
   * Report.add). Without `fail` the detail must read true either way. */
  add(name, ok, detail = "", fail = null) {
    this.checks.push({ name, ok: Boolean(ok), detail: ok || fail === null ? detail : fail });
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
  const risk = s.risk ? { regions: num(s.risk.regions), instruments: num(s.risk.instruments), scenarios: num(s.risk.scenarios) } : null;
  return {
    nAssets: num(s.n_assets), batchSize: num(s.batch_size), capacity: num(s.capacity),
    rangeBits: num(s.range_bits), withDebt: Boolean(s.with_debt), risk, solvency: s.solvency ?? null,
  };
}

/** A batch entry's outcome bits as batchOutputs reads them. */
function outputsOf(shape, entry) {
  return F.batchOutputs(shape, { index: num(entry.index), allCollateralized: entry.all_collateralized ?? null,
    allMargined: entry.all_margined ?? null });
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
  proofs.add("signature", signer !== null && signer === st.signer.toLowerCase(), `signed by ${signer}`,
    signer ? `signed by ${signer}, not by the signer the statement names (${st.signer})` : "missing or malformed signature");
  if (pins.signer) {
    proofs.add("expected signer", st.signer.toLowerCase() === pins.signer.toLowerCase(),
      `the page was built for ${pins.signer}; the statement names ${st.signer}`);
  } else {
    caveats.push(`The signer ${st.signer} was not pinned when this page was built: check that it is the address ${st.institution} publishes.`);
  }
  const sh = statementHash(st);
  proofs.add("statement hash", sh === att.statement_hash, "", "the statement does not hash to the stated statement_hash");
  const context = contextOf(sh, st.epoch, st.signer);
  proofs.add("context", context === big(att.context), "binds institution, epoch and statement",
    "does not bind this institution, epoch and statement");
  proofs.add("assets", assets.length === shape.nAssets && new Set(assets.map((a) => a.symbol)).size === assets.length);
  const n = att.batches.length;
  proofs.add("batch count", n >= 1 && n <= shape.capacity && att.batches.every((b, i) => num(b.index) === i),
    `${n} batches of ${shape.batchSize} leaves (capacity ${shape.capacity})`);

  const batchKey = pinnedKey(att, pins, "batch", F.batchPublicCount(shape), proofs);
  const topKey = pinnedKey(att, pins, "top", F.TOP_PUBLICS, proofs);
  const batchesDigest = F.digest(context, att.batches.map((b) => [big(b.root), big(b.commitment)]));
  proofs.add("batches digest", batchesDigest === big(att.top.batches_digest), "every batch, once, in order",
    "the stated digest is not that of every listed batch, once, in order");
  if (topKey) {
    const top = { bookRoot: big(att.top.book_root), totalsCommitment: big(att.top.totals_commitment) };
    proofs.add("top proof", await proofOk(topKey, F.topPublics(context, top, batchesDigest), att.top.proof),
      "book root and totals commitment", "does not verify for this book root, totals commitment and batches digest");
  }
  totalsFindings(att, shape, assets, findings);
  await solvencyFindings(att, shape, assets, context, pins, findings);
  accountsFindings(att, findings);
  keyCaveats(att, pins, caveats);
  const bits = outcomeBitsCaveat(att, null);
  if (bits) caveats.push(bits);
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
    if (s || shape.solvency || att.reserves || att.reserves_statement) {
      findings.add("solvency", false, "a solvency or reserves section without the solvency statement");
    }
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
    if (shape.solvency.reserves === "public") {
      if (!s.reserves || [...Object.keys(s.reserves)].sort().join() !== [...symbols].sort().join()) {
        throw new F.MalformedInput("public reserves must list every asset");
      }
    } else if (s.reserves_commitment === null || s.reserves_commitment === undefined) {
      throw new F.MalformedInput("committed reserves need reserves_commitment");
    }
    let fund = null;
    if (shape.risk) {
      if (typeof s.insurance_covered !== "boolean" || !att.risk) {
        throw new F.MalformedInput("with collateral/margin the solvency proof states insurance coverage");
      }
      fund = insuranceFund(att, assets);
      const scale = 4 + num(att.risk.params.value_decimals ?? 0n);
      if (s.insurance_fund !== F.formatAmount(fund, scale)) {
        throw new F.MalformedInput(`the stated insurance fund ${s.insurance_fund} is not the value of the fund's `
          + `holdings at the published prices (${F.formatAmount(fund, scale)})`);
      }
    } else if ((s.insurance_fund ?? null) !== null || (s.insurance_covered ?? null) !== null) {
      throw new F.MalformedInput("an insurance fund without the collateral statement");
    }
    if (Object.keys(s.coverage).sort().join() !== [...symbols].sort().join()) throw new F.MalformedInput("coverage must list every asset");
    publics = F.solvencyPublics(context, big(att.top.totals_commitment), shape, assets, {
      reserves: s.reserves, reservesCommitment: s.reserves_commitment ? big(s.reserves_commitment) : null,
      coverage: s.coverage, insuranceCovered: s.insurance_covered,
    }, fund);
  } catch (e) {
    if (!(e instanceof F.MalformedInput)) throw e;
    findings.add("solvency proof", false, e.message);
    return;
  }
  if (vk) {
    findings.add("solvency proof", await proofOk(vk, publics, s.proof), "reserves vs the committed totals, opened privately",
      "does not verify for these reserves, insurance fund and coverage against the committed totals");
  }
  const uncovered = O.uncoveredAssets(att);
  findings.add("solvency", uncovered.length === 0, symbols.map((x) => `${x}: ${F.coverageLabel(s.mode, s.coverage[x])}`).join(", "));
  if (typeof s.insurance_covered === "boolean") {
    findings.add("insurance fund", s.insurance_covered,
      `${O.insuranceSummary(O.bookOutcome(att))} (proven, shortfall not revealed)`);
  }
}

/** The fund the solvency proof must have taken (attestation/verify.py `_insurance_fund`):
 * the published holdings designated "purpose": "insurance", at the published prices,
 * ×10^4 value units (0 without any). */
export function insuranceFund(att, assets) {
  if (!att.reserves) return 0n;
  const holdings = att.reserves.holdings;
  if (!Array.isArray(holdings)) throw new F.MalformedInput("reserves.holdings: expected an array");
  const vd = num(att.risk.params.value_decimals ?? 0n);
  const prices = assets.map((a) => F.priceUnits(att.risk.params.prices?.[a.symbol], vd, a.decimals, `prices.${a.symbol}`));
  const units = F.reservesPerAsset(holdings, assets, "insurance");
  return F.insuranceValue(assets.map((a) => units.get(a.symbol)), prices);
}

function totalsFindings(att, shape, assets, findings) {
  const t = att.totals;
  if (!t) return;
  findings.add("revealed totals", totalsOpen(att, shape, assets), totalsDetail(att, assets),
    "the revealed totals do NOT open the totals commitment");
}

const sameKeys = (obj, symbols) => obj !== null && typeof obj === "object"
  && Object.keys(obj).sort().join("\n") === [...symbols].sort().join("\n");

/** Whether the revealed totals open the top proof's totals commitment (verify.py
 * `_totals_open`): per-asset equity, debt and (with the collateral statement) the
 * debt that nets, then the outcome sums. */
function totalsOpen(att, shape, assets) {
  const t = att.totals;
  const symbols = assets.map((a) => a.symbol);
  const nets = shape.risk !== null; // the tree sums netted debt exactly with the collateral statement
  const netted = t.netted_debt ?? null;
  if (!sameKeys(t.equity, symbols) || !sameKeys(t.debt, symbols) || (nets && !sameKeys(netted, symbols))
      || (!nets && netted !== null)) {
    return false;
  }
  try {
    const width = F.sumWidth(shape.rangeBits);
    const eq = assets.map((a) => F.parseAmount(t.equity[a.symbol], a.decimals, width));
    const de = assets.map((a) => F.parseAmount(t.debt[a.symbol], a.decimals, width));
    const ne = netted === null ? null : assets.map((a) => F.parseAmount(netted[a.symbol], a.decimals, width));
    let extras = [];
    if (shape.risk) {
      const o = t.outcome;
      if (!o || !att.risk) return false;
      const scale = 4 + num(att.risk.params.value_decimals ?? 0n);
      extras = [big(o.under_collateralized), F.parseAmount(o.collateral_shortfall, scale, 250),
        big(o.under_margined), F.parseAmount(o.margin_shortfall, scale, 250)];
    } else if (t.outcome) {
      return false;
    }
    return F.sumCommitment(F.sumsLanes(eq, de, shape.rangeBits, extras, ne), big(t.blind)) === big(att.top.totals_commitment);
  } catch {
    return false;
  }
}

/** The revealed figures per asset (verify.py `_totals_detail`): net liabilities =
 * equity − the debt that nets, in exact integer units of the asset, written canonically
 * (formatAmount). The amounts are canonical decimals: the exporter validated them. */
export function totalsDetail(att, assets) {
  const t = att.totals;
  const parts = assets.map((a) => {
    const units = (table) => F.parseAmount(String(table?.[a.symbol] ?? "0"), a.decimals, 250);
    const eq = units(t.equity);
    const de = units(t.debt);
    const ne = units(t.netted_debt);
    const net = eq - ne;
    const shown = (net < 0n ? "-" : "") + F.formatAmount(net < 0n ? -net : net, a.decimals);
    return `${a.symbol}: net liabilities ${shown} (equity ${F.formatAmount(eq, a.decimals)}, debt `
      + `${F.formatAmount(de, a.decimals)}, of which ${F.formatAmount(ne, a.decimals)} nets)`;
  });
  return `open the totals commitment; ${parts.join("; ")}`;
}

/** Act on the batch proofs' outcome bits (verify.py `_accounts`): an account that falls
 * short is a finding unless the solvency proof shows the insurance fund covering it. */
function accountsFindings(att, findings) {
  if (!att.statement.statements.includes("collateral")) return;
  findings.add("accounts covered", O.acceptable(O.bookOutcome(att)), O.accountsSummary(att));
}

/** What the page has not verified about the outcome bits it acts on: before a customer's
 * check, none of the batch proofs (the page verifies only the customer's own); after it,
 * every batch but theirs. `null` when nothing is left unverified. */
export function outcomeBitsCaveat(att, verifiedBatch) {
  if (!att.statement.statements.includes("collateral")) return null;
  const n = att.batches.length;
  if (verifiedBatch === null) {
    return "The batch proofs' outcome bits (whether any account of a batch falls short) are taken from the "
      + "attestation as published: this page verifies only the proof of your own batch, when you check your "
      + "account. `solvent verify` checks every batch.";
  }
  if (n <= 1) return null;
  return `The outcome bits of batches other than yours (batch ${verifiedBatch}; ${n - 1} other${n > 2 ? "s" : ""}) `
    + "were not verified here: they are taken from the attestation as published. `solvent verify` checks every batch.";
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
    + "recompiled them when it built the page; the pinned IR hashes stand for them here), the risk parameters' hash "
    + "(so the prices the insurance fund is valued at are as published), the price snapshot's signatures, and the "
    + "reserve and insurance-fund holdings' ownership signatures and balance evidence. `solvent verify` checks all of them.");
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
  if (!state.shape.withDebt && de.some((d) => d !== 0n)) {
    throw new F.MalformedInput(`balances list debt in ${state.assets.filter((a, i) => de[i] !== 0n).map((a) => a.symbol).join(", ")}, but the book was committed without debt`);
  }
  return F.leafHash(F.tagOf(file.accountId, file.salt), eq, state.shape.withDebt ? de : null, committedPositions(state, file), width);
}

/** One customer's check: `{included, account, proofs, findings, caveats, file}`.
 * `text` is the inclusion file's text, `accountId` what the customer typed. */
export async function checkInclusion(state, text, accountId) {
  const account = new Section();
  const proofs = new Section();
  proofs.checks.push(...state.proofs.checks);
  const result = { account, proofs, findings: state.findings, caveats: state.caveats, file: null, batchOutputs: null };
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
    const at = F.positionInBatch(file.path);
    account.add("leaf position", at === file.leafIndex, `leaf ${at} of batch ${file.batch}`,
      `the path leads to leaf ${at}, the file says leaf ${file.leafIndex}`);
    account.add("path to batch root", entry !== null && root === big(entry.root),
      `leaf recomputed from id, salt and balances; batch ${file.batch}`,
      entry === null ? `no batch ${file.batch} in this attestation`
        : `the leaf recomputed from id, salt and balances does not reach batch ${file.batch}'s root: `
          + "the balances, debt, positions, salt or path differ from what was proven");
    const bookRoot = F.rootFromPath(root, file.topPath, state.shape.capacity);
    account.add("path to book root", F.positionInBatch(file.topPath) === file.batch && bookRoot === big(state.att.top.book_root),
      "the batch root sits at its slot under the attested book root",
      `the batch root does not lead to the attested book root at slot ${file.batch}`);
    if (entry !== null && state.batchKey) {
      await batchProof(state, entry, file.batch, proofs, result);
    } else {
      proofs.add("batch proof", false, entry === null ? `no batch ${file.batch} in this attestation` : "no trusted batch key");
    }
  } catch (e) {
    if (!(e instanceof F.MalformedInput)) throw e;
    account.add("leaf", false, e.message);
  }
  return { ...result, included: account.ok && proofs.ok };
}

/** The customer's own batch proof, verified with the outcome bits the attestation states
 * for it; once it verifies, those bits are no longer taken on trust (the caveat says
 * which batches' bits still are). */
async function batchProof(state, entry, index, proofs, result) {
  let outputs;
  try {
    outputs = outputsOf(state.shape, entry);
  } catch (e) {
    if (!(e instanceof F.MalformedInput)) throw e;
    proofs.add("batch proof", false, e.message);
    return;
  }
  const publics = F.batchPublics(state.context, state.paramsHash, { root: big(entry.root), commitment: big(entry.commitment) }, outputs);
  const ok = proofs.add("batch proof", await proofOk(state.batchKey, publics, entry.proof), `your batch ${index}${bitsText(outputs)}`);
  if (!ok || !state.att.statement.statements.includes("collateral")) return;
  result.batchOutputs = outputs;
  const generic = outcomeBitsCaveat(state.att, null);
  const specific = outcomeBitsCaveat(state.att, index);
  result.caveats = state.caveats.flatMap((c) => (c === generic ? (specific ? [specific] : []) : [c]));
}

function bitsText(outputs) {
  if (outputs.length === 0) return "";
  const yes = (b) => (b ? "yes" : "NO");
  return `; its accounts all collateralized: ${yes(outputs[0])}` + (outputs.length > 1 ? `, all margined: ${yes(outputs[1])}` : "");
}
