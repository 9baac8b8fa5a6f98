//! Probe, not a backend: what solvent's liabilities batch statement costs per account
//! in halo2 (halo2-base over halo2-axiom, KZG on BN254, SHPLONK, range checks by lookup).
//!
//!     cargo run --release -- --accounts B --assets 8 [--k K] [--lookup-bits L]
//!
//! Prints the circuit's shape, keygen and proving times (wall and CPU via getrusage),
//! core-ms per account, proof size and peak RSS; verifies the proof, and shows that the
//! circuit refuses a balance of 2^64, a descending key and a key of 2^96 (MockProver and
//! the real prover + verifier on a small batch), and a wrong public root (real verifier).

mod batch;
mod poseidon;
mod srs;

use std::time::Instant;

use halo2_base::{
    gates::circuit::{builder::BaseCircuitBuilder, BaseCircuitParams, CircuitBuilderStage},
    halo2_proofs::{
        dev::MockProver,
        halo2curves::{
            bn256::{Bn256, Fr, G1Affine},
            ff::{Field, PrimeField},
        },
        plonk::{create_proof, keygen_pk, keygen_vk, verify_proof, ProvingKey, VerifyingKey},
        poly::{
            commitment::ParamsProver,
            kzg::{
                commitment::{KZGCommitmentScheme, ParamsKZG},
                multiopen::{ProverSHPLONK, VerifierSHPLONK},
                strategy::SingleStrategy,
            },
        },
        transcript::{Blake2bRead, Blake2bWrite, Challenge255, TranscriptReadBuffer, TranscriptWriterBuffer},
    },
};
use rand::{rngs::StdRng, SeedableRng};

use batch::{sample_batch, synthesize, BatchWitness, CellSplit};

/// Rows halo2 keeps for blinding factors (halo2-base's examples use 9).
const UNUSABLE_ROWS: usize = 9;
/// The batch used for the negative checks (MockProver and a real proof each).
const SMALL_BATCH: usize = 64;

struct Args {
    accounts: usize,
    assets: usize,
    k: Option<usize>,
    lookup_bits: Option<usize>,
    max_advice: usize,
    skip_negative: bool,
    dump: Option<String>,
    cells_only: bool,
}

fn parse_args() -> Args {
    let mut args = Args {
        accounts: 256,
        assets: 8,
        k: None,
        lookup_bits: None,
        max_advice: 32,
        skip_negative: false,
        dump: None,
        cells_only: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| -> usize {
            let v = it.next().unwrap_or_else(|| panic!("{name} needs a value"));
            v.parse().unwrap_or_else(|_| panic!("{name}: not a number: {v}"))
        };
        match flag.as_str() {
            "--accounts" => args.accounts = value("--accounts"),
            "--assets" => args.assets = value("--assets"),
            "--k" => args.k = Some(value("--k")),
            "--lookup-bits" => args.lookup_bits = Some(value("--lookup-bits")),
            "--max-advice" => args.max_advice = value("--max-advice"),
            "--skip-negative" => args.skip_negative = true,
            "--cells-only" => args.cells_only = true,
            "--dump" => args.dump = Some(it.next().expect("--dump needs a path")),
            other => panic!("unknown flag {other} (--accounts B --assets A [--k K] [--lookup-bits L] [--max-advice N] [--skip-negative] [--dump batch.json] [--cells-only])"),
        }
    }
    assert!(args.accounts >= 2 && args.assets >= 1);
    args
}

/// CPU seconds (user + system, all threads) and peak RSS (MiB) of this process so far.
fn rusage() -> (f64, f64) {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    assert_eq!(rc, 0, "getrusage failed");
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    (secs(u.ru_utime) + secs(u.ru_stime), u.ru_maxrss as f64 / 1024.0)
}

/// Wall and CPU seconds of `f`.
fn timed<R>(f: impl FnOnce() -> R) -> (R, f64, f64) {
    let (cpu0, _) = rusage();
    let t0 = Instant::now();
    let r = f();
    let wall = t0.elapsed().as_secs_f64();
    (r, wall, rusage().0 - cpu0)
}

/// A builder for `stage` with the batch laid out and its public values exposed.
fn build(
    stage: CircuitBuilderStage,
    lookup_bits: usize,
    w: &BatchWitness,
    pinned: Option<(&BaseCircuitParams, &BaseCircuitBuilder<Fr>)>,
) -> (BaseCircuitBuilder<Fr>, Vec<Fr>) {
    let (builder, values, _) = build_split(stage, lookup_bits, w, pinned);
    (builder, values)
}

