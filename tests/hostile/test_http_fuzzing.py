"""Every endpoint of every service (enumerated from the apps, rows from the role matrix),
fuzzed with hypothesis: odd path values, query strings, bodies of any shape, huge payloads,
invalid UTF-8 and JSON. An admitted caller always gets an answer below 500, and every error
is the house format with a stable machine-readable code."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from msa_ops.keys import ISSUER, LocalKeys

from tests.hostile.matrix import ROWS, Row, Tokens, fill
from tests.hostile.records import ODD_DATES, OPERATORS, json_values
from tests.hostile.services import Assembled

pytestmark = pytest.mark.integration
KEYS = sorted(ROWS)
CODE = re.compile(r"^[a-z][a-z0-9-]{1,48}$")
PATH_PARAM = re.compile(r"{(\w+)}")
# A huge value, sized so that four of them still fit in one query string: httpx (the client)
# refuses to send a URL component over 65,536 characters, and so do real HTTP servers' limits.
HUGE = "x" * 15_000
odd_text = st.one_of(
    st.text(max_size=40), st.sampled_from(ODD_DATES), st.just(HUGE),
    st.sampled_from(["..", "%", "%00", "\x00", "P-ffffffffffffffff", "RE-2026-000001", "-1",
                     "1e309", "caritas", "2026-03", "<script>", "' OR 1=1 --"]),
    st.sampled_from([json.dumps(o) for o in OPERATORS]),
)  # fmt: skip
RAW_QUERIES = ["", "?%ff%fe=%c3%28", "?purpose=%ff", "?limit=99999999999999999999999",
               "?fields=a&fields=b&fields=", "?period=0000-00", "?all_measures=maybe"]  # fmt: skip
raw_bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    st.sampled_from(OPERATORS).map(lambda v: json.dumps({"identity": v, "period": v}).encode()),
    st.binary(max_size=100), st.just(b'{"a": "\xff\xfe"}'), st.just(b"{" * 5000),
    st.just(b'{"x": "' + b"y" * 2_000_000 + b'"}'),
)  # fmt: skip


@pytest.fixture(scope="module")
async def http(services: dict[str, Assembled]) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    clients = {
        name: httpx.AsyncClient(transport=httpx.ASGITransport(app=s.app), base_url=f"http://{name}")
        for name, s in services.items()
    }  # fmt: skip
    try:
        yield clients
    finally:
        for client in clients.values():
            await client.aclose()


def _caller(row: Row, tokens: Tokens) -> dict[str, str]:
    if row.allowed is None:
        return {}
    return {"Authorization": f"Bearer {tokens.valid(min(row.allowed))}"}


async def _check(client: httpx.AsyncClient, method: str, url: str, params: dict[str, str],
                 body: bytes | None, headers: dict[str, str]) -> None:  # fmt: skip
    if body is not None:
        headers = headers | {"Content-Type": "application/json"}
    answer = await asyncio.wait_for(
        client.request(method, url, params=params, content=body, headers=headers), 30
    )
    assert answer.status_code < 500, (method, url, answer.status_code, answer.text[:300])
    if answer.status_code >= 400:
        problem = answer.json()
        assert CODE.match(problem["code"]), problem
        assert isinstance(problem["message"], str), problem


@pytest.mark.parametrize(("service", "endpoint"), KEYS, ids=[" ".join(k) for k in KEYS])
async def test_hostile_requests_get_a_clear_answer_below_500(
    http: dict[str, httpx.AsyncClient], hostile_keys: LocalKeys, service: str, endpoint: str
) -> None:
    row = ROWS[(service, endpoint)]
    method, template = endpoint.split(" ", 1)
    names = PATH_PARAM.findall(template)
    headers = _caller(row, Tokens(hostile_keys.auth_private.read_text(), ISSUER))
    loop = asyncio.get_running_loop()
    known = sorted({*row.params, "purpose", "fields", "provider_id", "period", "limit",
                    "person_ref", "status", "region", "reason", "all_measures"})  # fmt: skip

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        path=st.fixed_dictionaries({n: odd_text for n in names}),
        params=st.dictionaries(st.sampled_from(known) | st.text(max_size=8), odd_text, max_size=4),
        body=st.none() | raw_bodies if method in {"POST", "PUT", "PATCH"} else st.none(),
        keep_valid_path=st.booleans(),
        raw_query=st.sampled_from(RAW_QUERIES),
    )
    @example(  # the largest request the strategies can draw, every time
        path=dict.fromkeys(names, HUGE),
        params=dict.fromkeys(known[:4], HUGE),
        body=b'{"x": "' + b"y" * 2_000_000 + b'"}' if method in {"POST", "PUT", "PATCH"} else None,
        keep_valid_path=False,
        raw_query=max(RAW_QUERIES, key=len),
    )
    def run(path: dict[str, str], params: dict[str, str], body: bytes | None,
            keep_valid_path: bool, raw_query: str) -> None:  # fmt: skip
        values = row.path if keep_valid_path else {k: quote(v, safe="") for k, v in path.items()}
        url = (fill(template, values) or "/") + raw_query
        future = asyncio.run_coroutine_threadsafe(
            _check(http[service], method, url, params, body, headers), loop)  # fmt: skip
        future.result(timeout=60)

    await asyncio.to_thread(run)
