"""Billing under load: hour entries from provider publish to ``HoursAccepted`` on the ledger.

Each scenario gets run-private topics (billing's ``BILLING_*_TOPIC`` settings), a fresh
database and consumer group, and real ``python -m msa_billing`` processes. Cases are opened
and assigned and the clock set first; a warm-up entry proves the service is consuming.
Then ``entries`` entries are published as fast as the producer can, and the rate is
counted until the last one is accepted (validation, persistence, outbox and relay on).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from msa_contracts import events as ev
from msa_contracts import topics
from msa_contracts.envelope import Record
from msa_contracts.reference import ReferenceData
from msa_contracts.values import AgeBand, District, GoalDomain, Module, Region, ResidenceStatus

from msa_ops.bench import wire
from msa_ops.bench.cost import scrape_processed
from msa_ops.stack import ServiceProcess

DAY = date(2026, 3, 31)
ACCEPTED = ev.HoursAccepted.ce_type()
REASON = ev.Reason(code="bench", message="benchmark")


@dataclass
class BillingRun:
    """One scenario's topics, processes and ledger reader."""

    run: str
    bootstrap: str
    providers: list[str]
    topics: dict[str, wire.BenchTopic]
    processes: list[ServiceProcess]
    accepted: dict[str, float]
    cases: int = 400
    _consumer: AIOKafkaConsumer | None = None

    def hours_topic(self, provider: str) -> str:
        return self.topics[topics.hours(provider)].name

    async def start(self, cases: int, say: Callable[[str], None]) -> None:
        self.cases = cases
        await wire.create(self.bootstrap, self.topics.values())
        setup: list[tuple[str, Record]] = [
            (
                self.topics[topics.CLOCK].name,
                wire.encoded(ev.DayStarted(day=DAY, at=datetime(2026, 3, 31, 6, tzinfo=UTC))),
            )
        ]
        for n in range(cases):
            provider = self.providers[n % len(self.providers)]
            for event in _case(n, provider):
                setup.append((self.topics[topics.CASES].name, wire.encoded(event)))
        await wire.produce(self.bootstrap, iter([setup]))
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, group_id=None, enable_auto_commit=False
        )
        await self._consumer.start()
        ledger = self.topics[topics.LEDGER].name
        parts = [TopicPartition(ledger, p) for p in range(self.topics[topics.LEDGER].partitions)]
        self._consumer.assign(parts)
        await self._consumer.seek_to_beginning(*parts)
        for p in self.processes:
            p.start()
        for p in self.processes:
            await asyncio.to_thread(p.wait_ready, 120.0)
        await self._wait_processed(self.topics[topics.CASES].name, len(setup) - 1, 600.0)
        warm = entries(self, 1, cases, prefix="warm")
        await wire.produce(self.bootstrap, iter([warm]))
        await self.wait_accepted({"warm-0"}, 600.0)
        say(f"billing {self.run}: {len(self.processes)} instance(s) ready, warm-up accepted")

    async def _wait_processed(self, topic: str, count: int, timeout_s: float) -> None:
        """Until billing's processes together processed ``count`` records of ``topic``: an
        entry that comes before its case's assignment is rejected (as it would be live), so
        the entries wait for the cases."""
        deadline = time.monotonic() + timeout_s
        while True:
            done = sum([await asyncio.to_thread(scrape_processed, p.port, topic)
                        for p in self.processes])  # fmt: skip
            if done >= count:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"billing processed {done:.0f} of {count} case records")
            await asyncio.sleep(0.2)

    async def wait_accepted(self, ids: set[str], timeout_s: float) -> float:
        """Read the ledger until every id in ``ids`` was accepted; returns when."""
        deadline = time.monotonic() + timeout_s
        assert self._consumer is not None
        while not ids <= self.accepted.keys():
            if time.monotonic() > deadline:
                missing = len(ids - self.accepted.keys())
                raise TimeoutError(f"{missing} entries not accepted in {timeout_s:.0f}s")
            await self.poll()
        return max(self.accepted[i] for i in ids)

    async def poll(self) -> None:
        assert self._consumer is not None
        fetched = await self._consumer.getmany(timeout_ms=200, max_records=5000)
        now = time.perf_counter()
        for recs in fetched.values():
            for rec in recs:
                if dict(rec.headers).get("ce_type") == ACCEPTED.encode():
                    self.accepted.setdefault(json.loads(rec.value)["entry_id"], now)

    async def stop(self) -> None:
        for p in self.processes:
            await asyncio.to_thread(p.stop)
        if self._consumer:
            await self._consumer.stop()


def new_run(
    run: str,
    bootstrap: str,
    env: dict[str, str],
    reference: ReferenceData,
    instances: int,
    log_dir: Path,
    port: int,
    extra: dict[str, str] | None = None,
) -> BillingRun:
    providers = [p.id for p in reference.providers]
    names = [topics.CASES, topics.CLOCK, topics.LEDGER]
    names += [t(p) for p in providers for t in (topics.hours, topics.feedback)]
    fresh = wire.fresh_topics(run, names)
    service_env = {
        **env,
        "SERVICE_NAME": "billing",
        "LOG_JSON": "true",
        "MONGODB_DATABASE": f"{run}_billing",
        "KAFKA_CONSUMER_GROUP": f"{run}-billing",
        "BILLING_CASES_TOPIC": fresh[topics.CASES].name,
        "BILLING_CLOCK_TOPIC": fresh[topics.CLOCK].name,
        "BILLING_LEDGER_TOPIC": fresh[topics.LEDGER].name,
        "BILLING_PROVIDER_TOPIC_PREFIX": f"{run}.{topics.PROVIDERS}",
        **(extra or {}),
    }
    processes = [
        ServiceProcess(
            "billing",
            port + i,
            {**service_env, "HTTP_PORT": str(port + i)},
            log_dir / f"{run}-billing-{i}.log",
        )
        for i in range(instances)
    ]
    return BillingRun(run, bootstrap, providers, fresh, processes, {})


def _case(n: int, provider: str) -> list[ev.Event]:
    case_id, person = f"C-{n:016x}", f"P-{n:016x}"
    on = date(2026, 3, 1)
    return [
        ev.CaseOpened(
            case_id=case_id,
            person_ref=person,
            opened_on=on,
            module=Module.WILLKOMMEN,
            module_until=on + timedelta(days=365),
            district=District.ALTSTADT,
            region=Region.MITTE,
        ),
        ev.CaseAssigned(
            case_id=case_id,
            person_ref=person,
            provider_id=provider,
            region=Region.MITTE,
            district=District.ALTSTADT,
            assigned_on=on,
            module=Module.WILLKOMMEN,
            reasons=[REASON],
            age_band=AgeBand.ADULT,
            household_size=1,
            languages=["ar"],
            residence_status=ResidenceStatus.AE_25_2,
        ),
    ]


def entries(
    run: BillingRun, count: int, cases: int, *, prefix: str, seed: int = 7
) -> list[tuple[str, Record]]:
    """``count`` valid entries on the assigned cases (ids ``<prefix>-<n>``), pre-encoded."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        case = rng.randrange(cases)
        provider = run.providers[case % len(run.providers)]
        entry = ev.HoursLogged(
            entry_id=f"{prefix}-{n}",
            case_id=f"C-{case:016x}",
            service_date=date(2026, 3, 1 + rng.randrange(30)),
            minutes=rng.choice((15, 30, 45, 60)),
            activity=rng.choice(("direct", "indirect")),
            domain=rng.choice(list(GoalDomain)),
            worker_ref="W1",
        )
        out.append((run.hours_topic(provider), wire.encoded(entry)))
    return out
