// The page's entry point: read what `solvent export-web` embedded, check the
// attestation once, then check each inclusion file the customer gives.
// `window.solventWeb` exposes the modules (for a curious customer's console, and for
// the tests that cross-check these formulas against solvent's Python).

import * as check from "./check.js";
import * as formulas from "./formulas.js";
import * as inclusion from "./inclusion.js";
import * as json from "./json.js";
import * as outcomes from "./outcomes.js";
import * as poseidon from "./poseidon.js";
import * as proofs from "./proofs.js";
import * as signature from "./signature.js";
import * as ui from "./ui.js";

function embedded(id) {
  return json.parseJson(document.getElementById(id).textContent);
}

async function start() {
  const att = embedded("solvent-attestation");
  const pins = embedded("solvent-pins");
  ui.showAttestation(att, pins);
  await poseidon.initPoseidon();
  const state = await check.checkAttestation(att, pins);
  ui.showAttestationChecks(state);
  ui.onCheck(async (text, accountId) => ui.showResult(await check.checkInclusion(state, text, accountId), state));
}

window.solventWeb = { check, formulas, inclusion, json, outcomes, poseidon, proofs, signature };
window.solventWeb.ready = start().catch((e) => {
  ui.showFatal(e);
  throw e;
});
