"""INSECURE test oracle: a tiny Groth16 setup and prover in pure Python.

!!! Never use this outside tests. !!!  The "toxic waste" (tau, alpha, beta,
gamma, delta) comes from a seeded ``random.Random`` and is kept in memory; the
prover evaluates polynomials at tau directly instead of using a proving key.
Its only purpose is to produce *valid* Groth16 proofs over BN254 for tiny R1CS
circuits so the independent verifier can be tested without the Rust prover.

It shares no code with ``solvent.verifier`` on purpose (it writes snarkjs JSON
itself), so a serialization bug on either side shows up as a failing test.

Construction (Groth 2016, section 3.2), with a QAP built by Lagrange
interpolation over the evaluation domain {1, 2, ..., n}:

* for every constraint j and variable k, ``u_k(j) = A_j[k]``, ``v_k(j) = B_j[k]``,
  ``w_k(j) = C_j[k]``; ``t(X) = prod_j (X - j)``;
* every public variable (and the constant 1) also gets an extra row
  ``x_k * 0 = 0`` so the ``u_k`` of the public inputs are linearly independent
  (the usual input-consistency rows), hence no ``IC`` point is the identity;
* verifying key: ``alpha G1, beta G2, gamma G2, delta G2`` and
  ``IC_k = ((beta u_k + alpha v_k + w_k)(tau) / gamma) G1`` for public k;
* proof with randomness r, s:
  ``A = (alpha + sum a_k u_k(tau) + r delta) G1``,
  ``B = (beta + sum a_k v_k(tau) + s delta) G2``,
  ``C = ((sum_{private k} a_k (beta u_k + alpha v_k + w_k)(tau) + h(tau) t(tau)) / delta
        + s A + r B - r s delta) G1``,
  where ``h = (A(X) B(X) - C(X)) / t(X)`` is computed by exact polynomial
  division; a witness that does not satisfy the R1CS leaves a remainder and
  the oracle refuses to prove.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from py_ecc.fields import optimized_bn128_FQ2 as FQ2
from py_ecc.optimized_bn128 import G1, G2, b2, curve_order, field_modulus, multiply, normalize

R = curve_order
Q = field_modulus

LinComb = dict[int, int]  # variable index -> coefficient
Poly = list[int]  # coefficients, lowest degree first, mod R


@dataclass(frozen=True)
class R1CS:
    """Constraints ``<A_j, w> * <B_j, w> = <C_j, w>`` over witness w.

    ``w[0] = 1``; ``w[1..n_public]`` are the public inputs.
    """

    n_vars: int
    n_public: int
    constraints: tuple[tuple[LinComb, LinComb, LinComb], ...]

    def is_satisfied(self, w: list[int]) -> bool:
        def dot(lc: LinComb) -> int:
            return sum(c * w[k] for k, c in lc.items()) % R

        return all(dot(a) * dot(b) % R == dot(c) for a, b, c in self.constraints)


def cubic_circuit() -> R1CS:
    """``x^3 + x + 5 = y`` with y public: w = [1, y, x, x^2, x^3]."""
    return R1CS(
        n_vars=5,
        n_public=1,
        constraints=(
            ({2: 1}, {2: 1}, {3: 1}),
            ({3: 1}, {2: 1}, {4: 1}),
            ({4: 1, 2: 1, 0: 5}, {0: 1}, {1: 1}),
        ),
    )


def cubic_witness(x: int) -> list[int]:
    y = (x**3 + x + 5) % R
    return [1, y, x % R, x * x % R, x**3 % R]


def three_input_circuit() -> R1CS:
    """Public a, b, c; private x, y: ``x*y = a``, ``x + y = b``, ``(a + b)*x = c``."""
    return R1CS(
        n_vars=6,
        n_public=3,
        constraints=(
            ({4: 1}, {5: 1}, {1: 1}),
            ({4: 1, 5: 1}, {0: 1}, {2: 1}),
            ({1: 1, 2: 1}, {4: 1}, {3: 1}),
        ),
    )


def three_input_witness(x: int, y: int) -> list[int]:
    a, b = x * y % R, (x + y) % R
    return [1, a, b, (a + b) * x % R, x % R, y % R]


# ---------------------------------------------------------------- polynomials


def _trim(p: Poly) -> Poly:
    while p and p[-1] == 0:
        p.pop()
    return p


def poly_add(p: Poly, q: Poly) -> Poly:
    n = max(len(p), len(q))
    return _trim([((p[i] if i < len(p) else 0) + (q[i] if i < len(q) else 0)) % R for i in range(n)])


def poly_sub(p: Poly, q: Poly) -> Poly:
    return poly_add(p, [(-c) % R for c in q])


def poly_mul(p: Poly, q: Poly) -> Poly:
    if not p or not q:
        return []
    out = [0] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        for j, b in enumerate(q):
            out[i + j] = (out[i + j] + a * b) % R
    return _trim(out)


def poly_scale(p: Poly, k: int) -> Poly:
    return _trim([c * k % R for c in p])


def poly_eval(p: Poly, x: int) -> int:
    acc = 0
    for c in reversed(p):
        acc = (acc * x + c) % R
    return acc


def poly_divmod(p: Poly, d: Poly) -> tuple[Poly, Poly]:
    """Long division by a non-zero polynomial d."""
    p = list(p)
    inv_lead = pow(d[-1], R - 2, R)
    quot = [0] * max(len(p) - len(d) + 1, 0)
    for i in range(len(p) - len(d), -1, -1):
        coef = p[i + len(d) - 1] * inv_lead % R
        quot[i] = coef
        for j, c in enumerate(d):
            p[i + j] = (p[i + j] - coef * c) % R
    return _trim(quot), _trim(p)


def lagrange_basis(domain: list[int]) -> list[Poly]:
    """L_j with L_j(domain[i]) = [i == j]."""
    basis = []
    for j, xj in enumerate(domain):
        num: Poly = [1]
        den = 1
        for i, xi in enumerate(domain):
            if i != j:
                num = poly_mul(num, [(-xi) % R, 1])
                den = den * (xj - xi) % R
        basis.append(poly_scale(num, pow(den, R - 2, R)))
    return basis


# ---------------------------------------------------------------- setup / prove


@dataclass
class ToyKeys:
    r1cs: R1CS
    rows: list[tuple[LinComb, LinComb, LinComb]]  # constraints + input-consistency rows
    basis: list[Poly]
    target: Poly  # t(X)
    tau: int
    alpha: int
    beta: int
    gamma: int
    delta: int
    vk_json: dict[str, Any]

    def var_eval(self, k: int) -> tuple[int, int, int]:
        """(u_k(tau), v_k(tau), w_k(tau))."""
        lj = [poly_eval(L, self.tau) for L in self.basis]
        u = sum(row[0].get(k, 0) * l for row, l in zip(self.rows, lj, strict=True)) % R
        v = sum(row[1].get(k, 0) * l for row, l in zip(self.rows, lj, strict=True)) % R
        w = sum(row[2].get(k, 0) * l for row, l in zip(self.rows, lj, strict=True)) % R
        return u, v, w


def g1_json(p: Any) -> list[str]:
    x, y = normalize(p)
    return [str(x.n), str(y.n), "1"]


def g2_json(p: Any) -> list[list[str]]:
    x, y = normalize(p)
    return [
        [str(x.coeffs[0]), str(x.coeffs[1])],
        [str(y.coeffs[0]), str(y.coeffs[1])],
        ["1", "0"],
    ]


def setup(r1cs: R1CS, seed: int) -> ToyKeys:
    rng = random.Random(seed)
    tau, alpha, beta, gamma, delta = (rng.randrange(1, R) for _ in range(5))
    rows = list(r1cs.constraints) + [({k: 1}, {}, {}) for k in range(r1cs.n_public + 1)]
    domain = list(range(1, len(rows) + 1))
    target: Poly = [1]
    for x in domain:
        target = poly_mul(target, [(-x) % R, 1])
    keys = ToyKeys(r1cs, rows, lagrange_basis(domain), target, tau, alpha, beta, gamma, delta, {})
    inv_gamma = pow(gamma, R - 2, R)
    ic = []
    for k in range(r1cs.n_public + 1):
        u, v, w = keys.var_eval(k)
        ic.append(g1_json(multiply(G1, (beta * u + alpha * v + w) * inv_gamma % R)))
    keys.vk_json = {
        "protocol": "groth16",
        "curve": "bn128",
        "nPublic": r1cs.n_public,
        "vk_alpha_1": g1_json(multiply(G1, alpha)),
        "vk_beta_2": g2_json(multiply(G2, beta)),
        "vk_gamma_2": g2_json(multiply(G2, gamma)),
        "vk_delta_2": g2_json(multiply(G2, delta)),
        "IC": ic,
    }
    return keys


def prove(keys: ToyKeys, witness: list[int], seed: int) -> tuple[dict[str, Any], list[str]]:
    """Return (proof.json dict, public.json list) for a satisfying witness."""
    r1cs = keys.r1cs
    if len(witness) != r1cs.n_vars or witness[0] != 1:
        raise ValueError("witness has the wrong length or w[0] != 1")

    def combined(col: int) -> Poly:
        # interpolate the per-row values <row[col], w>
        acc: Poly = []
        for row, L in zip(keys.rows, keys.basis, strict=True):
            val = sum(c * witness[k] for k, c in row[col].items()) % R
            acc = poly_add(acc, poly_scale(L, val))
        return acc

    pa, pb, pc = combined(0), combined(1), combined(2)
    h, rem = poly_divmod(poly_sub(poly_mul(pa, pb), pc), keys.target)
    if rem:
        raise ValueError("witness does not satisfy the R1CS")
    rng = random.Random(seed)
    r, s = rng.randrange(R), rng.randrange(R)
    tau, alpha, beta, delta = keys.tau, keys.alpha, keys.beta, keys.delta
    a_s = (alpha + poly_eval(pa, tau) + r * delta) % R
    b_s = (beta + poly_eval(pb, tau) + s * delta) % R
    private = 0
    for k in range(r1cs.n_public + 1, r1cs.n_vars):
        u, v, w = keys.var_eval(k)
        private += witness[k] * (beta * u + alpha * v + w)
    ht = poly_eval(h, tau) * poly_eval(keys.target, tau)
    c_s = ((private + ht) * pow(delta, R - 2, R) + s * a_s + r * b_s - r * s * delta) % R
    proof = {
        "pi_a": g1_json(multiply(G1, a_s)),
        "pi_b": g2_json(multiply(G2, b_s)),
        "pi_c": g1_json(multiply(G1, c_s)),
        "protocol": "groth16",
        "curve": "bn128",
    }
    public = [str(witness[k]) for k in range(1, r1cs.n_public + 1)]
    return proof, public


# ---------------------------------------------------------------- bad points


def _fq_sqrt(a: int) -> int | None:
    a %= Q
    root = pow(a, (Q + 1) // 4, Q)  # Q = 3 mod 4
    return root if root * root % Q == a else None


def fq2_sqrt(a: FQ2) -> FQ2 | None:
    """Square root in Fq2 = Fq[u]/(u^2 + 1) by the norm method, or None."""
    a0, a1 = (int(c) for c in a.coeffs)
    if a1 == 0:
        r0 = _fq_sqrt(a0)
        if r0 is not None:
            return FQ2([r0, 0])
        r1 = _fq_sqrt(-a0)  # sqrt(a0) = r1 * u when -a0 is a square
        return FQ2([0, r1]) if r1 is not None else None
    n = _fq_sqrt(a0 * a0 + a1 * a1)
    if n is None:
        return None
    inv2 = pow(2, Q - 2, Q)
    for cand in ((a0 + n) * inv2, (a0 - n) * inv2):
        x0 = _fq_sqrt(cand)
        if x0:
            x1 = a1 * pow(2 * x0, Q - 2, Q) % Q
            root = FQ2([x0, x1])
            if root * root == a:
                return root
    return None


def twist_point_outside_subgroup(seed: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """An affine point on the G2 twist curve, *not* cleared by the cofactor.

    Solves y^2 = x^3 + b2 for random x; such a point lies in the r-torsion
    subgroup only with probability about 1/cofactor (~2^-254), which the
    caller re-checks with [r]P != O.
    """
    rng = random.Random(seed)
    while True:
        x = FQ2([rng.randrange(Q), rng.randrange(Q)])
        y = fq2_sqrt(x * x * x + b2)
        if y is not None:
            return (
                (int(x.coeffs[0]), int(x.coeffs[1])),
                (int(y.coeffs[0]), int(y.coeffs[1])),
            )


# ---------------------------------------------------------------- JSON point helpers


def square_circuit() -> R1CS:
    """``x * x = y`` with y public: w = [1, y, x] (a second 1-input circuit)."""
    return R1CS(n_vars=3, n_public=1, constraints=(({2: 1}, {2: 1}, {1: 1}),))


def g1_from_json(v: list[str]) -> Any:
    from py_ecc.fields import optimized_bn128_FQ as FQ

    return (FQ(int(v[0])), FQ(int(v[1])), FQ(int(v[2])))


def g2_from_json(v: list[list[str]]) -> Any:
    return tuple(FQ2([int(c) for c in coord]) for coord in v)


def g1_add_json(v: list[str], k: int) -> list[str]:
    """``v + k*G1`` as snarkjs JSON (k may be negative)."""
    from py_ecc.optimized_bn128 import add

    return g1_json(add(g1_from_json(v), multiply(G1, k % R)))


def g2_add_json(v: list[list[str]], k: int) -> list[list[str]]:
    """``v + k*G2`` as snarkjs JSON."""
    from py_ecc.optimized_bn128 import add

    return g2_json(add(g2_from_json(v), multiply(G2, k % R)))


def g2_affine_json(p: tuple[tuple[int, int], tuple[int, int]]) -> list[list[str]]:
    (x0, x1), (y0, y1) = p
    return [[str(x0), str(x1)], [str(y0), str(y1)], ["1", "0"]]


def g1_affine_json(p: tuple[int, int]) -> list[str]:
    return [str(p[0]), str(p[1]), "1"]


def g1_json_to_affine(v: list[str]) -> tuple[int, int]:
    assert v[2] == "1"
    return (int(v[0]), int(v[1]))
