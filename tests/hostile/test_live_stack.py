"""The four services as real processes after a short simulated scenario: a burst of hostile
records interleaved with valid events, spoofing providers, erasure, and the logs of the run.

Every hostile record lands on the dead-letter topic of every service consuming its topic,
with its reason; on a provider's topic the provider gets a rejection; the valid events after
them are processed; spoofed reports and hours are refused; after erasure nothing of the
person can be read; and no log line of the run holds anyone's personal data."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from msa_contracts.events import CaseAssigned, IdentityPayload
from msa_contracts.reference import load_reference
from msa_contracts.sealing import load_private_key
from msa_contracts.topics import catalogue, dead_letter_topic
from msa_contracts.values import Vulnerability
from msa_intake.adapters.crypto import IdentityOpener
from msa_kit.auth import Role
from msa_ops.keys import ensure_local_keys
from msa_ops.sim.run import simulate
from msa_ops.sim.scenario import ScenarioConfig
from msa_ops.stack import SERVICES, Stack
from pymongo import AsyncMongoClient

from tests.billing.builders import logged, tick
from tests.casework.builders import progress
from tests.hostile.live import (
    Live,
    Sent,
    eventually,
    headers_of,
    hostile,
    read_all,
    send,
    send_event,
)
from tests.hostile.scan import (
    needles,
    scan_databases,
    scan_logs,
    scan_sealed,
    scan_topics,
    special_needles,
)
from tests.intake.support import notice, registration_body

pytestmark = pytest.mark.integration
CONFIG = ScenarioConfig(seed=707, persons=8, days=6, arrival_days=3, spoof_share=0.5,
                        hours=True, hold_days=2, wait_s=60.0)  # fmt: skip
CATALOGUE = catalogue(p.id for p in load_reference().providers)
CODE = re.compile(r"^[a-z][a-z0-9-]{1,48}$")


@pytest.fixture(scope="module")
async def live(infra: Any, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Live]:
    keys = ensure_local_keys(tmp_path_factory.mktemp("live-keys"))
    run = f"hostile{uuid.uuid4().hex[:6]}"
    stack = await Stack.fresh(
        list(SERVICES), run=run, bootstrap=infra.kafka_bootstrap,
        env={**infra.env(), **keys.service_env(), "RETRY_BACKOFF_S": "0.05",
             "INTAKE_TRIM_NOTICES": "true", "INTAKE_TRIM_INTERVAL_S": "0.5"},
        log_dir=tmp_path_factory.mktemp("live-logs"), base_port=18700,
        extra={"billing": {"BILLING_HOLD_DAYS": str(CONFIG.hold_days)}},
    )  # fmt: skip
    try:
        await asyncio.to_thread(stack.start)
        truth, observed = await simulate(infra.kafka_bootstrap, keys, load_reference(), CONFIG)
        yield Live(stack, run, truth, observed, keys, infra.kafka_bootstrap, infra.mongodb_uri)
    finally:
        await asyncio.to_thread(stack.stop)


@pytest.fixture(scope="module")
async def producer(live: Live) -> AsyncIterator[AIOKafkaProducer]:
    client = AIOKafkaProducer(bootstrap_servers=live.bootstrap, max_request_size=4 << 20)
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


def _last_day(live: Live) -> date:
    return CONFIG.start + timedelta(days=CONFIG.days)


async def test_hostile_records_are_dead_lettered_and_the_valid_ones_after_them_processed(
    live: Live, producer: AIOKafkaProducer
) -> None:
    who = IdentityPayload(family_name="Burstova", given_names="Valida", nationality="SYR",
                          date_of_birth=date(1990, 1, 2))  # fmt: skip
    valid_notice = await send_event(producer, "msa.allocation.notices",
                                    notice(_paths(live), who))  # fmt: skip
    samples = {
        "msa.allocation.notices": notice(_paths(live), who),
        "msa.clock": tick(_last_day(live)),
        "msa.provider.caritas.hours": logged("C-0000000000000001", _last_day(live)),
        "msa.provider.caritas.reports": progress(
            "P-0000000000000001", "g1", "achieved", _last_day(live)),
    }  # fmt: skip
    bad: list[tuple[str, Sent]] = []
    good: list[Sent] = [valid_notice]
    for topic, event in samples.items():
        template = await send_event(producer, topic, event)
        for n, (name, key, value, headers) in enumerate(hostile(
                event.subject().encode(), _value(event), template.headers)):  # fmt: skip
            bad.append((name, await send(producer, topic, key, value, headers)))
            if topic == "msa.allocation.notices" and n % 4 == 0:  # valid notices in between
                person = who.model_copy(update={"family_name": f"Burstova{n}"})
                good.append(await send_event(producer, topic, notice(_paths(live), person)))

    letters = await eventually(lambda: _all_dead_lettered(live, bad), timeout_s=90)
    missing = [
        (name, s.topic, s.offset, svc)
        for name, s in bad
        for svc in _consumers(s.topic)
        if (s.topic, str(s.offset), svc) not in letters
    ]
    assert missing == [], "hostile records not dead-lettered"
    for (_, _, _), meta in letters.items():
        assert CODE.match(meta["dlq_code"]) and meta["dlq_reason"], meta
    notices = [s for s in good if s.topic == "msa.allocation.notices"]
    registered = await eventually(lambda: _caused(live, "msa.intake.persons", notices))
    assert registered >= {s.answer_id for s in notices}, "a valid notice after the burst was lost"
    provider_bad = [s for _, s in bad if CATALOGUE.provider_of(s.topic)]
    answered = await eventually(lambda: _answered(live, provider_bad), timeout_s=60)
    assert answered == {s.answer_id for s in provider_bad}, "a provider got no rejection"
    for process in live.stack.processes.values():
        assert process.alive() and process.ready(), process.name


def _paths(live: Live) -> Any:
    from msa_intake.keys import LocalKeyPaths

    env = live.keys.intake_env
    return LocalKeyPaths(
        private_key=Path(env["INTAKE_PRIVATE_KEY_FILE"]), pepper=Path(env["INTAKE_PEPPER_FILE"]),
        master_key=Path(env["INTAKE_MASTER_KEY_FILE"]), public_key=live.keys.intake_public,
        key_id=live.keys.intake_key_id,
    )  # fmt: skip


def _value(event: Any) -> bytes:
    return bytes(event.model_dump_json().encode())


def _consumers(topic: str) -> list[str]:
    return [s for s in SERVICES if topic in {t.name for t in CATALOGUE.consumed_by(s)}]


async def _all_dead_lettered(live: Live, bad: list[tuple[str, Sent]]) -> dict[Any, Any]:
    found: dict[tuple[str, str, str], dict[str, str]] = {}
    for record in await read_all(live.bootstrap, [dead_letter_topic(s) for s in SERVICES]):
        meta = headers_of(record)
        found[(meta["dlq_topic"], meta["dlq_offset"], meta["dlq_service"])] = meta
    wanted = {(s.topic, str(s.offset), svc) for _, s in bad for svc in _consumers(s.topic)}
    return found if wanted <= set(found) else {}


async def _caused(live: Live, topic: str, sent: list[Sent]) -> set[str]:
    causes = {
        headers_of(r).get("ce_causationid", "") for r in await read_all(live.bootstrap, [topic])
    }
    ids = {s.answer_id for s in sent}
    return causes & ids if ids <= causes else set()


async def _answered(live: Live, sent: list[Sent]) -> set[str]:
    topics = sorted({CATALOGUE.provider_topic(p, k) for p in ("caritas",)
                     for k in ("assignments", "feedback")})  # fmt: skip
    causes = {
        headers_of(r).get("ce_causationid", "") for r in await read_all(live.bootstrap, topics)
    }
    ids = {s.answer_id for s in sent}
    return ids if ids <= causes else set()


async def test_a_provider_spoofing_another_provider_or_its_case_gets_nothing_accepted(
    live: Live, producer: AIOKafkaProducer
) -> None:
    assigned = [e for e in live.observed.of(CaseAssigned) if isinstance(e, CaseAssigned)]
    victim = assigned[0]
    intruder = next(p for p in ("caritas", "diakonie", "awo", "drk") if p != victim.provider_id)
    claim = {"source": f"/providers/{victim.provider_id}"}
    report = progress("P-0000000000000001", "g1", "achieved", _last_day(live))
    report = report.model_copy(update={"case_id": victim.case_id})
    hours = logged(victim.case_id, victim.assigned_on + timedelta(days=1), 90)
    sent_report = await send_event(producer, CATALOGUE.provider_topic(intruder, "reports"),
                                   report, **claim)  # fmt: skip
    sent_hours = await send_event(producer, CATALOGUE.provider_topic(intruder, "hours"),
                                  hours, **claim)  # fmt: skip
    # Billing holds the hours (the case is not the intruder's) until the hold runs out, and
    # decides a held entry on a tick. It reads the clock and the hours independently, so the
    # entry may come in after the ticks sent here: the clock goes on ticking until answered.
    days = iter(_last_day(live) + timedelta(days=n) for n in range(1, 1000))
    for _ in range(CONFIG.hold_days + 2):
        await send_event(producer, "msa.clock", tick(next(days)))

    wanted = {sent_report.answer_id: "de.dresden.msa.ProviderReportRejected.v1",
              sent_hours.answer_id: "de.dresden.msa.HoursRejected.v1"}  # fmt: skip
    topics = [CATALOGUE.provider_topic(intruder, k) for k in ("assignments", "feedback")]
    got: dict[str, str] = {}

    async def answered() -> bool:
        for r in await read_all(live.bootstrap, topics):
            if (cause := headers_of(r).get("ce_causationid", "")) in wanted:
                got[cause] = headers_of(r)["ce_type"]
        if set(got) == set(wanted):
            return True
        await send_event(producer, "msa.clock", tick(next(days)))
        return False

    await eventually(answered, timeout_s=90)
    assert got == wanted, f"answers: {got}; the services' log lines of the records:\n" + "\n".join(
        _log_lines(live, set(wanted))
    )
    spoofed = [a for a in live.truth.reports.values() if a.expect == "rejected"]
    assert spoofed, "the scenario should have spoofed some plans"
    ledger = await read_all(live.bootstrap, ["msa.billing.ledger"])
    assert not [r for r in ledger if headers_of(r).get("ce_causationid") == sent_hours.answer_id]


def _log_lines(live: Live, ids: set[str]) -> list[str]:
    """The lines of every service's log that name one of ``ids`` (for a failure's message)."""
    return [f"{p.name}: {line[:400]}" for p in live.stack.processes.values()
            for line in p.log_path.read_text(errors="replace").splitlines()
            if any(i in line for i in ids)]  # fmt: skip


async def test_after_erasure_nothing_of_the_person_can_be_read_anywhere(live: Live) -> None:
    people = [IdentityPayload(family_name=f"Loeschbar{n}ova", given_names=f"Erika{n} Tabula",
                              date_of_birth=date(1979, 4, 10 + n), nationality="ERI",
                              phone=f"+49 351 4455{n:03d}", email=f"erika{n}@loesch.example")
              for n in range(2)]  # fmt: skip
    intake = live.stack["intake"].url
    desk = {"Authorization": f"Bearer {live.keys.token(Role.FRONT_DESK)}"}
    office = {"Authorization": f"Bearer {live.keys.token(Role.CASEWORKER)}"}
    async with httpx.AsyncClient(base_url=intake, timeout=30) as http:
        refs = []
        for who in people:
            made = await http.post("/persons", json=registration_body(who), headers=desk)
            assert made.status_code == 201, made.text
            refs.append(made.json()["person_ref"])
            read = await http.get(f"/persons/{refs[-1]}", params={"purpose": "erasure check"},
                                  headers=office)  # fmt: skip
            assert read.json()["personal_data"]["family_name"] == who.family_name
            gone = await http.delete(f"/persons/{refs[-1]}", params={"reason": "request"},
                                     headers=office)  # fmt: skip
            assert gone.status_code == 200, gone.text
        after = [await http.get(f"/persons/{r}", params={"purpose": "x-check"}, headers=office)
                 for r in refs]  # fmt: skip
    assert [a.status_code for a in after] == [410, 410]
    wanted = [n for who in people for n in needles(who)]
    await asyncio.sleep(2)  # the relay publishes PersonErased and the consumers follow
    assert await scan_databases(live.mongodb_uri, live.run, wanted) == []
    assert await scan_topics(live.bootstrap, wanted) == []
    assert scan_logs([p.log_path for p in live.stack.processes.values()], wanted) == []


async def test_an_erased_persons_vulnerabilities_are_unreadable_everywhere(live: Live) -> None:
    """Registered with special categories, assigned to a provider, read by that provider
    (audited), erased: no topic (the provider's assignment topic included), dead letter,
    database or log holds them in clear, and the sealed copy's key is gone."""
    who = IdentityPayload(family_name="Sonderkategorieva", given_names="Salus Vita",
                          date_of_birth=date(1991, 6, 13), nationality="SYR")  # fmt: skip
    listed = [Vulnerability.PREGNANCY, Vulnerability.TRAUMA, Vulnerability.VICTIM_OF_VIOLENCE]
    intake = live.stack["intake"].url
    desk = {"Authorization": f"Bearer {live.keys.token(Role.FRONT_DESK)}"}
    office = {"Authorization": f"Bearer {live.keys.token(Role.CASEWORKER)}"}
    body = registration_body(who, vulnerabilities=[v.value for v in listed])
    async with httpx.AsyncClient(base_url=intake, timeout=30) as http:
        made = await http.post("/persons", json=body, headers=desk)
        assert made.status_code == 201, made.text
        ref = made.json()["person_ref"]
        holder = await eventually(lambda: _assignment_of(live, ref), timeout_s=60)
        assert holder, "the person's case was not assigned"
        provider, topic = holder
        as_holder = {"Authorization": f"Bearer {live.keys.token(Role.PROVIDER, provider=provider)}"}
        other = next(p for p in ("caritas", "diakonie", "awo", "drk") if p != provider)
        as_other = {"Authorization": f"Bearer {live.keys.token(Role.PROVIDER, provider=other)}"}
        purpose = {"purpose": "Hilfeplanung"}

        async def held() -> Any:
            r = await http.get(f"/persons/{ref}/vulnerabilities", params=purpose,
                               headers=as_holder)  # fmt: skip
            return r if r.status_code == 200 else None

        read = await eventually(held, timeout_s=30)  # intake follows the case feed
        assert read and read.json()["vulnerabilities"] == [v.value for v in listed]
        refused = await http.get(f"/persons/{ref}/vulnerabilities", params=purpose,
                                 headers=as_other)  # fmt: skip
        assert refused.status_code == 404
        gone = await http.delete(f"/persons/{ref}", params={"reason": "request"}, headers=office)
        assert gone.status_code == 200, gone.text
        after = await http.get(f"/persons/{ref}/vulnerabilities", params=purpose,
                               headers=as_holder)  # fmt: skip
        assert after.status_code in (404, 410)
    on_topic = [r for r in await read_all(live.bootstrap, [topic]) if ref.encode() in r.value]
    assert on_topic, f"the assignment should be on {topic}"
    await asyncio.sleep(2)  # the relay publishes PersonErased and the consumers follow
    wanted = special_needles()
    assert await scan_topics(live.bootstrap, wanted) == []
    assert await scan_databases(live.mongodb_uri, live.run, wanted) == []
    words = [v.value.encode() for v in listed]
    assert scan_logs([p.log_path for p in live.stack.processes.values()], words) == []
    assert await _data_keys_of(live, ref) == 0, "the sealed vulnerabilities' key survived"


async def _assignment_of(live: Live, person_ref: str) -> tuple[str, str] | None:
    """The provider holding the person's case and its assignment topic, once assigned."""
    for r in await read_all(live.bootstrap, ["msa.casework.cases"]):
        if headers_of(r).get("ce_type") == CaseAssigned.ce_type() and person_ref.encode() in (
            r.value or b""
        ):
            provider = CaseAssigned.model_validate_json(r.value).provider_id
            return provider, CATALOGUE.provider_topic(provider, "assignments")
    return None


async def _data_keys_of(live: Live, person_ref: str) -> int:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(live.mongodb_uri)
    try:
        names = [n for n in await client.list_database_names() if n.startswith(f"{live.run}_")]
        return sum([await client[n]["data_keys"].count_documents({"_id": person_ref})
                    for n in names])  # fmt: skip
    finally:
        await client.close()


async def test_after_erasure_not_even_intakes_key_opens_the_persons_notice(
    live: Live, producer: AIOKafkaProducer
) -> None:
    who = IdentityPayload(family_name="Vergessenova", given_names="Notitia", nationality="ERI",
                          date_of_birth=date(1984, 2, 29), phone="+49 351 4466001")  # fmt: skip
    paths = _paths(live)
    opener = IdentityOpener({paths.key_id: load_private_key(paths.private_key.read_bytes())})
    # the value alone: notices dead-lettered by other tests stay sealed with theirs (30 days)
    wanted = [*needles(who), b'"disability"']
    allocated = notice(paths, who, vulnerabilities=["disability"])
    assert opener(allocated.identity).family_name == who.family_name  # the scan's key works
    assert opener.special_categories(allocated.special_categories).vulnerabilities == [
        Vulnerability.DISABILITY
    ]
    sent = await send_event(producer, "msa.allocation.notices", allocated)
    await eventually(lambda: _caused(live, "msa.intake.persons", [sent]))
    persons = await read_all(live.bootstrap, ["msa.intake.persons"])
    [ref] = {r.key.decode() for r in persons
             if headers_of(r).get("ce_causationid") == sent.answer_id}  # fmt: skip
    office = {"Authorization": f"Bearer {live.keys.token(Role.CASEWORKER)}"}
    async with httpx.AsyncClient(base_url=live.stack["intake"].url, timeout=30) as http:
        gone = await http.delete(f"/persons/{ref}", params={"reason": "request"}, headers=office)
    assert gone.status_code == 200, gone.text

    async def unreadable() -> bool:
        found = await scan_sealed(live.bootstrap, opener, wanted,
                                  special=opener.special_categories)  # fmt: skip
        return found == []

    assert await eventually(unreadable, timeout_s=60), "the notice was not trimmed"
    assert await scan_databases(live.mongodb_uri, live.run, wanted) == []
    assert await scan_topics(live.bootstrap, wanted) == []


async def test_no_log_line_of_the_run_holds_personal_data(live: Live) -> None:
    wanted = [n for a in live.truth.arrivals.values() for n in needles(a.identity)]
    logs = [p.log_path for p in live.stack.processes.values()]
    assert sum(len(p.read_bytes().splitlines()) for p in logs) > 100, "the run logged little"
    assert scan_logs(logs, wanted) == []
