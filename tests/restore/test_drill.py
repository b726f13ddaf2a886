"""The restore drill, on the real store and broker: intake and casework are backed up, more
happens (a registration, an erasure), both are restored from the backup and started again.

What the topics hold comes back: the restored consumer offsets (saved with the backup) make
casework read again what came after it, so it re-derives the later person's case and the
erasure's closing, emitting the same event ids as the first time (downstream inboxes drop
them). What no topic holds is lost: the personal data registered at the desk after the
backup. The erased person stays erased: intake re-applies the erasures on the persons topic
before it serves, though the restored key database held the key again."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from msa_casework.bootstrap import Casework
from msa_casework.bootstrap import build as build_casework
from msa_casework.domain.opening import case_id_for
from msa_casework.settings import CaseworkSettings
from msa_contracts import topics
from msa_contracts.topics import dead_letter_topic
from msa_intake.adapters.keystore import DATA_KEYS
from msa_intake.bootstrap import Intake
from msa_intake.bootstrap import build as build_intake
from msa_intake.keys import LocalKeyPaths, generate_local_keys
from msa_intake.settings import IntakeSettings
from msa_kit.auth import Role
from msa_kit.backup.run import restore_backup, take
from msa_kit.settings import KitSettings
from msa_ops.backup import databases_of
from msa_ops.groups import start_group_at_end

from tests.intake.support import Issuer, identity, registration_body
from tests.intake.support import settings as intake_settings
from tests.kit.support import Tail, create_topics, header, unique

pytestmark = pytest.mark.integration


async def wait_for(check: Callable[[], Awaitable[bool]], timeout_s: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.2)


@dataclass
class Services:
    intake: Intake
    casework: Casework
    apps: list[Any]
    running: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)

    async def start(self) -> None:
        """What uvicorn does before the first request: each app's lifespan starts."""
        for app in self.apps:
            await self.running.enter_async_context(app.router.lifespan_context(app))

    async def stop(self) -> None:
        await self.running.aclose()


@dataclass
class Drill:
    intake_settings: IntakeSettings
    casework_settings: CaseworkSettings
    issuer: Issuer
    cases: Tail
    first: Services | None = None

    def services(self) -> Services:
        intake = build_intake(self.intake_settings)
        casework = build_casework(self.casework_settings)
        return Services(intake, casework, [intake.http_app(), casework.http_app()])

    def http(self, services: Services, role: Role) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=services.apps[0])
        return httpx.AsyncClient(transport=transport, base_url="http://intake",
                                 headers=self.issuer.headers(role))  # fmt: skip


@pytest.fixture
async def drill(infra: Any, tmp_path: Path) -> AsyncIterator[Drill]:
    keys: LocalKeyPaths = generate_local_keys(tmp_path / "keys")
    issuer = Issuer.create(tmp_path)
    intake_name, casework_name = unique("intake-drill"), unique("casework-drill")
    notices = unique("t-notices")
    await create_topics(infra.kafka_bootstrap, notices, dead_letter_topic(intake_name),
                        dead_letter_topic(casework_name))  # fmt: skip
    intake_config = intake_settings(
        keys, issuer, service_name=intake_name, intake_notices_topic=notices,
        intake_trim_notices=False, kafka_bootstrap_servers=infra.kafka_bootstrap,
        mongodb_uri=infra.mongodb_uri,
    )  # fmt: skip
    casework_config = CaseworkSettings(
        service_name=casework_name, kafka_bootstrap_servers=infra.kafka_bootstrap,
        mongodb_uri=infra.mongodb_uri, auth_public_key_files=str(issuer.public_file),
        auth_issuer="msa-test", outbox_poll_s=0.1, retry_backoff_s=0.01, graceful_timeout_s=5,
    )  # fmt: skip
    wire = casework_config.namespace
    cases = Tail(infra.kafka_bootstrap, (wire.topic(topics.CASES),))
    drill = Drill(intake_config, casework_config, issuer, cases)
    drill.first = drill.services()
    consumed = {wire.topic(t) for c in drill.first.casework.consumers for t in c.topics}
    await start_group_at_end(infra.kafka_bootstrap, casework_config.consumer_group, consumed)
    await cases.start()
    try:
        yield drill
    finally:
        await cases.stop()


