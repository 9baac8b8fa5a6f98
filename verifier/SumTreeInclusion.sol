// SPDX-License-Identifier: Apache-2.0
pragma solidity >=0.8.24 <0.9.0;

/// @title Inclusion of a leaf in solvent's committed account book (verifier/book.py)
/// @notice A node with `a` children (2 <= a <= 8: 8 on most levels; formulas/book.py arities) hashes
///             poseidon([child_0, ..., child_{a-1}, C], init = domain("solvent.node.v1", a + 1))
///         with Poseidon of width a + 2, where C is the node's own sum commitment. A path
///         runs from a leaf to its batch root and on through the top tree to the book root
///         (one path: the top tree's leaves are the batch roots).
///
///         Encoding (docs/evm.md): `levels` holds one byte per level, bottom level in the
///         least significant byte: high nibble = arity (2 to 8), low nibble = the position
///         of the current node among its siblings; the first zero byte ends the path. `path`
///         holds, per level in the same order, `arity` words: the node's preimage without the
///         domain and without the current child, i.e. the siblings' hashes in child order
///         followed by the parent's sum commitment C.
///
///         Caller-supplied arities are sound: the arity fixes the Poseidon width and is in
///         the node domain, so claiming another arity than the tree's means finding a node
///         of another width that hashes to the same value, a Poseidon collision.
/// @dev The permutations and the memory placement of their constant tables are generated
///      (solvent.evm.inclusion_gen): the state sits at STATE, right after Solidity's
///      reserved slots, and the tables at fixed addresses after it.
abstract contract SumTreeInclusion {
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @dev domain("solvent.node.v1", 0) of docs/hashing.md; a node of arity a adds a + 1.
    uint256 internal constant NODE_DOMAIN = uint256(uint120(bytes15("solvent.node.v1"))) << 16;
    /// @dev Where the node preimage [domain, children..., C] is built and permuted.
    uint256 internal constant STATE = 0x80;

    error BadTables();

    /// @notice True iff `path` leads from `leafHash` to `root` (encoding above). Returns false,
    ///         never reverts, for a malformed path: no level, an arity not in 2..8, a
    ///         position >= its arity, a path length other than the sum of the arities, or a
    ///         word, the leaf or the root >= r.
    function verifyPath(uint256 root, uint256 leafHash, uint256 levels, uint256[] calldata path)
        external
        view
        returns (bool)
    {
        if (root >= R || leafHash >= R) return false;
        uint256 used = _arities(levels, path.length);
        if (used == 0 || !_inField(path)) return false;
        _loadTables(used);
        uint256 h = leafHash;
        uint256 src;
        assembly ("memory-safe") {
            src := path.offset
        }
        for (; levels != 0; levels >>= 8) {
            uint256 a = (levels >> 4) & 0xf;
            uint256 pos = levels & 0xf;
            uint256 domain = NODE_DOMAIN + a + 1;
            assembly ("memory-safe") {
                mstore(STATE, domain)
                let before := mul(pos, 0x20)
                calldatacopy(add(STATE, 0x20), src, before)
                mstore(add(add(STATE, 0x20), before), h)
                // the siblings after the current node, then C
                calldatacopy(add(add(STATE, 0x40), before), add(src, before), sub(mul(a, 0x20), before))
                src := add(src, mul(a, 0x20))
            }
            _permute(a);
            assembly ("memory-safe") {
                h := mload(STATE)
            }
        }
        return h == root;
    }

    /// @dev The arities used by a well-formed path, as a set (bit a set for arity a); 0 if malformed.
    function _arities(uint256 levels, uint256 words) internal pure returns (uint256 used) {
        uint256 total;
        for (; levels != 0; levels >>= 8) {
            uint256 a = (levels >> 4) & 0xf;
            if (a < 2 || a > 8 || levels & 0xf >= a) return 0;
            used |= 1 << a;
            total += a;
        }
        if (total != words) return 0;
    }

    function _inField(uint256[] calldata path) internal pure returns (bool ok) {
        assembly ("memory-safe") {
            ok := 1
            let end := add(path.offset, mul(path.length, 0x20))
            for { let p := path.offset } lt(p, end) { p := add(p, 0x20) } {
                if iszero(lt(calldataload(p), R)) {
                    ok := 0
                    break
                }
            }
        }
    }

    /// @dev Copies the tables of the widths `used` needs (bits as in _arities) to their fixed
    ///      addresses and moves the free memory pointer past them.
    function _loadTables(uint256 used) internal view virtual;

    /// @dev Permutes the state at STATE (width arity + 2) in place.
    function _permute(uint256 arity) internal pure virtual;
}
