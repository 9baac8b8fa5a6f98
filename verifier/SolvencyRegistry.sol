// SPDX-License-Identifier: Apache-2.0
pragma solidity >=0.8.24 <0.9.0;

/// @notice The generated Groth16 verifier of an attestation's top-level proof (4 public inputs).
interface ITopVerifier {
    function verifyProof(
        uint256[2] calldata a,
        uint256[2][2] calldata b,
        uint256[2] calldata c,
        uint256[4] calldata input
    ) external view returns (bool);

    function verifyingKey() external view returns (bytes memory);
}

/// @notice Checks a path of solvent's sum tree against a root (encoding: SumTreeInclusion.sol).
interface IInclusionVerifier {
    function verifyPath(uint256 root, uint256 leafHash, uint256 levels, uint256[] calldata path)
        external
        view
        returns (bool);
}

/// @title Registry of solvency attestations, verified on chain
/// @notice An institution (identified by the address that registers it) names its attestation
///         signing address, the hash of its book shape, the verifying-key hashes of its
///         circuits and the deployed verifier of its top-level circuit, once. Changing any of
///         them is a time-locked re-registration: `announceKeys`, wait `keyChangeDelay`
///         seconds (watchers see `KeysAnnounced`), then `activateKeys` (`KeysActivated`).
///         Each `submit` checks the institution's EIP-191 signature over the attestation hash,
///         refuses a proof made under any top key but the active one, recomputes the proof's
///         `context` from (statement_hash, epoch, signer), verifies the top-level Groth16 proof
///         on chain and stores the epoch's book root, totals commitment and attestation hash.
///         Epochs only move forward. What this does and does not establish: docs/evm.md.
contract SolvencyRegistry {
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @dev secp256k1 order / 2: signatures with a larger s are the malleable twin, refused.
    uint256 internal constant HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;
    /// @dev 32 * (14 + 2 * 5): a key with exactly 4 public inputs (IC has 5 points).
    uint256 internal constant TOP_VK_BYTES = 768;

    /// @notice What a registration fixes: who signs, for which book shape, under which keys.
    struct Keys {
        address signer; // signs attestation hashes; part of every proof's context
        bytes32 shapeHash; // sha256 of the canonical JSON of the attestation's statement.shape
        ITopVerifier topVerifier;
        bytes32 topVkHash;
    }

    /// @dev The active keys, flattened so that the signer, the epoch counter and the flag
    ///      share one slot (the first submission then writes no fresh slot for them).
    struct Institution {
        address signer;
        uint64 latestEpoch;
        bool hasAttestation;
        bytes32 shapeHash;
        ITopVerifier topVerifier;
        bytes32 topVkHash;
    }

    /// @notice A re-registration waiting for its delay to pass.
    struct Pending {
        Keys keys;
        uint64 activatesAt; // 0: nothing pending
    }

    struct Attestation {
        uint256 bookRoot;
        uint256 totalsCommitment;
        bytes32 attestationHash;
    }

    /// @notice One attestation as submitted. `proof` is (a, b, c) flattened, b in EVM order:
    ///         [a.x, a.y, b.x.c1, b.x.c0, b.y.c1, b.y.c0, c.x, c.y]; `signature` is r ‖ s ‖ v;
    ///         `topVkHash` is the top key the proof was made under (the attestation states it).
    struct Submission {
        uint64 epoch;
        bytes32 statementHash;
        bytes32 attestationHash;
        uint256 bookRoot;
        uint256 totalsCommitment;
        uint256 batchesDigest;
        uint256[8] proof;
        bytes signature;
        bytes32 topVkHash;
    }

    IInclusionVerifier public immutable inclusionVerifier;
    /// @notice Seconds between announcing new keys (or signer, or shape) and their activation.
    uint64 public immutable keyChangeDelay;

    mapping(address => Institution) internal registered;
    mapping(address => bytes32[]) internal circuitVkHashes;
    mapping(address => Pending) internal pending;
    mapping(address => bytes32[]) internal pendingVkHashes;
    mapping(address => mapping(uint64 => Attestation)) internal attestations;

    event InstitutionRegistered(
        address indexed institution,
        address signer,
        bytes32 shapeHash,
        address topVerifier,
        bytes32 topVkHash,
        bytes32 topVerifierCodeHash,
        bytes32[] circuitVkHashes
    );
    event KeysAnnounced(
        address indexed institution,
        address signer,
        bytes32 shapeHash,
        address topVerifier,
        bytes32 topVkHash,
        bytes32 topVerifierCodeHash,
        bytes32[] circuitVkHashes,
        uint64 activatesAt
    );
    event KeysActivated(
        address indexed institution,
        address signer,
        bytes32 shapeHash,
        address topVerifier,
        bytes32 topVkHash,
        bytes32[] circuitVkHashes
    );
    event KeysCancelled(address indexed institution, bytes32 topVkHash);
    event AttestationSubmitted(
        address indexed institution,
        uint64 indexed epoch,
        bytes32 attestationHash,
        bytes32 statementHash,
        uint256 bookRoot,
        uint256 totalsCommitment,
        uint256 batchesDigest
    );

    error ZeroDelay();
    error ZeroSigner();
    error VerifyingKeyMismatch();
    error AlreadyRegistered();
    error NotRegistered();
    error NotInstitution();
    error NothingPending();
    error TooEarly(uint64 activatesAt, uint64 now_);
    error KeyNotActive(bytes32 active, bytes32 given);
    error EpochNotAfterLatest(uint64 latest, uint64 given);
    error NotInField();
    error BadSignature();
    error WrongSigner(address recovered);
    error InvalidProof();

    constructor(IInclusionVerifier inclusion, uint64 delay) {
        if (delay == 0) revert ZeroDelay();
        inclusionVerifier = inclusion;
        keyChangeDelay = delay;
    }

    // ------------------------------------------------------------------ registration

    /// @dev The registry's one check that a verifier fits its key hash (see docs/evm.md).
    function _checked(address signer, bytes32 shapeHash, ITopVerifier topVerifier, bytes32 topVkHash)
        internal
        view
        returns (Keys memory)
    {
        if (signer == address(0)) revert ZeroSigner();
        bytes memory key = topVerifier.verifyingKey();
        if (key.length != TOP_VK_BYTES || sha256(key) != topVkHash) revert VerifyingKeyMismatch();
        return Keys(signer, shapeHash, topVerifier, topVkHash);
    }

    /// @notice Registers the caller as an institution, once; its keys are active at once.
    ///         Any later change goes through `announceKeys` and `activateKeys`.
    /// @param signer the address whose EIP-191 signatures attestations carry
    /// @param shapeHash sha256 of the canonical JSON of the book shape the keys are for
    /// @param topVerifier the generated verifier of the top-level circuit
    /// @param topVkHash the top circuit's vk_hash (sha256 of the canonical key encoding)
    /// @param vkHashes the vk hashes of all the institution's circuits (top included), for readers
    function register(
        address signer,
        bytes32 shapeHash,
        ITopVerifier topVerifier,
        bytes32 topVkHash,
        bytes32[] calldata vkHashes
    ) external {
        Institution storage inst = registered[msg.sender];
        if (inst.signer != address(0)) revert AlreadyRegistered();
        _activate(inst, _checked(signer, shapeHash, topVerifier, topVkHash));
        circuitVkHashes[msg.sender] = vkHashes;
        emit InstitutionRegistered(
            msg.sender, signer, shapeHash, address(topVerifier), topVkHash, address(topVerifier).codehash, vkHashes
        );
    }

    /// @notice Announces new keys (and signer and shape) for the caller; they become active
    ///         with `activateKeys` no earlier than `keyChangeDelay` seconds from now. A new
    ///         announcement replaces a pending one and restarts the clock.
    function announceKeys(
        address signer,
        bytes32 shapeHash,
        ITopVerifier topVerifier,
        bytes32 topVkHash,
        bytes32[] calldata vkHashes
    ) external {
        if (registered[msg.sender].signer == address(0)) revert NotRegistered();
        Keys memory keys = _checked(signer, shapeHash, topVerifier, topVkHash);
        uint64 activatesAt = uint64(block.timestamp) + keyChangeDelay;
        pending[msg.sender] = Pending(keys, activatesAt);
        pendingVkHashes[msg.sender] = vkHashes;
        emit KeysAnnounced(
            msg.sender,
            signer,
            shapeHash,
            address(topVerifier),
            topVkHash,
            address(topVerifier).codehash,
            vkHashes,
            activatesAt
        );
    }

    /// @notice Makes the caller's announced keys the active ones, once the delay has passed.
    function activateKeys() external {
        Pending storage p = pending[msg.sender];
        if (p.activatesAt == 0) revert NothingPending();
        if (block.timestamp < p.activatesAt) revert TooEarly(p.activatesAt, uint64(block.timestamp));
        Keys memory keys = p.keys;
        _activate(registered[msg.sender], keys);
        circuitVkHashes[msg.sender] = pendingVkHashes[msg.sender];
        delete pending[msg.sender];
        delete pendingVkHashes[msg.sender];
        emit KeysActivated(
            msg.sender, keys.signer, keys.shapeHash, address(keys.topVerifier), keys.topVkHash, circuitVkHashes[msg.sender]
        );
    }

    function _activate(Institution storage inst, Keys memory keys) internal {
        inst.signer = keys.signer;
        inst.shapeHash = keys.shapeHash;
        inst.topVerifier = keys.topVerifier;
        inst.topVkHash = keys.topVkHash;
    }

    /// @notice Withdraws the caller's announcement.
    function cancelKeys() external {
        Pending storage p = pending[msg.sender];
        if (p.activatesAt == 0) revert NothingPending();
        bytes32 topVkHash = p.keys.topVkHash;
        delete pending[msg.sender];
        delete pendingVkHashes[msg.sender];
        emit KeysCancelled(msg.sender, topVkHash);
    }

    /// @notice The active registration of `institution` and its attestation counter.
    function institutions(address institution)
        external
        view
        returns (
            address signer,
            uint64 latestEpoch,
            bool hasAttestation,
            address topVerifier,
            bytes32 topVkHash,
            bytes32 shapeHash
        )
    {
        Institution storage inst = registered[institution];
        return (
            inst.signer, inst.latestEpoch, inst.hasAttestation, address(inst.topVerifier), inst.topVkHash, inst.shapeHash
        );
    }

    function vkHashesOf(address institution) external view returns (bytes32[] memory) {
        return circuitVkHashes[institution];
    }

    /// @notice The announced, not yet active keys of `institution` (activatesAt 0: none).
    function pendingKeysOf(address institution) external view returns (Pending memory, bytes32[] memory) {
        return (pending[institution], pendingVkHashes[institution]);
    }

    // ------------------------------------------------------------------ submission

    /// @notice The `context` public input a proof for (statementHash, epoch, signer) must carry.
    function contextOf(bytes32 statementHash, uint64 epoch, address signer) public pure returns (uint256) {
        return uint256(keccak256(abi.encodePacked(statementHash, epoch, signer))) % R;
    }

    /// @notice Verifies and records one attestation. Only the institution itself or its signer
    ///         may submit (a proof alone does not show who made it; see docs/evm.md).
    function submit(address institution, Submission calldata s) external {
        Institution storage inst = registered[institution];
        address signer = inst.signer;
        if (signer == address(0)) revert NotRegistered();
        if (msg.sender != institution && msg.sender != signer) revert NotInstitution();
        if (s.topVkHash != inst.topVkHash) revert KeyNotActive(inst.topVkHash, s.topVkHash);
        if (inst.hasAttestation && s.epoch <= inst.latestEpoch) revert EpochNotAfterLatest(inst.latestEpoch, s.epoch);
        if (s.bookRoot >= R || s.totalsCommitment >= R || s.batchesDigest >= R) revert NotInField();
        if (s.attestationHash == bytes32(0)) revert BadSignature(); // zero marks "no attestation"

        address recovered = _recover(s.attestationHash, s.signature);
        if (recovered != signer) revert WrongSigner(recovered);

        uint256[4] memory input =
            [contextOf(s.statementHash, s.epoch, signer), s.bookRoot, s.totalsCommitment, s.batchesDigest];
        uint256[8] calldata p = s.proof;
        bool ok =
            inst.topVerifier.verifyProof([p[0], p[1]], [[p[2], p[3]], [p[4], p[5]]], [p[6], p[7]], input);
        if (!ok) revert InvalidProof();

        inst.latestEpoch = s.epoch;
        inst.hasAttestation = true;
        attestations[institution][s.epoch] = Attestation(s.bookRoot, s.totalsCommitment, s.attestationHash);
        emit AttestationSubmitted(
            institution, s.epoch, s.attestationHash, s.statementHash, s.bookRoot, s.totalsCommitment, s.batchesDigest
        );
    }

    function _recover(bytes32 attestationHash, bytes calldata sig) internal pure returns (address signer) {
        if (sig.length != 65) revert BadSignature();
        bytes32 r;
        bytes32 sv;
        uint8 v;
        assembly {
            r := calldataload(sig.offset)
            sv := calldataload(add(sig.offset, 0x20))
            v := byte(0, calldataload(add(sig.offset, 0x40)))
        }
        if (uint256(sv) > HALF_N || (v != 27 && v != 28)) revert BadSignature();
        bytes32 digest = keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", attestationHash));
        signer = ecrecover(digest, v, r, sv);
        if (signer == address(0)) revert BadSignature();
    }

    // ------------------------------------------------------------------ reading

    /// @notice The latest attestation of `institution` (reverts if it has none).
    function latest(address institution) external view returns (uint64 epoch, Attestation memory a) {
        Institution storage inst = registered[institution];
        if (!inst.hasAttestation) revert NotRegistered();
        epoch = inst.latestEpoch;
        a = attestations[institution][epoch];
    }

    /// @notice The attestation of `institution` for `epoch` (all zero if none).
    function attestationAt(address institution, uint64 epoch) external view returns (Attestation memory) {
        return attestations[institution][epoch];
    }

    /// @notice True iff `path` (levels and words as in SumTreeInclusion.verifyPath) leads from
    ///         `leafHash` to the book root stored for (institution, epoch). False if no
    ///         attestation is stored for that epoch, or the path is malformed.
    function verifyInclusion(
        address institution,
        uint64 epoch,
        uint256 leafHash,
        uint256 levels,
        uint256[] calldata path
    ) external view returns (bool) {
        Attestation storage a = attestations[institution][epoch];
        if (a.attestationHash == bytes32(0)) return false;
        return inclusionVerifier.verifyPath(a.bookRoot, leafHash, levels, path);
    }
}
