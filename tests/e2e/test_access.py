"""A person's right of access through the four services as real processes on the real broker
and store: a person with a case, an agreed plan with goals, progress, a referral, hours and
an invoice line asks; the result holds every value the stores and topics hold about them,
the German page shows it in a real Chromium, and a stopped service is named as missing."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from msa_casework.domain.opening import case_id_for
from msa_contracts import topics
from msa_contracts.envelope import encode
from msa_contracts.events import Event
from msa_contracts.values import GoalDomain
from msa_intake.entrypoints.access_labels import LABELS
from msa_intake.entrypoints.access_page import german
from msa_kit.auth import Role
from msa_ops.keys import LocalKeys, ensure_local_keys
from msa_ops.stack import SERVICES, Stack
from playwright.async_api import async_playwright

from tests.billing.builders import logged, tick
from tests.casework.builders import goal, plan, progress, referral
from tests.e2e.access_scan import absent, published_about, result_values, stored_about
from tests.hostile.live import eventually, headers_of, read_all, send
from tests.intake.support import identity, registration_body

pytestmark = pytest.mark.integration
TIMEOUT_S = 30
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@dataclass
class Asked:
    stack: Stack
    run: str
    keys: LocalKeys
    ref: str
    case_id: str
    location: str
    result: dict[str, Any]

    def office(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys.token(Role.CASEWORKER)}"}


@pytest.fixture(scope="module")
async def running(infra: Any, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Any]:
    keys = ensure_local_keys(tmp_path_factory.mktemp("access-keys"))
    run = f"access{uuid.uuid4().hex[:6]}"
    stack = await Stack.fresh(
        list(SERVICES), run=run, bootstrap=infra.kafka_bootstrap,
        env={**infra.env(), **keys.service_env(), "RETRY_BACKOFF_S": "0.05",
             "INTAKE_ACCESS_TIMEOUT_S": str(TIMEOUT_S)},
        log_dir=tmp_path_factory.mktemp("access-logs"), base_port=18900,
    )  # fmt: skip
    try:
        await asyncio.to_thread(stack.start)
        yield stack, run, keys
    finally:
        await asyncio.to_thread(stack.stop)


@pytest.fixture
def chromium() -> Path:
    """The browser; fails early if it is not installed."""
    assert CHROMIUM.exists(), "chromium is missing: scripts/bootstrap.sh installs it"
    return CHROMIUM


@pytest.fixture(scope="module")
async def producer(infra: Any) -> AsyncIterator[AIOKafkaProducer]:
    client = AIOKafkaProducer(bootstrap_servers=infra.kafka_bootstrap)
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


async def send_on(producer: AIOKafkaProducer, topic: str, event: Event, day: date) -> None:
    """``event`` as sent on ``day`` (its CloudEvents time), like a provider or the clock."""
    at = datetime.combine(day, time(9), tzinfo=UTC)
    record = encode(event, event_id=str(uuid.uuid4()), source="/tests/access", time=at)
    await send(producer, topic, record.key, record.value, list(record.headers))


async def on_topic(bootstrap: str, topic: str, key: str, ce_type: str) -> list[Any]:
    found = await read_all(bootstrap, [topic])
    return [
        r for r in found
        if (r.key or b"").decode() == key and ce_type in headers_of(r).get("ce_type", "")
    ]  # fmt: skip


async def invoiced(bootstrap: str, case_id: str) -> bool:
    ledger = await read_all(bootstrap, [topics.LEDGER])
    return any(case_id.encode() in (r.value or b"") and "InvoiceIssued" in
               headers_of(r).get("ce_type", "") for r in ledger)  # fmt: skip


@pytest.fixture(scope="module")
async def asked(infra: Any, running: Any, producer: AIOKafkaProducer) -> Asked:
    stack, run, keys = running
    bootstrap = infra.kafka_bootstrap
    await send_on(producer, topics.CLOCK, tick(date(2026, 3, 2)), date(2026, 3, 2))
    desk = {"Authorization": f"Bearer {keys.token(Role.FRONT_DESK)}"}
    async with httpx.AsyncClient(base_url=stack["intake"].url, timeout=30) as http:
        made = await http.post("/persons", json=registration_body(identity(41)), headers=desk)
        assert made.status_code == 201, made.text
        ref = made.json()["person_ref"]
        case_id = case_id_for(ref)
        [assigned] = await eventually(
            lambda: on_topic(bootstrap, topics.CASES, case_id, "CaseAssigned"), timeout_s=60
        )
        provider = json.loads(assigned.value)["provider_id"]
        reports, hours = topics.reports(provider), topics.hours(provider)
        goals = (goal("g1", target_date=date(2026, 9, 30)),
                 goal("g2", domain=GoalDomain.WORK_EDUCATION, measure_id="M33",
                      target_date=date(2026, 12, 31)))  # fmt: skip
        on_day = {
            date(2026, 3, 3): [(reports, plan(ref, *goals, agreed_on=date(2026, 3, 3)))],
            date(2026, 3, 4): [(hours, logged(case_id, date(2026, 3, 4), 75, worker="w-41"))],
            date(2026, 3, 5): [(reports, progress(ref, "g1", "in_progress", date(2026, 3, 5))),
                               (reports, referral(ref, on=date(2026, 3, 5)))],
        }  # fmt: skip
        day = date(2026, 3, 3)
        while day <= date(2026, 4, 1):
            await send_on(producer, topics.CLOCK, tick(day), day)
            for topic, event in on_day.get(day, []):
                await send_on(producer, topic, event, day)
            day += timedelta(days=1)
        if not await eventually(lambda: invoiced(bootstrap, case_id), timeout_s=90):
            answers = await read_all(bootstrap, [topics.feedback(provider)])
            seen = [(headers_of(a).get("ce_type"), (a.value or b"")[:300]) for a in answers
                    if case_id.encode() in (a.value or b"")]  # fmt: skip
            raise AssertionError(f"no invoice line for {case_id}; billing answered {seen}")
        assert await eventually(
            lambda: on_topic(bootstrap, topics.CASES, case_id, "ReferralRecorded"), timeout_s=30
        )
        await asyncio.sleep(2)  # the last consumers (reporting) take in the invoice
        office = {"Authorization": f"Bearer {keys.token(Role.CASEWORKER)}"}
        asking = {"purpose": "Auskunftsersuchen nach Art. 15"}
        r = await http.post(f"/persons/{ref}/access-requests", json=asking, headers=office)
        assert r.status_code == 202, r.text
        location = r.headers["location"]

        async def final() -> dict[str, Any] | None:
            got = (await http.get(location, headers=office)).json()
            return got if got["status"] != "pending" else None

        result = await eventually(final, timeout_s=TIMEOUT_S + 10)
    assert result is not None
    return Asked(stack, run, keys, ref, case_id, location, result)


async def test_every_service_answers_and_the_result_is_complete(asked: Asked) -> None:
    assert asked.result["status"] == "complete", asked.result["missing"]
    parts = {p["service"]: p["data"] for p in asked.result["parts"]}
    assert set(parts) == {"intake", "casework", "billing", "reporting"}
    assert parts["intake"]["personal_data"]["family_name"] == "Zabardastova41"
    [case] = parts["casework"]["cases"]
    assert case["_id"] == asked.case_id and {g["goal_id"] for g in case["plan"]["goals"]} == {
        "g1",
        "g2",
    }
    assert [e["minutes"] for e in parts["billing"]["entries"]] == [75]
    [invoice] = parts["billing"]["invoices"]
    assert [line["case_id"] for line in invoice["lines"]] == [asked.case_id]
    assert "total_cents" not in invoice
    assert "aggregat" in parts["reporting"]["statement"].lower() or parts["reporting"]["events"]


async def test_the_result_holds_every_value_the_stores_and_topics_hold_about_the_person(
    infra: Any, asked: Asked
) -> None:
    ids = [asked.ref, asked.case_id]
    held = await stored_about(infra.mongodb_uri, asked.run, ids)
    assert {f"{asked.run}_{s}.{c}" for s, c in (("intake", "persons"), ("intake", "audit"),
            ("casework", "cases"), ("billing", "entries"), ("billing", "invoices"),
            ("reporting", "events"))} <= set(held), sorted(held)  # fmt: skip
    held |= await published_about(infra.kafka_bootstrap, ids)
    assert topics.CASES in held and topics.LEDGER in held
    missing = absent(held, result_values(asked.result))
    assert missing == {}, json.dumps(missing, indent=1)


async def test_the_german_page_shows_every_value_in_a_real_browser(
    infra: Any, asked: Asked, chromium: Path
) -> None:
    held = await stored_about(infra.mongodb_uri, asked.run, [asked.ref, asked.case_id])
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(chromium), args=ARGS)
        try:
            context = await browser.new_context(extra_http_headers=asked.office())
            page = await context.new_page()
            answer = await page.goto(f"{asked.stack['intake'].url}{asked.location}.html")
            assert answer is not None and answer.status == 200
            assert await page.title() == "Auskunft nach Art. 15 DSGVO"
            text = await page.inner_text("body")
            unlabelled = await page.locator(".ohne-bezeichnung").all_inner_texts()
            assert unlabelled == []
        finally:
            await browser.close()
    for heading in ("Aufnahme", "Fallbearbeitung", "Abrechnung", "Berichtswesen"):
        assert heading in text
    unseen = sorted({f"{source}: {name}={value}" for source, pairs in held.items()
                     for name, value in pairs if german(value) not in text
                     or (name and name not in LABELS)})  # fmt: skip
    assert unseen == []


async def test_a_stopped_service_is_named_as_missing_after_the_timeout(asked: Asked) -> None:
    await asyncio.to_thread(asked.stack["billing"].stop)
    async with httpx.AsyncClient(base_url=asked.stack["intake"].url, timeout=30) as http:
        again = {"purpose": "zweite Auskunft"}
        r = await http.post(
            f"/persons/{asked.ref}/access-requests", json=again, headers=asked.office()
        )
        assert r.status_code == 202, r.text
        await asyncio.sleep(TIMEOUT_S / 2)
        early = (await http.get(r.headers["location"], headers=asked.office())).json()
        assert early["status"] == "pending"
        await asyncio.sleep(TIMEOUT_S / 2 + 2)
        late = (await http.get(r.headers["location"], headers=asked.office())).json()
        page = await http.get(r.headers["location"] + ".html", headers=asked.office())
    assert late["status"] == "timed-out" and late["missing"] == ["billing"]
    assert {p["service"]: p["status"] for p in late["parts"]}["billing"] == "missing"
    assert "Nicht geantwortet haben: Abrechnung" in page.text
