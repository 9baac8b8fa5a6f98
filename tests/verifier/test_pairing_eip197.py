"""The verifier's pairing product against the EVM precompile's test vectors.

Vectors: go-ethereum ``core/vm/testdata/precompiles/bn256Pairing.json``
(ethereum/go-ethereum), the reference data for the EIP-197 ``ecPairing``
precompile at address 0x08.  Each input is a sequence of 192-byte pairs
``(G1.x, G1.y, G2.x.c1, G2.x.c0, G2.y.c1, G2.y.c0)``, big-endian 32-byte words;
note EIP-197 writes the *imaginary* part of each Fq2 element first.  The
expected output is 1 when ``prod e(P_i, Q_i) == 1``.  Only the hex data is
used; each word is one 64-character string below.
"""

from __future__ import annotations

import pytest

from solvent.verifier.curve import check_g1, check_g2, g1_to_py, g2_to_py, pairing_product_is_one

G1_GEN = [
    "0000000000000000000000000000000000000000000000000000000000000001",
    "0000000000000000000000000000000000000000000000000000000000000002",
]
G2_GEN = [
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2",
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed",
    "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b",
    "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa",
]
G2_GEN_NEG = [  # same x, y negated
    "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2",
    "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed",
    "275dc4a288d1afb3cbb1ac09187524c7db36395df7be3b99e673b13a075a65ec",
    "1d9befcd05a5323e6da4d435f3b617cdb3af83285c2df711ef39c01571827f9d",
]

JEFF1_PAIR1 = [
    "1c76476f4def4bb94541d57ebba1193381ffa7aa76ada664dd31c16024c43f59",
    "3034dd2920f673e204fee2811c678745fc819b55d3e9d294e45c9b03a76aef41",
    "209dd15ebff5d46c4bd888e51a93cf99a7329636c63514396b4a452003a35bf7",
    "04bf11ca01483bfa8b34b43561848d28905960114c8ac04049af4b6315a41678",
    "2bb8324af6cfc93537a2ad1a445cfd0ca2a71acd7ac41fadbf933c2a51be344d",
    "120a2a4cf30c1bf9845f20c6fe39e07ea2cce61f0c9bb048165fe5e4de877550",
]
JEFF1_G1_2 = [
    "111e129f1cf1097710d41c4ac70fcdfa5ba2023c6ff1cbeac322de49d1b6df7c",
    "2032c61a830e3c17286de9462bf242fca2883585b93870a73853face6a6bf411",
]
JEFF6_G1_2 = [
    "111e129f1cf1097710d41c4ac70fcdfa5ba2023c6ff1cbeac322de49d1b6df7c",
    "103188585e2364128fe25c70558f1560f4f9350baf3959e603cc91486e110936",
]
JEFF2_PAIR1 = [
    "2eca0c7238bf16e83e7a1e6c5d49540685ff51380f309842a98561558019fc02",
    "03d3260361bb8451de5ff5ecd17f010ff22f5c31cdf184e9020b06fa5997db84",
    "1213d2149b006137fcfb23036606f848d638d576a120ca981b5b1a5f9300b3ee",
    "2276cf730cf493cd95d64677bbb75fc42db72513a4c1e387b476d056f80aa75f",
    "21ee6226d31426322afcda621464d0611d226783262e21bb3bc86b537e986237",
    "096df1f82dff337dd5972e32a8ad43e28a78a96a823ef1cd4debe12b6552ea5f",
]
JEFF2_G1_2 = [
    "06967a1237ebfeca9aaae0d6d0bab8e28c198c5a339ef8a2407e31cdac516db9",
    "22160fa257a5fd5b280642ff47b65eca77e626cb685c84fa6d3b6882a283ddd1",
]
JEFF3_PAIR1 = [
    "0f25929bcb43d5a57391564615c9e70a992b10eafa4db109709649cf48c50dd2",
    "16da2f5cb6be7a0aa72c440c53c9bbdfec6c36c7d515536431b3a865468acbba",
    "2e89718ad33c8bed92e210e81d1853435399a271913a6520736a4729cf0d51eb",
    "01a9e2ffa2e92599b68e44de5bcf354fa2642bd4f26b259daa6f7ce3ed57aeb3",
    "14a9a87b789a58af499b314e13c3d65bede56c07ea2d418d6874857b70763713",
    "178fb49a2d6cd347dc58973ff49613a20757d0fcc22079f9abd10c3baee24590",
]
JEFF3_G1_2 = [
    "1b9e027bd5cfc2cb5db82d4dc9677ac795ec500ecd47deee3b5da006d6d049b8",
    "11d7511c78158de484232fc68daf8a45cf217d1c2fae693ff5871e8752d73b21",
]
TPM4_PAIR1 = [
    "105456a333e6d636854f987ea7bb713dfd0ae8371a72aea313ae0c32c0bf1016",
    "0cf031d41b41557f3e7e3ba0c51bebe5da8e6ecd855ec50fc87efcdeac168bcc",
    "0476be093a6d2b4bbf907172049874af11e1b6267606e00804d3ff0037ec57fd",
    "3010c68cb50161b7d1d96bb71edfec9880171954e56871abf3d93cc94d745fa1",
    "14c059d74e5b6c4ec14ae5864ebe23a71781d86c29fb8fb6cce94f70d3de7a21",
    "01b33461f39d9e887dbb100f170a2345dde3c07e256d1dfa2b657ba5cd030427",
]
TPM4_G2_2 = [
    "1a2c3013d2ea92e13c800cde68ef56a294b883f6ac35d25f587c09b1b3c635f7",
    "290158a80cd3d66530f74dc94c94adb88f5cdb481acca997b6e60071f08a115f",
    "2f997f3dbd66a7afe07fe7862ce239edba9e05c5afff7f8a1259c9733b2dfbb9",
    "29d1691530ca701b4a106054688728c9972c8512e9789e9567aae23e302ccd75",
]

# name -> (words of the input, expected precompile output)
VECTORS: dict[str, tuple[list[str], bool]] = {
    "jeff1": (JEFF1_PAIR1 + JEFF1_G1_2 + G2_GEN, True),
    "jeff2": (JEFF2_PAIR1 + JEFF2_G1_2 + G2_GEN, True),
    "jeff3": (JEFF3_PAIR1 + JEFF3_G1_2 + G2_GEN, True),
    "jeff6": (JEFF1_PAIR1 + JEFF6_G1_2 + G2_GEN, False),
    "one_point": (G1_GEN + G2_GEN, False),
    "two_point_match_2": (G1_GEN + G2_GEN + G1_GEN + G2_GEN_NEG, True),
    "two_point_match_4": (TPM4_PAIR1 + G1_GEN + TPM4_G2_2, True),
}


def _decode(words: list[str]) -> list[tuple[object, object]]:
    assert len(words) % 6 == 0
    ints = [int(w, 16) for w in words]
    pairs = []
    for i in range(0, len(ints), 6):
        x, y, x_im, x_re, y_im, y_re = ints[i : i + 6]
        # run the verifier's own validation first, as verify does
        p = check_g1((x, y), f"pair{i // 6}.g1")
        q = check_g2(((x_re, x_im), (y_re, y_im)), f"pair{i // 6}.g2")
        pairs.append((g1_to_py(p), g2_to_py(q)))
    return pairs


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_eip197_vector(name: str) -> None:
    words, expected = VECTORS[name]
    assert all(len(w) == 64 for w in words)
    assert pairing_product_is_one(_decode(words)) is expected


def test_empty_product_is_one() -> None:
    # go-ethereum "empty_data": an empty input returns 1
    assert pairing_product_is_one([]) is True
