// Drives the real customer page in headless Chromium (playwright-core, Debian's
// chromium) the way a customer does: type the id, choose the inclusion file, press
// "Check my account", then read the verdict and every check back from the DOM.
//
//   node web/driver.mjs JOB.json   →   one JSON result on stdout
//
// JOB: {"chromium": path, "page": path, "steps": [step, …]} where a step is
//   {"op": "attestation"}                           the attestation-wide part of the page
//   {"op": "check", "id": str, "file": path}        a customer's check, the file chosen in the file
//                                                   input ("drop": path, dropped on the page;
//                                                   "text": the file's text, pasted)
//   {"op": "eval", "expr": str}                     evaluate JS in the page (window.solventWeb)
//   {"op": "read", "selector": str, "attrs": [str]} every matching element's text and the named
//                                                   attributes (any page: the auditor's report too)
// "wait_for" (optional, a selector) is what marks the page as loaded; default: the customer
// page's attestation status once it is no longer "checking".
// The result lists every request the page made that was not to its own file, console
// errors, and Content-Security-Policy violations, so tests can assert there were none.

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const TIMEOUT_MS = job.timeout_ms ?? 60000; // per action: a stuck page fails fast

const browser = await chromium.launch({
  executablePath: job.chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-extensions", "--disable-dev-shm-usage"],
});
const result = { steps: [], requests: [], console_errors: [], page_errors: [] };
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  const url = pathToFileURL(job.page).href;
  page.on("request", (r) => {
    if (r.url() !== url && !r.url().startsWith("blob:") && !r.url().startsWith("data:")) result.requests.push(r.url());
  });
  page.on("console", (m) => m.type() === "error" && result.console_errors.push(m.text()));
  page.on("pageerror", (e) => result.page_errors.push(String(e)));
  const started = Date.now();
  await page.goto(url);
  await page.waitForSelector(job.wait_for ?? "#attestation-status:not([data-state=checking])");
  result.load_ms = Date.now() - started;

  const texts = (selector) => page.$$eval(selector, (els) => els.map((e) => ({
    name: e.dataset.check, ok: e.dataset.ok === "yes", text: e.textContent })));

  for (const step of job.steps) {
    if (step.op === "attestation") {
      result.steps.push({
        status: await page.textContent("#attestation-status"),
        status_ok: await page.getAttribute("#attestation-status", "data-ok"),
        findings_status: await page.textContent("#findings-status"),
        findings: await texts("#findings li"),
        caveats: await page.$$eval("#caveats li", (els) => els.map((e) => e.textContent)),
        facts: await page.$$eval("#att-facts dd", (els) => Object.fromEntries(els.map((e) => [e.dataset.fact, e.textContent]))),
      });
    } else if (step.op === "check") {
      await page.fill("#account-id", step.id);
      if (step.file) await page.setInputFiles("#inclusion-file", step.file);
      else if (step.drop) {
        await page.evaluate(({ name, text }) => {
          const dt = new DataTransfer();
          dt.items.add(new File([text], name, { type: "application/json" }));
          document.getElementById("drop-zone").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
        }, { name: step.drop.split("/").pop(), text: readFileSync(step.drop, "utf8") });
      } else {
        if (!(await page.$eval("#drop-zone details", (d) => d.open))) await page.click("#drop-zone summary");
        await page.fill("#inclusion-text", step.text);
      }
      const t = Date.now();
      await page.click("#check");
      await page.waitForSelector("#verdict[data-state=done]");
      result.steps.push({
        ms: Date.now() - t,
        included: await page.getAttribute("#verdict", "data-included"),
        word: await page.textContent("#verdict-word"),
        reason: await page.textContent("#verdict-reason"),
        keys_note: await page.textContent("#verdict-keys"),
        findings_note: await page.textContent("#verdict-findings"),
        account: await texts("#account-checks li"),
        proofs: await texts("#proof-checks li"),
        balances: await page.$$eval("#balances-body tr", (rows) => Object.fromEntries(rows.map((r) => [r.dataset.asset, {
          equity: r.querySelector("[data-col=equity]").textContent, debt: r.querySelector("[data-col=debt]").textContent }]))),
        balances_note: await page.textContent("#balances-note"),
        positions: await page.$$eval("#positions-body tr", (rows) => Object.fromEntries(rows.map((r) => [r.dataset.instrument,
          r.cells[1].textContent]))),
        caveats: await page.$$eval("#caveats li", (els) => els.map((e) => e.textContent)),
      });
      // the next check starts from a clean form
      await page.evaluate(() => {
        document.getElementById("verdict").dataset.state = "idle";
        document.getElementById("inclusion-text").value = "";
        document.getElementById("inclusion-file").value = "";
      });
    } else if (step.op === "read") {
      result.steps.push(await page.$$eval(step.selector, (els, attrs) => els.map((e) => ({
        text: e.textContent.replace(/\s+/g, " ").trim(),
        attrs: Object.fromEntries(attrs.map((a) => [a, e.getAttribute(a)])) })), step.attrs ?? []));
    } else if (step.op === "eval") {
      result.steps.push(await page.evaluate(async (expr) => {
        await window.solventWeb.ready;
        return await (0, eval)(expr); // eslint-disable-line no-eval
      }, step.expr));
    } else {
      throw new Error(`unknown step ${step.op}`);
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result));
