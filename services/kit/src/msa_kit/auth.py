"""Bearer-token access for every HTTP API: JWTs signed by a configured issuer, carrying a
role (and a provider id for providers). Endpoints name the roles they admit.

Two verifiers share one interface (``verify(token) -> Principal``, on ``app.state.verifier``):
``Verifier`` checks PEM public keys read at start-up (local runs, tests, Compose);
``msa_kit.oidc.OidcVerifier`` checks the keys an OIDC provider publishes as a JWKS."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Protocol

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from msa_kit.principal import AUDIENCE, ClaimRules, Principal, Role

__all__ = [
    "ALGORITHMS", "AUDIENCE", "REQUIRED_CLAIMS", "ClaimRules", "IssuerUnavailable",
    "Principal", "Role", "TokenVerifier", "Verifier", "issue_token", "require",
]  # fmt: skip

ALGORITHMS = ["ES256"]
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]


class IssuerUnavailable(Exception):
    """The token issuer's keys cannot be had (identity provider unreachable or answering
    nonsense): the token can be neither accepted nor called invalid."""


class TokenVerifier(Protocol):
    def verify(self, token: str) -> Principal:
        """The caller of a valid token; raises ``jwt.PyJWTError`` for a bad token and
        ``IssuerUnavailable`` when the issuer's keys cannot be fetched."""
        ...


@dataclass(frozen=True)
class Verifier:
    """Verifies tokens against the issuer's public keys (PEM), any of which may sign."""

    issuer: str
    public_keys: tuple[str, ...]
    audience: str = AUDIENCE
    leeway_s: float = 0.0
    claims: ClaimRules = field(default_factory=ClaimRules)

    @classmethod
    def from_files(cls, issuer: str, paths: Iterable[Path], **options: Any) -> Verifier:
        return cls(issuer, tuple(p.read_text() for p in paths), **options)

    def verify(self, token: str) -> Principal:
        last: Exception = jwt.InvalidTokenError("no key configured")
        for key in self.public_keys:
            try:
                claims = jwt.decode(
                    token, key, algorithms=ALGORITHMS, audience=self.audience,
                    issuer=self.issuer, leeway=self.leeway_s,
                    options={"require": REQUIRED_CLAIMS},
                )  # fmt: skip
            except jwt.InvalidSignatureError as exc:
                last = exc
                continue
            return self.claims.principal(claims)
        raise last


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
    """FastAPI dependency: the caller's principal, if its token is valid and its role admitted.

    The dependency is a plain function on purpose: FastAPI runs it in its thread pool, so a
    verifier fetching an identity provider's keys never blocks the event loop."""

    def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        verifier: TokenVerifier = request.app.state.verifier
        if credentials is None:
            raise _problem(401, "missing-token", "Bitte 'Authorization: Bearer <Token>' mitsenden")
        try:
            principal = verifier.verify(credentials.credentials)
        except jwt.ExpiredSignatureError as exc:
            raise _problem(401, "token-expired", "Das Token ist abgelaufen") from exc
        except jwt.PyJWTError as exc:
            raise _problem(401, "invalid-token", f"Das Token ist ungültig: {exc}") from exc
        except IssuerUnavailable as exc:  # logged by the verifier, once per failed fetch
            raise _problem(
                401, "issuer-unavailable",
                "Der Aussteller des Tokens ist nicht erreichbar; bitte später erneut versuchen",
            ) from exc  # fmt: skip
        request.state.principal = principal  # the access log names the caller's role
        if principal.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise _problem(403, "role-not-allowed", f"Zugelassene Rollen: {allowed}")
        return principal

    return dependency
