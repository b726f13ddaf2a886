"""Who calls, read from a verified token's claims: the role and provider claims are found by
path (``role``, Keycloak's ``realm_access.roles``, Entra's ``roles``) and the identity
provider's role names are mapped onto the system's roles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import jwt

AUDIENCE = "msa"


class Role(StrEnum):
    FRONT_DESK = "front-desk"
    CASEWORKER = "caseworker"
    PROVIDER = "provider"
    FINANCE = "finance"
    STATISTICIAN = "statistician"
    AUDITOR = "auditor"


@dataclass(frozen=True)
class Principal:
    """Who calls: subject, role, and for providers the provider id."""

    subject: str
    role: Role
    provider_id: str | None = None

    def owns(self, provider_id: str | None) -> bool:
        """A provider sees only what is assigned to it; office roles are not limited here."""
        return self.role is not Role.PROVIDER or self.provider_id == provider_id


def parse_role_map(text: str) -> dict[str, Role]:
    """``"msa-finance=finance,msa-audit=auditor"`` → ``{"msa-finance": Role.FINANCE, ...}``;
    an unknown role on the right-hand side raises ``ValueError`` (a typo fails at start-up)."""
    mapping: dict[str, Role] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        name, sep, role = (s.strip() for s in item.partition("="))
        if not sep or not name or not role:
            raise ValueError(f"role map entry {item!r} is not IDP-ROLE=ROLE")
        try:
            mapping[name] = Role(role)
        except ValueError:
            raise ValueError(f"role map entry {item!r}: {role!r} is not one of "
                             f"{[r.value for r in Role]}") from None  # fmt: skip
    return mapping


def claim_at(claims: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path (``realm_access.roles``), or ``None`` if any step is missing.
    A claim whose own name contains dots (Entra's URI-named claims) is found as a whole first."""
    if path in claims:
        return claims[path]
    value: Any = claims
    for step in path.split("."):
        if not isinstance(value, Mapping) or step not in value:
            return None
        value = value[step]
    return value


@dataclass(frozen=True)
class ClaimRules:
    """Where a token carries the role and the provider id, and what its role names mean.

    Without a role map the identity provider's role names are the system's own
    (``finance``, ...); with one, only the mapped names count. Names that map to no role are
    ignored (an IdP adds its own, e.g. ``offline_access``). Exactly one role must remain: a
    token mapping to none or to several roles is refused, never resolved by picking one."""

    role_claim: str = "role"
    provider_claim: str = "provider_id"
    role_map: Mapping[str, Role] = field(default_factory=dict)

    def principal(self, claims: Mapping[str, Any]) -> Principal:
        roles = self._roles(claim_at(claims, self.role_claim))
        if len(roles) != 1:
            found = "no known role" if not roles else f"several roles {sorted(roles)}"
            raise jwt.InvalidTokenError(f"{found} in claim {self.role_claim!r}")
        role = next(iter(roles))
        provider = claim_at(claims, self.provider_claim)
        if role is Role.PROVIDER and not (isinstance(provider, str) and provider):
            raise jwt.InvalidTokenError(f"a provider token must carry {self.provider_claim!r}")
        return Principal(str(claims["sub"]), role, provider if role is Role.PROVIDER else None)

    def _roles(self, value: Any) -> set[Role]:
        names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        found: set[Role] = set()
        for name in (n for n in names if isinstance(n, str)):
            role = self.role_map.get(name) if self.role_map else _own_role(name)
            if role is not None:
                found.add(role)
        return found


def _own_role(name: str) -> Role | None:
    try:
        return Role(name)
    except ValueError:
        return None
