// Bundles the customer's web check (web/src/) into one browser script that
// `solvent export-web` inlines into the page: snarkjs (Groth16), circomlibjs
// (Poseidon), @noble/curves and @noble/hashes (secp256k1, keccak, SHA-256) and
// lossless-json, all pinned in package-lock.json. The output is git-ignored and
// rebuilt by `make build`; esbuild's output is a pure function of these sources
// and the pinned packages, so every build of one commit is byte-identical.
//
//   node web/build.mjs [OUTFILE]   (default pysrc/solvent/web/assets/solvent-web.js)

import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = resolve(process.argv[2] ?? resolve(root, "pysrc/solvent/web/assets/solvent-web.js"));

// circomlibjs's package entry also loads its Node-only parts (blake-hash's native
// addon, ethers, streams); its "exports" map hides the one file the page needs, the
// Poseidon hash (the reference implementation: its constant tables are half the size
// of the optimised one's), so resolve that file directly. Its only Node import is `assert`.
const circomlibPoseidon = {
  name: "circomlibjs-poseidon",
  setup(b) {
    b.onResolve({ filter: /^circomlibjs\/poseidon_reference$/ }, () => ({
      path: resolve(root, "node_modules/circomlibjs/src/poseidon_reference.js"),
    }));
    b.onResolve({ filter: /^assert$/ }, () => ({ path: resolve(root, "web/src/assert.js") }));
  },
};

const result = await build({
  entryPoints: [resolve(root, "web/src/main.js")],
  outfile,
  bundle: true,
  platform: "browser",
  format: "iife",
  target: ["es2020"],
  minify: true,
  legalComments: "eof",
  charset: "utf8",
  logLevel: "warning",
  plugins: [circomlibPoseidon],
});
if (result.errors.length) process.exit(1);

// The page inlines this script: it must not be able to close or comment out its tag.
const text = readFileSync(outfile, "utf8");
if (/<\/script|<!--/i.test(text)) {
  console.error(`${outfile}: contains "</script" or "<!--"; it cannot be inlined in the page`);
  process.exit(1);
}
console.log(`web bundle: ${outfile} (${(text.length / 1024).toFixed(0)} KiB)`);
