//! The phase-2 ceremony end to end on a ptau of known (insecure) secrets: init from files
//! with and without Lagrange sections, two participants and a beacon, verification, a
//! proof with the final key; and tampered transcripts rejected with the reason.

use ark_bn254::{Fr, G1Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{One, UniformRand};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use solvent_prover::ceremony::phase1::Powers;
use solvent_prover::ceremony::ptau::{write_insecure_for_tests, Ptau};
use solvent_prover::ceremony::transcript::{Proof, State};
use solvent_prover::ceremony::{ops, verify, Circuit};
use solvent_prover::groth16::verify::verify as groth16_verify;
use solvent_prover::interop::reduction::{prove, Reduction};
use solvent_prover::r1cs::R1cs;
use solvent_prover::Error;
use std::path::PathBuf;

/// out = x·y·z + k; wires 0 one, 1 out, 2 k, 3 x, 4 y, 5 z, 6 t = x·y.
fn toy() -> Circuit {
    let one = Fr::one();
    let m = [
        vec![vec![(one, 3)], vec![(one, 6)]],
        vec![vec![(one, 4)], vec![(one, 5)]],
        vec![vec![(one, 6)], vec![(one, 1), (-one, 2)]],
    ];
    let r1cs = R1cs { num_public: 2, num_columns: 7, aux_offset: 7, m, row_op: vec![0, 1], wire_col: (0..7).collect() };
    Circuit { name: "toy".into(), hash: "00".repeat(32), kind: "circom-r1cs", r1cs }
}

fn witness() -> Vec<Fr> {
    let f = Fr::from;
    vec![Fr::one(), f(2 * 3 * 4 + 5), f(5), f(2), f(3), f(4), f(6)]
}

fn tmp(tag: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("solvent-ceremony-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

struct Setup {
    circuit: Circuit,
    ptau: Ptau,
    final_state: State,
}

fn run(tag: &str) -> Setup {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let power = 4;
    let (tau, alpha, beta) = (Fr::rand(&mut rng), Fr::rand(&mut rng), Fr::rand(&mut rng));
    let powers = Powers::from_secrets_insecure(1 << power, tau, alpha, beta);
    let (plain, prepared) = (tmp(tag, "plain.ptau"), tmp(tag, "prepared.ptau"));
    write_insecure_for_tests(&plain, power, &powers, false).unwrap();
    write_insecure_for_tests(&prepared, power, &powers, true).unwrap();
    let circuit = toy();
    let p1 = Ptau::open(&plain).unwrap();
    let p2 = Ptau::open(&prepared).unwrap();
    assert!(!p1.has_lagrange && p2.has_lagrange);
    let s_plain = ops::init(&circuit, &p1, &mut rng).unwrap();
    let s0 = ops::init(&circuit, &p2, &mut rng).unwrap();
    assert_eq!(s_plain.hash(), s0.hash(), "Lagrange sections and IFFT give the same key");

    let path = tmp(tag, "s0.ph2");
    s0.write(&path).unwrap();
    let s0 = State::read(&path).unwrap();
    let s1 = ops::contribute(&s0, "alice", b"keyboard mashing", &mut rng).unwrap();
    let s2 = ops::contribute(&s1, "bob", b"", &mut rng).unwrap();
    let s3 = ops::beacon(&s2, "beacon", b"block 123456 hash", 5).unwrap();
    assert_eq!(s3.records[0].new_hash, s1.hash());
    assert_eq!(s3.records[1].prev_hash, s1.hash());
    Setup { circuit, ptau: p2, final_state: s3 }
}

fn rejected(state: &State, s: &Setup, needle: &str) {
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let err = verify::verify(state, &s.circuit, &s.ptau, &mut rng).err().expect("tampered transcript accepted");
    assert!(
        matches!(&err, Error::Ceremony(m) if m.contains(needle)),
        "expected a ceremony error with '{needle}': {err:?}"
    );
}

#[test]
fn ceremony_verifies_and_its_key_proves() {
    let s = run("ok");
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let report = verify::verify(&s.final_state, &s.circuit, &s.ptau, &mut rng).unwrap();
    assert_eq!((report.participants, report.beacons), (2, 1));
    assert_eq!(report.transcript_hash, s.final_state.hash());
    let z = witness();
    let proof = prove(Reduction::Libsnark, &s.final_state.pk, &s.circuit.r1cs, &z, &mut rng).unwrap();
    assert!(groth16_verify(&s.final_state.pk.vk, &z[1..3], &proof).unwrap());
    let header = ops::final_key_header(&s.final_state).unwrap();
    assert_eq!(header["setup"], "ceremony");

    // the untouched initial state verifies too, but cannot be finalized
    let s0 = ops::init(&s.circuit, &s.ptau, &mut rng).unwrap();
    assert!(verify::verify(&s0, &s.circuit, &s.ptau, &mut rng).is_ok());
    assert!(ops::final_key_header(&s0).unwrap_err().to_string().contains("no participant"));
}

#[test]
fn tampered_transcripts_are_rejected() {
    let s = run("bad");
    let fin = &s.final_state;

    // a wrong proof of knowledge
    let mut bad = State { header: fin.header.clone(), records: fin.records.clone(), pk: fin.pk.clone() };
    if let Proof::Participant(p) = &mut bad.records[1].proof {
        p.s += Fr::one();
    }
    rejected(&bad, &s, "contribution #2 ('bob'): proof of knowledge");

    // a delta replaced by one the "contributor" computed without knowing x
    let mut bad = State { header: fin.header.clone(), records: fin.records.clone(), pk: fin.pk.clone() };
    bad.records[0].delta_g1 = (G1Affine::generator() * Fr::from(3u8)).into_affine();
    rejected(&bad, &s, "contribution #1 ('alice'): its delta in G1 and G2 do not match");

    // a broken hash chain
    let mut bad = State { header: fin.header.clone(), records: fin.records.clone(), pk: fin.pk.clone() };
    bad.records[1].prev_hash[0] ^= 1;
    rejected(&bad, &s, "contribution #2 ('bob'): hash chain broken");

    // a dropped middle contribution breaks the chain too
    let mut bad = State { header: fin.header.clone(), records: fin.records.clone(), pk: fin.pk.clone() };
    bad.records.remove(1);
    rejected(&bad, &s, "hash chain broken");

    // a beacon that does not match its value
    let mut bad = State { header: fin.header.clone(), records: fin.records.clone(), pk: fin.pk.clone() };
    if let Proof::Beacon { value, .. } = &mut bad.records[2].proof {
        value[0] ^= 1;
    }
    rejected(&bad, &s, "contribution #3 ('beacon'): delta is not the previous delta times the beacon");

    // L query not scaled by the last delta
    let mut bad = State { header: fin.header.clone(), records: fin.records.clone(), pk: fin.pk.clone() };
    bad.pk.l_query[0] = (bad.pk.l_query[0] * Fr::from(2u8)).into_affine();
    rejected(&bad, &s, "L or H query");

    // a changed public-input point
    let mut bad = State { header: fin.header.clone(), records: fin.records.clone(), pk: fin.pk.clone() };
    bad.pk.vk.gamma_abc_g1[1] = (bad.pk.vk.gamma_abc_g1[1] * Fr::from(2u8)).into_affine();
    rejected(&bad, &s, "IC (public-input points) differs");

    // a truncated state file
    let path = tmp("bad", "final.ph2");
    fin.write(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let e = State::read(&path).err().unwrap();
    assert!(matches!(&e, Error::Ceremony(m) if m.contains("truncated or corrupt")), "{e}");

    // a truncated ptau
    let p = tmp("bad", "prepared.ptau");
    let bytes = std::fs::read(&p).unwrap();
    let cut = tmp("bad", "cut.ptau");
    std::fs::write(&cut, &bytes[..bytes.len() - 100]).unwrap();
    // a ptau is an interop file, whichever step reads it
    let e = Ptau::open(&cut).err().unwrap();
    assert!(matches!(&e, Error::Interop(m) if m.contains("truncated")), "{e}");
}
