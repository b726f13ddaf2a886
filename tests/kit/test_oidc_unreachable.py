"""An identity provider that cannot be reached (or answers nonsense) gives a 401 problem and a
log line, never a 500, and never a request waiting on it over and over; keys already fetched
go on being used."""

from __future__ import annotations

import asyncio
import inspect
import socket
import time

import jwt
from msa_kit.auth import Role, Verifier, require
from msa_kit.oidc import OidcVerifier
from msa_kit.runtime import ServiceRuntime
from msa_kit.settings import KitSettings
from structlog.testing import capture_logs

from tests.idp import SigningKey, running_idp
from tests.kit.oidc_support import assert_refused, call, secured_app, verifier


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_an_unreachable_provider_gives_401_and_one_clear_log_line() -> None:
    issuer = f"http://127.0.0.1:{_closed_port()}/realms/city"
    api = secured_app(verifier(issuer, retry_after_s=60.0))
    token = SigningKey.new("k1")
    with capture_logs() as logs:
        first = await call(api, _any_token(issuer, token))
        began = time.monotonic()
        second = await call(api, _any_token(issuer, token))
        assert time.monotonic() - began < 0.5, "within the retry window: refused at once"
    assert_refused(first, "issuer-unavailable")
    assert_refused(second, "issuer-unavailable")
    failures = [e for e in logs if e["event"] == "identity provider unavailable"]
    assert len(failures) == 1 and failures[0]["log_level"] == "error", logs
    assert failures[0]["url"].endswith("/.well-known/openid-configuration")


def _any_token(issuer: str, key: SigningKey) -> str:
    now = int(time.time())
    claims = {"iss": issuer, "aud": "msa", "sub": "x", "iat": now, "exp": now + 60,
              "role": "finance"}  # fmt: skip
    return jwt.encode(claims, key.private, algorithm="RS256", headers={"kid": key.kid})


async def test_keys_already_fetched_are_used_while_the_provider_is_down() -> None:
    with running_idp() as idp:
        key = idp.publish(SigningKey.new("k1"))
        api = secured_app(verifier(idp.issuer, retry_after_s=60.0))
        assert (await call(api, idp.token(key))).status_code == 200
        idp.down()
        assert_refused(await call(api, idp.token(SigningKey.new("k2"))), "issuer-unavailable")
        assert (await call(api, idp.token(key))).status_code == 200


async def test_the_provider_is_asked_again_after_the_retry_window() -> None:
    with running_idp() as idp:
        key = idp.publish(SigningKey.new("k1"))
        api = secured_app(verifier(idp.issuer, retry_after_s=0.2))
        idp.down()
        assert_refused(await call(api, idp.token(key)), "issuer-unavailable")
        idp.reachable = True
        await asyncio.sleep(0.3)
        assert (await call(api, idp.token(key))).status_code == 200


async def test_a_discovery_document_of_another_issuer_is_not_trusted() -> None:
    with running_idp() as idp:
        key = idp.publish(SigningKey.new("k1"))
        pretender = idp.issuer.replace("127.0.0.1", "localhost")
        answer = await call(secured_app(verifier(pretender)), idp.token(key, iss=pretender))
        assert_refused(answer, "issuer-unavailable")


def test_the_token_check_runs_in_the_thread_pool_not_on_the_event_loop() -> None:
    # FastAPI runs plain-function dependencies in its thread pool: a JWKS fetch there never
    # blocks the loop. Making the dependency async would put urllib's I/O on the loop.
    assert not inspect.iscoroutinefunction(require(Role.FINANCE))


async def test_the_runtime_verifies_oidc_when_an_issuer_url_is_set_else_pem_files() -> None:
    oidc = ServiceRuntime(
        KitSettings(service_name="intake", auth_oidc_issuer_url="https://sso.example/realms/city")
    )
    pem = ServiceRuntime(KitSettings(service_name="intake"))
    try:
        assert isinstance(oidc.verifier(), OidcVerifier)
        assert isinstance(pem.verifier(), Verifier)
    finally:
        await oidc.client.close()
        await pem.client.close()
