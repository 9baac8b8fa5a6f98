// What an attestation's proofs *say* about its accounts, and nothing more: this module
// mirrors pysrc/solvent/attestation/outcomes.py function for function, so the page's
// findings read exactly like `solvent verify`'s and never claim more than the outputs
// ("every account is covered" only when every batch's bit says so).
//
// Like the Python, these functions read published values (the attestation as embedded:
// snake_case keys, BigInt numbers); whether the proofs behind them verify is check.js's
// job. tests/web/test_formulas.py holds the two together.

/** `null` if any value is not a boolean (missing), else whether all are true. */
function and(values) {
  if (values.some((v) => typeof v !== "boolean")) return null;
  return values.every((v) => v);
}

/** The proofs' verdict on the book's accounts; `null`: not proven (or missing). */
export function bookOutcome(att) {
  const st = att.statement;
  const s = att.solvency ?? null;
  const covered = s?.insurance_covered;
  return {
    allCollateralized: st.statements.includes("collateral") ? and(att.batches.map((b) => b.all_collateralized)) : null,
    allMargined: st.statements.includes("margin") ? and(att.batches.map((b) => b.all_margined)) : null,
    insuranceCovered: typeof covered === "boolean" ? covered : null,
    insuranceFund: s?.insurance_fund ?? null,
    quote: att.risk ? String(att.risk.params?.quote ?? "") : "",
  };
}

/** Every account collateralized and (with margin) margined; null without collateral. */
export function allCovered(o) {
  if (o.allCollateralized === null) return null;
  return o.allCollateralized && o.allMargined !== false;
}

/** Nobody falls short, or the insurance fund is proven to cover the shortfall. */
export function acceptable(o) {
  return allCovered(o) !== false || o.insuranceCovered === true;
}

/** Python's `f"{Decimal(amount):,f} {quote}".strip()` for a canonical amount string. */
export function money(amount, quote) {
  const [whole, frac] = String(amount).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${frac === undefined ? grouped : `${grouped}.${frac}`} ${quote}`.trim();
}

/** One sentence on the accounts, as strong as the outputs allow and no stronger. */
export function accountsSummary(att) {
  const o = bookOutcome(att);
  if (o.allCollateralized === null) return "no collateral statement: nothing is proven about accounts' collateral";
  const all = allCovered(o);
  if (all === null) return "the batch proofs' outcome outputs are missing";
  const what = o.allMargined !== null ? "collateralized and margined" : "collateralized";
  if (all) return `every account is ${what}`;
  const outcome = att.totals?.outcome ?? null;
  let short;
  if (outcome) {
    const parts = [`${outcome.under_collateralized} under-collateralized (shortfall ${money(outcome.collateral_shortfall, o.quote)})`];
    if (o.allMargined !== null) {
      parts.push(`${outcome.under_margined} under-margined (shortfall ${money(outcome.margin_shortfall, o.quote)})`);
    }
    short = `accounts fall short: ${parts.join(", ")}`;
  } else {
    short = "some accounts fall short (how many and by how much stays committed)";
  }
  return `${short}; ${insuranceSummary(o)}`;
}

export function insuranceSummary(o) {
  if (o.insuranceCovered === null) return "covered by an insurance fund: no (no solvency statement, so no insurance proof)";
  return `covered by the insurance fund (${money(o.insuranceFund ?? "0", o.quote)}): ${o.insuranceCovered ? "yes" : "NO"}`;
}

/** Assets whose reserves the solvency proof does not show to cover net liabilities. */
export function uncoveredAssets(att) {
  if (!att.solvency) return [];
  return att.statement.assets.map((a) => a.symbol).filter((x) => (att.solvency.coverage[x] ?? 0n) < 1n);
}
