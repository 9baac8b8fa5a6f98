// The hashes that bind an attestation together and the institution's signature over
// it: pysrc/solvent/attestation/hashing.py, docs/attestation-interface.md.

import { secp256k1 } from "@noble/curves/secp256k1";
import { sha256 } from "@noble/hashes/sha2";
import { keccak_256 } from "@noble/hashes/sha3";
import { bytesToHex, concatBytes, hexToBytes } from "@noble/hashes/utils";
import { canonicalBytes, without } from "./json.js";
import { R } from "./poseidon.js";

/** SHA-256 (hex) of the canonical JSON of the statement. */
export function statementHash(statement) {
  return bytesToHex(sha256(canonicalBytes(statement)));
}

/** `keccak256(statement_hash ‖ uint64 epoch ‖ address signer) mod r`. */
export function contextOf(statementHashHex, epoch, signer) {
  if (epoch < 0n || epoch >= 1n << 64n) throw new RangeError("epoch is not a uint64");
  const epochBytes = hexToBytes(epoch.toString(16).padStart(16, "0"));
  const packed = concatBytes(hexToBytes(statementHashHex), epochBytes, hexToBytes(signer.slice(2)));
  return BigInt(`0x${bytesToHex(keccak_256(packed))}`) % R;
}

/** SHA-256 (32 bytes) of the canonical JSON of the attestation without its signature. */
export function attestationHash(attestation) {
  return sha256(canonicalBytes(without(attestation, "signature")));
}

/** The Ethereum address (lowercase 0x…) whose key made the EIP-191 `personal_sign`
 * signature `0x r ‖ s ‖ v` over the 32 bytes `hash`, or null if it is malformed. */
export function recoverSigner(hash, signatureHex) {
  try {
    if (!/^0x[0-9a-fA-F]{130}$/.test(signatureHex)) return null;
    const sig = hexToBytes(signatureHex.slice(2));
    const v = sig[64] >= 27 ? sig[64] - 27 : sig[64];
    if (v !== 0 && v !== 1) return null;
    const prefix = new TextEncoder().encode("\x19Ethereum Signed Message:\n32");
    const digest = keccak_256(concatBytes(prefix, hash));
    const point = secp256k1.Signature.fromCompact(sig.subarray(0, 64)).addRecoveryBit(v).recoverPublicKey(digest);
    return `0x${bytesToHex(keccak_256(point.toRawBytes(false).subarray(1)).subarray(12))}`;
  } catch {
    return null; // a malformed signature is an invalid one
  }
}
