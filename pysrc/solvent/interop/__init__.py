"""Interoperability with circom and snarkjs: prove circom circuits (``.r1cs`` +
``.wtns``) with solvent's prover (:mod:`.circom`), and drive the pinned JavaScript tools
for tests and benches (:mod:`.node`). The file formats themselves are read in Rust
(``prover/src/interop``); snarkjs JSON for proofs and keys is shared with the rest of
solvent."""
