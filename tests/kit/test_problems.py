"""Error answers in the house format: {"code", "message", "details"}."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import Depends, FastAPI, HTTPException
from msa_kit.auth import Principal, Role, Verifier, require
from msa_kit.problems import install_problem_handlers
from pydantic import BaseModel


class Body(BaseModel):
    name: str
    size: int


def app() -> FastAPI:
    api = FastAPI()
    api.state.verifier = Verifier("test", ())
    install_problem_handlers(api)

    @api.post("/open")
    async def open_route(body: Body) -> dict[str, str]:
        raise HTTPException(404, "nothing here")

    @api.get("/closed")
    async def closed(_: Annotated[Principal, Depends(require(Role.AUDITOR))]) -> None:
        return None

    return api


async def call(method: str, path: str, **kwargs: object) -> httpx.Response:
    transport = httpx.ASGITransport(app=app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.request(method, path, **kwargs)  # type: ignore[arg-type]


async def test_validation_failures_name_locations_but_never_echo_the_input() -> None:
    r = await call("POST", "/open", json={"name": "Secret Person", "size": "many"})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "validation-failed"
    assert [d["loc"] for d in body["details"]] == [["body", "size"]]
    assert "many" not in r.text and "Secret Person" not in r.text


async def test_auth_errors_keep_their_code_and_the_bearer_challenge() -> None:
    r = await call("GET", "/closed")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert r.json() == {
        "code": "missing-token",
        "message": "Bitte 'Authorization: Bearer <Token>' mitsenden",
        "details": [],
    }


async def test_plain_http_errors_get_a_generic_code() -> None:
    r = await call("POST", "/open", json={"name": "x", "size": 1})
    assert r.json() == {"code": "http-404", "message": "nothing here", "details": []}
    r = await call("GET", "/nowhere")
    assert (r.status_code, r.json()["code"]) == (404, "http-404")
