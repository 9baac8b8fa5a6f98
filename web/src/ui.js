// The page's DOM: what the customer sees. Text only ever goes in through
// textContent (an inclusion file may come from anyone), never as HTML.

import * as O from "./outcomes.js";

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function fill(list, checks) {
  list.replaceChildren(...checks.map((c) => el("li", { "data-check": c.name, "data-ok": c.ok ? "yes" : "no", class: c.ok ? "ok" : "bad" },
    el("span", { class: "mark" }, c.ok ? "✓ " : "✗ "), el("span", { class: "name" }, c.name),
    c.detail ? el("span", { class: "detail" }, ` — ${c.detail}`) : "")));
}

/** The attestation's facts, before anything is checked. */
export function showAttestation(att, pins) {
  const st = att.statement;
  const facts = [
    ["institution", st.institution], ["epoch", String(st.epoch)], ["snapshot", st.snapshot_time],
    ["statements", st.statements.join(", ")], ["signer", st.signer + (pins.signer ? " (pinned)" : " (not pinned)")],
    ["assets", st.assets.map((a) => a.symbol).join(", ")], ["book root", att.top.book_root],
  ];
  $("att-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", { "data-fact": k, class: k === "book root" || k === "signer" ? "mono" : "" }, v)]));
  document.title = `${st.institution}, epoch ${st.epoch}: check your account`;
}

/** The attestation-wide part, once the page has checked it. */
export function showAttestationChecks(state) {
  const proofsOk = state.proofs.ok;
  const status = $("attestation-status");
  status.dataset.state = "done";
  status.dataset.ok = proofsOk ? "yes" : "no";
  status.className = proofsOk ? "ok" : "bad";
  status.textContent = proofsOk ? "The attestation's signature, keys and top proof check out."
    : `The attestation itself does not check out: ${state.proofs.firstFailure.name} — ${state.proofs.firstFailure.detail}`;
  const f = $("findings-status");
  f.dataset.ok = state.findings.checks.length === 0 || state.findings.ok ? "yes" : "no";
  f.className = f.dataset.ok === "yes" ? "ok" : "bad";
  // what the proofs say about the accounts, in the words of `solvent verify`, even when it holds
  const accounts = state.att.statement.statements.includes("collateral") ? `; ${O.accountsSummary(state.att)}` : "";
  f.textContent = state.findings.checks.length === 0 ? "This attestation proves liabilities only: no solvency or insurance outputs."
    : state.findings.ok ? `Every attestation-wide output holds${accounts}.`
      : `FINDINGS: ${state.findings.checks.filter((c) => !c.ok).map((c) => `${c.name}${c.detail ? ` (${c.detail})` : ""}`).join("; ")}`;
  fill($("findings"), state.findings.checks);
  showCaveats(state.caveats);
  $("check").disabled = false;
}

function showCaveats(caveats) {
  $("caveats").replaceChildren(...caveats.map((c) => el("li", { class: c.startsWith("UNTRUSTED") ? "bad" : "" }, c)));
}

/** Beside the verdict: the attestation-wide findings, which never change it. */
function findingsNote(state) {
  if (!state.findings.ok && state.findings.checks.length > 0) {
    return "Separately, the attestation as a whole has findings: see “Attestation-wide findings” below.";
  }
  if (O.allCovered(O.bookOutcome(state.att)) === false) {
    return "Separately, some of the institution's accounts fall short; the insurance fund is proven to cover "
      + "them: see “Attestation-wide findings” below.";
  }
  return "";
}

function showBalances(result, assets) {
  const file = result.file;
  const rows = assets.filter((a) => file && a.symbol in file.balances).map((a) => {
    const b = file.balances[a.symbol];
    return el("tr", { "data-asset": a.symbol }, el("td", {}, a.symbol), el("td", { class: "num", "data-col": "equity" }, b.equity),
      el("td", { class: "num", "data-col": "debt" }, b.debt));
  });
  $("balances-body").replaceChildren(...rows);
  const positions = file?.positions ? Object.entries(file.positions) : [];
  $("positions-block").hidden = positions.length === 0;
  $("positions-body").replaceChildren(...positions.map(([name, q]) =>
    el("tr", { "data-instrument": name }, el("td", {}, name), el("td", { class: "num" }, q))));
}

/** One customer's result. */
export function showResult(result, state) {
  const v = $("verdict");
  v.dataset.state = "done";
  v.dataset.included = result.included ? "yes" : "no";
  const untrusted = result.included && state.pins.insecure;
  v.className = `verdict ${result.included ? "valid" : "invalid"}${untrusted ? " untrusted" : ""}`;
  $("verdict-word").textContent = result.included ? "INCLUDED" : "NOT INCLUDED";
  $("verdict-keys").textContent = untrusted
    ? "UNTRUSTED KEYS: this page was built without evidence for the verifying keys; whoever made them could forge this result."
    : "";
  const failed = result.account.firstFailure ?? result.proofs.firstFailure;
  $("verdict-reason").textContent = result.included
    ? "Your account is in this attestation with exactly the balances below: compare them with your own records."
    : `${failed ? `${failed.name}: ${failed.detail || "does not match"}` : "nothing to check"}`;
  $("verdict-findings").textContent = findingsNote(state);
  showBalances(result, state.assets);
  $("balances-note").textContent = result.included ? ""
    : "These balances (and positions) are what the file claims: they are NOT confirmed by the attestation.";
  fill($("account-checks"), result.account.checks);
  fill($("proof-checks"), result.proofs.checks);
  showCaveats(result.caveats);
  $("result").hidden = false;
}

export function showFatal(e) {
  const status = $("attestation-status");
  status.dataset.state = "error";
  status.className = "bad";
  status.textContent = `This page cannot run its checks: ${e.message}`;
}

/** Wire the inputs: a file chosen or dropped fills the text box; Check runs `onCheck`. */
export function onCheck(run) {
  const text = $("inclusion-text");
  let reading = Promise.resolve(); // a file being read; Check waits for it
  const load = (f) => {
    reading = f.text().then((t) => {
      text.value = t;
      $("file-name").textContent = f.name;
    });
  };
  $("inclusion-file").addEventListener("change", (e) => e.target.files[0] && load(e.target.files[0]));
  const zone = $("drop-zone");
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    if (e.dataTransfer.files[0]) load(e.dataTransfer.files[0]);
  });
  const go = async () => {
    const v = $("verdict");
    v.dataset.state = "checking";
    $("verdict-word").textContent = "checking…";
    $("check").disabled = true;
    $("result").hidden = false;
    try {
      await reading;
      await run(text.value, $("account-id").value);
    } catch (e) {
      v.dataset.state = "done";
      v.dataset.included = "no";
      v.className = "verdict invalid";
      $("verdict-word").textContent = "ERROR";
      $("verdict-reason").textContent = `The check could not run: ${e.message}`;
    } finally {
      $("check").disabled = false;
    }
  };
  $("check").addEventListener("click", go);
  $("account-id").addEventListener("keydown", (e) => e.key === "Enter" && go());
}