async def register(http: httpx.AsyncClient, n: int) -> str:
    r = await http.post("/persons", json=registration_body(identity(n)))
    assert r.status_code == 201, r.text
    return str(r.json()["person_ref"])


async def case_of(services: Services, ref: str) -> dict[str, Any] | None:
    doc: dict[str, Any] | None = await services.casework.runtime.db["cases"].find_one(
        {"_id": case_id_for(ref)}
    )
    return doc


async def quiet(services: Services) -> None:
    """Every outbox relayed: what the services decided is on the topics."""

    async def relayed() -> bool:
        counts = [
            await s.runtime.outbox.pending_count() for s in (services.intake, services.casework)
        ]
        return counts == [0, 0]

    await wait_for(relayed)


def case_opened_ids(drill: Drill, case_id: str) -> list[str]:
    return [header(r, "ce_id") or "" for r in drill.cases.records
            if header(r, "ce_type") == "de.dresden.msa.CaseOpened.v1"
            and header(r, "ce_subject") == case_id]  # fmt: skip


async def test_restore_drill_loses_nothing_the_topics_hold_and_keeps_the_erased_erased(
    drill: Drill, tmp_path: Path
) -> None:
    backups = tmp_path / "backups"
    settings: list[KitSettings] = [drill.intake_settings, drill.casework_settings]
    first = drill.first
    assert first is not None
    await first.start()
    try:
        async with drill.http(first, Role.FRONT_DESK) as desk:
            erased, kept = await register(desk, 71), await register(desk, 72)
            await wait_for(lambda: _has_case(first, erased, kept))
            await quiet(first)
            # -- the nightly backup
            taken = [await take(s, backups / s.service_name, databases_of(s), keep=3)
                     for s in settings]  # fmt: skip
            # -- more happens after it
            later = await register(desk, 73)
            r = await desk.delete(f"/persons/{erased}", params={"reason": "art. 17 request"})
            assert r.status_code == 200
            await wait_for(lambda: _has_case(first, later))
            await wait_for(lambda: _closed(first, erased))
            await quiet(first)
        opened_before = case_opened_ids(drill, case_id_for(later))
    finally:
        await first.stop()

    # -- the disaster: both databases restored from the backup, consumers stopped
    restored = [await restore_backup(s, b.path, databases_of(s))
                for s, b in zip(settings, taken, strict=True)]  # fmt: skip
    assert restored[1].partitions >= 1  # casework's group is back where the backup was taken
    again = drill.services()
    await again.start()  # intake re-applies every erasure before anything else
    try:
        keys = again.intake.runtime.client[drill.intake_settings.keys_database][DATA_KEYS]
        assert await keys.find_one({"_id": erased}) is None
        assert again.intake.erasures.last is not None
        assert again.intake.erasures.last.reapplied >= 1
        async with drill.http(again, Role.CASEWORKER) as caseworker:
            gone = await caseworker.get(f"/persons/{erased}", params={"purpose": "check"})
            still = await caseworker.get(f"/persons/{kept}", params={"purpose": "check"})
            lost = await caseworker.get(f"/persons/{later}", params={"purpose": "check"})
        assert gone.status_code == 410
        assert still.status_code == 200
        assert still.json()["personal_data"]["family_name"] == "Zabardastova72"
        assert lost.status_code == 404  # registered at the desk after the backup: on no topic
        # casework re-derives from the persons topic what came after its backup
        await wait_for(lambda: _has_case(again, later))
        await wait_for(lambda: _closed(again, erased))
        kept_case = await case_of(again, kept)
        assert kept_case is not None and kept_case["status"] != "closed"
        await quiet(again)
        opened = case_opened_ids(drill, case_id_for(later))
        assert len(opened) >= 2 and set(opened) == set(opened_before), (
            "processed again, the arrival opens the case under the same event id"
        )
    finally:
        await again.stop()


async def _has_case(services: Services, *refs: str) -> bool:
    return all([await case_of(services, ref) is not None for ref in refs])


async def _closed(services: Services, ref: str) -> bool:
    case = await case_of(services, ref)
    return case is not None and case["status"] == "closed"
