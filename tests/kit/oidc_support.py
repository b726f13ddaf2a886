"""An API secured like the services' (``require`` and the house problem answers) in front of
an OIDC verifier, and the calls the OIDC tests make to it."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI
from msa_kit.auth import Principal, Role, require
from msa_kit.oidc import OidcOptions, OidcVerifier
from msa_kit.principal import ClaimRules
from msa_kit.problems import install_problem_handlers

ALL_ROLES = tuple(Role)


def verifier(issuer: str, claims: ClaimRules | None = None, **options: Any) -> OidcVerifier:
    """A verifier of the test provider: refreshes not throttled, short bounds."""
    chosen = {"refresh_cooldown_s": 0.0, "timeout_s": 1.0, "retry_after_s": 0.0} | options
    return OidcVerifier(issuer, OidcOptions(claims=claims or ClaimRules(), **chosen))


def secured_app(token_verifier: OidcVerifier) -> FastAPI:
    api = FastAPI()
    api.state.verifier = token_verifier
    install_problem_handlers(api)

    @api.get("/me")
    async def me(caller: Annotated[Principal, Depends(require(*ALL_ROLES))]) -> dict[str, Any]:
        return {"sub": caller.subject, "role": caller.role.value, "provider": caller.provider_id}

    return api


async def call(api: FastAPI, token: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=api)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        return await client.get("/me", headers={"Authorization": f"Bearer {token}"})


def assert_refused(answer: httpx.Response, *codes: str) -> None:
    """A 401 in the house problem form, with a Bearer challenge."""
    assert answer.status_code == 401, answer.text
    assert answer.headers["www-authenticate"] == "Bearer"
    body = answer.json()
    assert set(body) == {"code", "message", "details"}, body
    assert body["code"] in (codes or ("invalid-token",)), body