/// `build`, also returning the advice cells by part of the statement.
fn build_split(
    stage: CircuitBuilderStage,
    lookup_bits: usize,
    w: &BatchWitness,
    pinned: Option<(&BaseCircuitParams, &BaseCircuitBuilder<Fr>)>,
) -> (BaseCircuitBuilder<Fr>, Vec<Fr>, CellSplit) {
    let mut builder = match pinned {
        Some((params, keygen)) => BaseCircuitBuilder::prover(params.clone(), keygen.break_points()),
        None => BaseCircuitBuilder::from_stage(stage).use_lookup_bits(lookup_bits).use_instance_columns(1),
    };
    let (public, split) = synthesize(&mut builder, w);
    let values = public.iter().map(|v| *v.value()).collect();
    builder.assigned_instances[0].extend(public);
    (builder, values, split)
}

/// Chooses k (the smallest with at most `max_advice` advice columns, unless given) and
/// pins the circuit's shape.
fn shape(
    builder: &mut BaseCircuitBuilder<Fr>,
    k: Option<usize>,
    lookup_bits: usize,
    max_advice: usize,
) -> BaseCircuitParams {
    let cells = builder.statistics().gate.total_advice_per_phase[0];
    let k = k.unwrap_or_else(|| {
        (lookup_bits + 1..28).find(|k| cells.div_ceil((1 << k) - UNUSABLE_ROWS) <= max_advice).expect("k below 28")
    });
    assert!(lookup_bits < k, "lookup_bits must be below k");
    builder.set_k(k);
    builder.calculate_params(Some(UNUSABLE_ROWS))
}

fn prove(
    params: &ParamsKZG<Bn256>,
    pk: &ProvingKey<G1Affine>,
    circuit: BaseCircuitBuilder<Fr>,
    public: &[Fr],
) -> Option<Vec<u8>> {
    let mut transcript = Blake2bWrite::<_, G1Affine, Challenge255<_>>::init(vec![]);
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, Challenge255<_>, _, _, _>(
        params,
        pk,
        &[circuit],
        &[&[public]],
        StdRng::seed_from_u64(7),
        &mut transcript,
    )
    .ok()
    .map(|()| transcript.finalize())
}

fn verifies(params: &ParamsKZG<Bn256>, vk: &VerifyingKey<G1Affine>, proof: &[u8], public: &[Fr]) -> bool {
    let mut transcript = Blake2bRead::<_, G1Affine, Challenge255<_>>::init(proof);
    verify_proof::<
        KZGCommitmentScheme<Bn256>,
        VerifierSHPLONK<'_, Bn256>,
        Challenge255<G1Affine>,
        _,
        SingleStrategy<'_, Bn256>,
    >(params.verifier_params(), vk, SingleStrategy::new(params), &[&[public]], &mut transcript)
    .is_ok()
}

/// The cheating witnesses the negative checks try.
fn cheats(honest: &BatchWitness) -> Vec<(&'static str, BatchWitness)> {
    let two_64 = Fr::from_u128(1u128 << 64);
    let mut balance = honest.clone();
    balance.equity[3][5] = two_64;
    let mut descending = honest.clone();
    descending.keys.swap(10, 11);
    let mut key_too_big = honest.clone();
    let last = key_too_big.keys.len() - 1;
    key_too_big.keys[last] = two_64 * Fr::from_u128(1u128 << 32);
    let mut equal_keys = honest.clone();
    equal_keys.keys[20] = equal_keys.keys[21];
    vec![
        ("balance = 2^64", balance),
        ("keys[10] > keys[11] (descending)", descending),
        ("keys[B-1] = 2^96", key_too_big),
        ("keys[20] = keys[21] (duplicate)", equal_keys),
    ]
}

/// Honest small batch accepted, every cheat refused: by MockProver, and by the real
/// prover + verifier under a key made from the honest batch.
fn negative_checks(assets: usize, lookup_bits: usize, max_advice: usize) -> bool {
    let honest = sample_batch(SMALL_BATCH, assets, 11);
    let (mut keygen, _) = build(CircuitBuilderStage::Keygen, lookup_bits, &honest, None);
    let params = shape(&mut keygen, None, lookup_bits, max_advice);
    let k = params.k as u32;
    let srs = srs::insecure_dev_setup(k, 1);
    let vk = keygen_vk(&srs, &keygen).expect("vk");
    let pk = keygen_pk(&srs, vk, &keygen).expect("pk");
    let mut all_ok = true;
    let mut cases = vec![("honest", honest.clone())];
    cases.extend(cheats(&honest));
    for (name, w) in cases {
        let (mock, mock_public) = build(CircuitBuilderStage::Mock, lookup_bits, &w, None);
        let mock_builder = {
            let mut m = mock;
            m.set_params(params.clone());
            m
        };
        let mock_ok = MockProver::run(k, &mock_builder, vec![mock_public.clone()]).expect("mock run").verify().is_ok();
        let (circuit, real_public) = build(CircuitBuilderStage::Prover, lookup_bits, &w, Some((&params, &keygen)));
        let real_ok = match prove(&srs, &pk, circuit, &real_public) {
            Some(proof) => verifies(&srs, pk.get_vk(), &proof, &real_public),
            None => false,
        };
        let expect = name == "honest";
        let pass = mock_ok == expect && real_ok == expect;
        all_ok &= pass;
        println!(
            "  B={SMALL_BATCH} {name:<36} MockProver: {:<8} real prover+verifier: {:<8} {}",
            if mock_ok { "accepts" } else { "REFUSES" },
            if real_ok { "accepts" } else { "REFUSES" },
            if pass { "as it must" } else { "WRONG" }
        );
    }
    all_ok
}

