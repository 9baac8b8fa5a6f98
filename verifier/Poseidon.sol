// SPDX-License-Identifier: Apache-2.0
pragma solidity >=0.8.24 <0.9.0;

/// @title Poseidon over BN254 Fr with circomlib's parameters, any width 2..17
/// @notice The permutation of docs/hashing.md (x^5, 8 full rounds, circomlib's partial-round
///         counts), run from constant tables that solvent generates from its own Python
///         Poseidon (solvent.evm.poseidon_gen) in the sparse-matrix form of the Poseidon
///         paper's appendix B. The tables live in up to four data contracts (code = one STOP
///         byte, then the table words), because a width-9 table alone exceeds EIP-170's
///         24,576-byte code limit; they are copied into memory once per external call.
abstract contract PoseidonBase {
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    uint256 public immutable WIDTH;
    uint256 public immutable PARTIAL_ROUNDS;
    address internal immutable TABLE0;
    address internal immutable TABLE1;
    address internal immutable TABLE2;
    address internal immutable TABLE3;

    error BadTables();

    /// @param width the Poseidon width t (inputs + 1)
    /// @param partialRounds circomlib's partial-round count for t
    /// @param tables the data contracts holding the tables, in order (1 to 4)
    constructor(uint256 width, uint256 partialRounds, address[] memory tables) {
        if (width < 2 || width > 17 || tables.length == 0 || tables.length > 4) revert BadTables();
        uint256 words = 8 * width + 2 * width * width + partialRounds * 2 * width;
        uint256 have;
        for (uint256 i = 0; i < tables.length; i++) {
            uint256 size = tables[i].code.length;
            if (size < 33 || (size - 1) % 32 != 0 || tables[i].code[0] != 0x00) revert BadTables();
            have += size - 1;
        }
        if (have != words * 32) revert BadTables();
        WIDTH = width;
        PARTIAL_ROUNDS = partialRounds;
        TABLE0 = tables[0];
        TABLE1 = tables.length > 1 ? tables[1] : address(0);
        TABLE2 = tables.length > 2 ? tables[2] : address(0);
        TABLE3 = tables.length > 3 ? tables[3] : address(0);
    }

    /// @dev Reserves WIDTH words for the state, then copies the tables into fresh memory after
    ///      it; returns where the tables start (the state is the WIDTH words just below).
    function _loadTables() internal view returns (uint256 tb) {
        uint256 stateBytes = WIDTH * 32;
        address t0 = TABLE0;
        address t1 = TABLE1;
        address t2 = TABLE2;
        address t3 = TABLE3;
        assembly ("memory-safe") {
            tb := add(mload(0x40), stateBytes)
            let off := tb
            let size := sub(extcodesize(t0), 1)
            extcodecopy(t0, off, 1, size)
            off := add(off, size)
            if t1 {
                size := sub(extcodesize(t1), 1)
                extcodecopy(t1, off, 1, size)
                off := add(off, size)
            }
            if t2 {
                size := sub(extcodesize(t2), 1)
                extcodecopy(t2, off, 1, size)
                off := add(off, size)
            }
            if t3 {
                size := sub(extcodesize(t3), 1)
                extcodecopy(t3, off, 1, size)
                off := add(off, size)
            }
            mstore(0x40, off)
        }
    }

    /// @dev Permutes the WIDTH words at memory `s` in place, with the tables at `tb`.
    ///      Uses WIDTH words of scratch memory above the free memory pointer.
    function _permute(uint256 tb, uint256 s) internal view virtual {
        uint256 t = WIDTH;
        uint256 rp = PARTIAL_ROUNDS;
        assembly ("memory-safe") {
            function sbox(x, r) -> y {
                let x2 := mulmod(x, x, r)
                y := mulmod(mulmod(x2, x2, r), x, r)
            }
            // add round constants c, apply x^5 to every word, multiply by the t×t matrix m
            function fullRound(s_, send, c, m, tmp, r) {
                for { let p := s_ } lt(p, send) { p := add(p, 0x20) } {
                    mstore(p, sbox(addmod(mload(p), mload(c), r), r))
                    c := add(c, 0x20)
                }
                let tmpEnd := add(tmp, sub(send, s_))
                for { let o := tmp } lt(o, tmpEnd) { o := add(o, 0x20) } {
                    let acc := 0
                    for { let p := s_ } lt(p, send) { p := add(p, 0x20) } {
                        acc := addmod(acc, mulmod(mload(m), mload(p), r), r)
                        m := add(m, 0x20)
                    }
                    mstore(o, acc)
                }
                mcopy(s_, tmp, sub(send, s_))
            }
            // partial rounds: scalar constant at kp, x^5 on s0, sparse matrix at sp (which
            // follows the constants); returns nothing, updates s in place
            function partialRounds(s_, send, kp, sp, r) {
                let s1 := add(s_, 0x20)
                for { let kEnd := sp } lt(kp, kEnd) { kp := add(kp, 0x20) } {
                    let x := sbox(addmod(mload(s_), mload(kp), r), r)
                    // new s0 = row · (x, s1..), then s_i += col_i · x
                    let acc := mulmod(mload(sp), x, r)
                    sp := add(sp, 0x20)
                    for { let p := s1 } lt(p, send) { p := add(p, 0x20) } {
                        acc := addmod(acc, mulmod(mload(sp), mload(p), r), r)
                        sp := add(sp, 0x20)
                    }
                    for { let p := s1 } lt(p, send) { p := add(p, 0x20) } {
                        mstore(p, addmod(mload(p), mulmod(mload(sp), x, r), r))
                        sp := add(sp, 0x20)
                    }
                    mstore(s_, acc)
                }
            }
            let r := R
            let tw := mul(t, 0x20)
            let send := add(s, tw)
            let tmp := mload(0x40)
            let mds := add(tb, mul(8, tw))
            fullRound(s, send, tb, mds, tmp, r)
            fullRound(s, send, add(tb, tw), mds, tmp, r)
            fullRound(s, send, add(tb, mul(2, tw)), mds, tmp, r)
            let kp := add(mds, mul(t, tw)) // the matrix of round 3 (M'_0 · MDS)
            fullRound(s, send, add(tb, mul(3, tw)), kp, tmp, r)
            kp := add(kp, mul(t, tw)) // the partial-round constants
            partialRounds(s, send, kp, add(kp, mul(rp, 0x20)), r)
            fullRound(s, send, add(tb, mul(4, tw)), mds, tmp, r)
            fullRound(s, send, add(tb, mul(5, tw)), mds, tmp, r)
            fullRound(s, send, add(tb, mul(6, tw)), mds, tmp, r)
            fullRound(s, send, add(tb, mul(7, tw)), mds, tmp, r)
        }
    }
}

/// @title Poseidon hash of WIDTH-1 field elements (circomlib's PoseidonEx with one output)
contract PoseidonHasher is PoseidonBase {
    error NotInField();
    error WrongLength();

    constructor(uint256 width, uint256 partialRounds, address[] memory tables)
        PoseidonBase(width, partialRounds, tables)
    {}

    /// @notice poseidon(inputs, init) of docs/hashing.md; inputs and init must be < r.
    function hash(uint256 init, uint256[] calldata inputs) external view returns (uint256 out) {
        uint256 t = WIDTH;
        if (inputs.length + 1 != t) revert WrongLength();
        if (init >= R) revert NotInField();
        uint256 tb = _loadTables();
        uint256 s = tb - t * 32;
        assembly ("memory-safe") {
            mstore(s, init)
        }
        for (uint256 i = 0; i < inputs.length; i++) {
            uint256 x = inputs[i];
            if (x >= R) revert NotInField();
            assembly ("memory-safe") {
                mstore(add(s, mul(add(i, 1), 0x20)), x)
            }
        }
        _permute(tb, s);
        assembly ("memory-safe") {
            out := mload(s)
        }
    }
}
