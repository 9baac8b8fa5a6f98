"""The BN254 scalar field: the one number system every circuit value lives in."""

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
"""Order of the BN254 scalar field Fr (and of the G1/G2 groups)."""


def fr(x: int) -> int:
    """``x`` reduced modulo ``R`` (for coefficients; inputs are rejected, not reduced)."""
    return x % R


def inv(x: int) -> int:
    if x % R == 0:
        raise ZeroDivisionError("0 has no inverse in Fr")
    return pow(x, R - 2, R)


def to_signed(x: int) -> int:
    """The representative in (-R/2, R/2]: how a field element reads as a signed value."""
    x %= R
    return x - R if x > R // 2 else x