fn main() {
    let args = parse_args();
    let threads = rayon_threads();
    let (load1, _, _) = load_average();
    println!(
        "halo2 probe (NOT solvent's backend): liabilities batch, B = {} accounts x A = {} assets, b = 64, no debt",
        args.accounts, args.assets
    );
    println!("  threads {threads}, load average (1 min) at start {load1:.2}");
    let vectors = poseidon::circomlib_vectors_match();
    println!("  Poseidon gadget reproduces circomlib's Poseidon(2) vectors: {vectors}");
    assert!(vectors, "Poseidon constants differ from circomlib's: the README must say so");

    let lookup_bits = args.lookup_bits.unwrap_or(16);
    let honest = sample_batch(args.accounts, args.assets, 42);

    // Key generation: the universal SRS (one per k, reusable by every circuit), then the
    // circuit's keys from a keygen-stage layout.
    let ((mut keygen, _, split), w_keygen, c_keygen) =
        timed(|| build_split(CircuitBuilderStage::Keygen, lookup_bits, &honest, None));
    let params = shape(&mut keygen, args.k, lookup_bits, args.max_advice);
    let k = params.k;
    let stats = keygen.statistics();
    let advice_cells = stats.gate.total_advice_per_phase[0];
    let lookup_cells = stats.total_lookup_advice_per_phase[0];
    println!(
        "  k = {k} (2^{k} = {} rows, {} usable), lookup_bits = {lookup_bits}",
        1usize << k,
        (1usize << k) - UNUSABLE_ROWS
    );
    println!(
        "  columns: advice {} + lookup advice {} + fixed {} + instance 1, lookup table 1 fixed column of 2^{lookup_bits}",
        params.num_advice_per_phase[0], params.num_lookup_advice_per_phase[0], params.num_fixed
    );
    println!(
        "  cells: advice {advice_cells} ({:.0} per account), looked-up {lookup_cells} ({:.0} per account), constants {}; advice fill {:.1} %",
        advice_cells as f64 / args.accounts as f64,
        lookup_cells as f64 / args.accounts as f64,
        stats.gate.total_fixed,
        100.0 * advice_cells as f64 / (params.num_advice_per_phase[0] as f64 * ((1usize << k) - UNUSABLE_ROWS) as f64)
    );
    let per = |cells: usize| cells as f64 / args.accounts as f64;
    println!(
        "  advice cells per account: leaf hash {:.0}, sum commitments {:.0}, node hashes {:.0}, batch commitment {:.1}, \
balance range checks {:.0}, key order {:.0}, packing {:.0}, node sums {:.0}, other {:.1}",
        per(split.leaf_hashes), per(split.sum_commitments), per(split.node_hashes), per(split.batch_commitment),
        per(split.balance_ranges), per(split.key_order), per(split.packing), per(split.node_sums), per(split.other)
    );
    let poseidon = split.leaf_hashes + split.sum_commitments + split.node_hashes + split.batch_commitment;
    println!(
        "  Poseidon: {:.1} % of advice cells; range checks (balances + keys): {:.1} %",
        100.0 * poseidon as f64 / advice_cells as f64,
        100.0 * (split.balance_ranges + split.key_order) as f64 / advice_cells as f64
    );
    if args.cells_only {
        return;
    }
    let (srs, w_srs, c_srs) = timed(|| srs::insecure_dev_setup(k as u32, 1));
    println!("  SRS: INSECURE dev setup with a seeded tau (a real backend uses a public ceremony's powers of tau): {w_srs:.2} s wall, {c_srs:.2} s CPU");
    let (pk, w_keys, c_keys) = timed(|| {
        let vk = keygen_vk(&srs, &keygen).expect("vk");
        keygen_pk(&srs, vk, &keygen).expect("pk")
    });
    println!(
        "  keygen (layout {w_keygen:.2} s + vk/pk {w_keys:.2} s): {:.2} s wall, {:.2} s CPU",
        w_keygen + w_keys,
        c_keygen + c_keys
    );
    let break_points_keygen = keygen.break_points();
    drop(break_points_keygen);

    // Proving: witness generation (layout in witness-only mode) and the halo2 prover.
    let ((circuit, public), w_wit, c_wit) =
        timed(|| build(CircuitBuilderStage::Prover, lookup_bits, &honest, Some((&params, &keygen))));
    let (proof, w_prove, c_prove) = timed(|| prove(&srs, &pk, circuit, &public).expect("honest proof"));
    let (wall, cpu) = (w_wit + w_prove, c_wit + c_prove);
    println!(
        "  prove: witness {w_wit:.2} s wall / {c_wit:.2} s CPU, halo2 prover {w_prove:.2} s wall / {c_prove:.2} s CPU"
    );
    println!("  prove total: {wall:.2} s wall, {cpu:.2} s CPU");
    println!(
        "  core-ms per account: {:.1} (CPU) | {:.1} (wall x {threads} threads)",
        1e3 * cpu / args.accounts as f64,
        1e3 * wall * threads as f64 / args.accounts as f64
    );
    println!("  proof size: {} bytes", proof.len());

    if let Some(path) = &args.dump {
        dump_batch(path, &honest, &public);
        println!("  wrote the batch and its public values to {path} (check: crosscheck.py)");
    }

    let (ok, w_verify, _) = timed(|| verifies(&srs, pk.get_vk(), &proof, &public));
    println!("  verify: {} ({w_verify:.3} s)", if ok { "accepts" } else { "REFUSES" });
    assert!(ok, "the honest proof must verify");
    let mut wrong_root = public.clone();
    wrong_root[1] += Fr::ONE;
    let refused = !verifies(&srs, pk.get_vk(), &proof, &wrong_root);
    println!("  verify with batch_root + 1: {}", if refused { "REFUSES, as it must" } else { "ACCEPTS (WRONG)" });
    assert!(refused);
    let mut wrong_context = public.clone();
    wrong_context[0] = Fr::random(StdRng::seed_from_u64(3));
    assert!(!verifies(&srs, pk.get_vk(), &proof, &wrong_context), "a proof for another context must not verify");
    println!("  peak RSS so far: {:.0} MiB", rusage().1);

    if !args.skip_negative {
        println!("  negative checks (B = {SMALL_BATCH}, its own key):");
        let negatives = negative_checks(args.assets, lookup_bits, args.max_advice);
        assert!(negatives, "a cheating witness was accepted");
    }
    let (load1_end, _, _) = load_average();
    println!("  load average (1 min) at end {load1_end:.2}; peak RSS {:.0} MiB", rusage().1);
}

