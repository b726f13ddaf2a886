"""Bearer-token access for every HTTP API: JWTs signed by a configured issuer, carrying a
role (and a provider id for providers). Endpoints name the roles they admit."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

AUDIENCE = "msa"
ALGORITHMS = ["ES256"]


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


@dataclass(frozen=True)
class Verifier:
    """Verifies tokens against the issuer's public keys (PEM), any of which may sign."""

    issuer: str
    public_keys: tuple[str, ...]

    @classmethod
    def from_files(cls, issuer: str, paths: Iterable[Path]) -> Verifier:
        return cls(issuer, tuple(p.read_text() for p in paths))

    def verify(self, token: str) -> Principal:
        last: Exception = jwt.InvalidTokenError("no key configured")
        for key in self.public_keys:
            try:
                claims = jwt.decode(
                    token, key, algorithms=ALGORITHMS, audience=AUDIENCE, issuer=self.issuer,
                    options={"require": ["exp", "iat", "iss", "aud", "sub", "role"]},
                )  # fmt: skip
            except jwt.InvalidSignatureError as exc:
                last = exc
                continue
            return _principal(claims)
        raise last


def _principal(claims: dict[str, Any]) -> Principal:
    try:
        role = Role(claims["role"])
    except ValueError as exc:
        raise jwt.InvalidTokenError(f"unknown role {claims['role']!r}") from exc
    provider = claims.get("provider_id")
    if role is Role.PROVIDER and not isinstance(provider, str):
        raise jwt.InvalidTokenError("a provider token must carry provider_id")
    return Principal(str(claims["sub"]), role, provider if role is Role.PROVIDER else None)


def issue_token(
    private_key_pem: str,
    *,
    issuer: str,
    subject: str,
    role: Role,
    now: datetime,
    provider_id: str | None = None,
    ttl: timedelta = timedelta(hours=8),
) -> str:
    """Sign a token (the CLI uses this for local runs; production uses the city's IdP)."""
    claims: dict[str, Any] = {
        "iss": issuer, "sub": subject, "aud": AUDIENCE, "role": role.value,
        "iat": int(now.timestamp()), "exp": int((now + ttl).timestamp()),
    }  # fmt: skip
    if provider_id:
        claims["provider_id"] = provider_id
    return jwt.encode(claims, private_key_pem, algorithm="ES256")


_bearer = HTTPBearer(auto_error=False)


def _problem(code: int, reason: str, message: str) -> HTTPException:
    headers = {"WWW-Authenticate": "Bearer"} if code == status.HTTP_401_UNAUTHORIZED else None
    return HTTPException(code, detail={"code": reason, "message": message}, headers=headers)


def require(*roles: Role) -> Callable[..., Principal]:
    """FastAPI dependency: the caller's principal, if its token is valid and its role admitted."""

    def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        verifier: Verifier = request.app.state.verifier
        if credentials is None:
            raise _problem(401, "missing-token", "Bitte 'Authorization: Bearer <Token>' mitsenden")
        try:
            principal = verifier.verify(credentials.credentials)
        except jwt.ExpiredSignatureError as exc:
            raise _problem(401, "token-expired", "Das Token ist abgelaufen") from exc
        except jwt.InvalidTokenError as exc:
            raise _problem(401, "invalid-token", f"Das Token ist ungültig: {exc}") from exc
        if principal.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise _problem(403, "role-not-allowed", f"Zugelassene Rollen: {allowed}")
        return principal

    return dependency
