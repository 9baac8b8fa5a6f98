"""The attestation: models, hashing and signatures, verification, inclusion proofs."""