fn rayon_threads() -> usize {
    // halo2 proves with rayon's global pool: one thread per core unless RAYON_NUM_THREADS says otherwise.
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
}

fn load_average() -> (f64, f64, f64) {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let v: Vec<f64> = text.split_whitespace().take(3).filter_map(|x| x.parse().ok()).collect();
    (
        v.first().copied().unwrap_or(f64::NAN),
        v.get(1).copied().unwrap_or(f64::NAN),
        v.get(2).copied().unwrap_or(f64::NAN),
    )
}

/// Big-endian hex of a field element's canonical value.
fn hex(x: &Fr) -> String {
    let repr = x.to_repr();
    let bytes: &[u8] = repr.as_ref();
    let mut out = String::from("0x");
    for b in bytes.iter().rev() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The batch's inputs and the circuit's public values as JSON (hex strings), written to a
/// temporary file and renamed, so `crosscheck.py` can recompute them with solvent's formulas.
fn dump_batch(path: &str, w: &BatchWitness, public: &[Fr]) {
    let list = |xs: &[Fr]| format!("[{}]", xs.iter().map(|x| format!("\"{}\"", hex(x))).collect::<Vec<_>>().join(", "));
    let rows = |xss: &[Vec<Fr>]| format!("[{}]", xss.iter().map(|xs| list(xs)).collect::<Vec<_>>().join(", "));
    let json = format!(
        "{{\"context\": \"{}\", \"keys\": {}, \"tags\": {}, \"equity\": {}, \"positions\": {}, \"node_blinds\": {}, \"batch_blind\": \"{}\", \"public\": {}}}\n",
        hex(&w.context), list(&w.keys), list(&w.tags), rows(&w.equity), list(&w.positions), rows(&w.node_blinds), hex(&w.batch_blind), list(public)
    );
    let tmp = format!("{path}.tmp");
    std::fs::write(&tmp, json).unwrap_or_else(|e| panic!("{tmp}: {e}"));
    std::fs::rename(&tmp, path).unwrap_or_else(|e| panic!("{path}: {e}"));
}
