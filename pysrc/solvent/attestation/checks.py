"""The report of a verification: every check by name, the warnings (caveats), the
holdings' evidence, the key-trust decisions and the verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import trust


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""

VERDICT_VALID, VERDICT_VALID_UNTRUSTED, VERDICT_UNTRUSTED, VERDICT_INVALID = (
    "VALID", "VALID — UNTRUSTED KEYS", "NOT VALID — UNTRUSTED KEYS", "INVALID")

@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    holdings: list[dict[str, Any]] = field(default_factory=list)
    """Per reserve holding: what backs its balance and what was checked (``evidence``)."""
    keys: list[trust.KeyTrust] = field(default_factory=list)
    """Per circuit: whether its key is trusted, on which evidence (or why not)."""
    allow_insecure_keys: bool = False
    """The caller accepts untrusted keys (tests, the demo): the verdict then says so."""

    @property
    def checks_ok(self) -> bool:
        """Every check passed (what the proofs show, *if* their keys are sound)."""
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def keys_trusted(self) -> bool:
        return trust.all_trusted(self.keys)

    @property
    def valid(self) -> bool:
        return self.checks_ok and (self.keys_trusted or self.allow_insecure_keys)

    @property
    def verdict(self) -> str:
        if not self.checks_ok:
            return VERDICT_INVALID
        if self.keys_trusted:
            return VERDICT_VALID
        return VERDICT_VALID_UNTRUSTED if self.allow_insecure_keys else VERDICT_UNTRUSTED

    def untrusted(self) -> list[trust.KeyTrust]:
        return [k for k in self.keys if not k.trusted]

    def add(self, name: str, ok: bool, detail: str = "", fail: str | None = None) -> bool:
        """Record a check. ``detail`` says what was shown; when the check fails, ``fail``
        (if given) replaces it, so that a failed check never prints its success text.
        Without ``fail`` the detail must read true either way (a neutral observation)."""
        self.checks.append(Check(name, ok, detail if ok or fail is None else fail))
        return ok

    def merge(self, other: Report) -> None:
        """Take ``other``'s checks, warnings and key decisions (a customer's check embeds the
        attestation's)."""
        self.checks.extend(other.checks)
        self.warnings.extend(other.warnings)
        self.holdings.extend(other.holdings)
        self.keys.extend(other.keys)
        self.allow_insecure_keys = self.allow_insecure_keys or other.allow_insecure_keys

    def to_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "verdict": self.verdict, "keys_trusted": self.keys_trusted,
                "allow_insecure_keys": self.allow_insecure_keys, "warnings": self.warnings,
                "holdings": self.holdings, "keys": [k.to_dict() for k in self.keys],
                "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks]}
