"""A simulated period, day by day, through the real services over Kafka.

Each day: the clock ticks, the allocation system announces the day's arrivals (some notices
twice), the simulator waits until casework has assigned or wait-listed every case, then the
providers send the reports due that day and the simulator waits until each is answered.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from msa_contracts.events import CaseAssigned, DayStarted, PersonAllocated
from msa_contracts.reference import ReferenceData
from msa_contracts.sealing import seal_identity
from msa_contracts.topics import catalogue

from msa_ops.sim.agents import Action, plan_case, spoofed_plan
from msa_ops.sim.bus import Bus
from msa_ops.sim.hours import HourLogging
from msa_ops.sim.population import Arrival, arrivals
from msa_ops.sim.truth import Observed, Truth

Progress = Callable[[str], None]
Pace = Callable[[int], Awaitable[None]]  # awaited before day n (0-based) begins


@dataclass(frozen=True)
class ScenarioConfig:
    seed: int = 7
    persons: int = 40
    start: date = date(2026, 3, 2)
    days: int = 30
    arrival_days: int = 20
    replay_share: float = 0.05
    spoof_share: float = 0.05
    wait_s: float = 60.0
    hours: bool = False  # providers log hours (needs billing running); see sim/hours.py
    hold_days: int = 30  # billing's BILLING_HOLD_DAYS, to know when held entries are answered


@dataclass
class Scenario:
    bus: Bus
    reference: ReferenceData
    config: ScenarioConfig
    intake_public_key: str
    intake_key_id: str
    progress: Progress = lambda _m: None
    pace: Pace | None = None  # e.g. a fault injector that must not fall behind the days
    truth: Truth = field(default_factory=Truth)
    _planned: set[str] = field(default_factory=set)
    _queue: list[Action] = field(default_factory=list)

    @property
    def observed(self) -> Observed:
        return Observed(self.bus.seen)

    async def run(self) -> Truth:
        cfg = self.config
        people = arrivals(
            self.reference, seed=cfg.seed, count=cfg.persons, start=cfg.start, days=cfg.arrival_days
        )
        rng = random.Random(cfg.seed)
        hours = self._hour_logging()
        for offset in range(cfg.days):
            day = cfg.start + timedelta(days=offset)
            if self.pace is not None:
                await self.pace(offset)
            await self.bus.send("msa.clock", DayStarted(day=day, at=_at(day)), source="/sim/clock")
            if hours is not None:
                await hours.day_started(day)
            todays = [a for a in people if a.allocated_on == day]
            for arrival in todays:
                await self._announce(arrival, day)
                if rng.random() < cfg.replay_share:
                    await self._announce(arrival, day)
                    self.truth.replays += 1
            await self.bus.until(
                lambda: (
                    len(self.observed.opened()) >= self.truth.persons and self.observed.settled()
                ),
                timeout_s=cfg.wait_s,
                what=f"cases of {day} to be assigned or wait-listed",
            )
            self._plan_new_assignments(rng)
            await self._send_due(day)
            if hours is not None:
                await hours.log(day)
            self.progress(
                f"{day}: {self.truth.persons} arrivals, {len(self.truth.reports)} reports answered"
            )
        return self.truth

    def _hour_logging(self) -> HourLogging | None:
        cfg = self.config
        if not cfg.hours:
            return None
        return HourLogging(self.bus, self.reference, cfg.seed, cfg.hold_days, cfg.wait_s,
                           self.truth.hours)  # fmt: skip

    async def _announce(self, a: Arrival, day: date) -> None:
        sealed = seal_identity(self.intake_public_key, self.intake_key_id, a.identity)
        notice = PersonAllocated(
            notice_id=a.notice_id,
            allocated_on=a.allocated_on,
            identity=sealed,
            household_size=a.household_size,
            languages=list(a.languages),
            residence_status=a.residence_status,
            status_valid_from=a.allocated_on,
            district=a.district,
            accommodation_type=a.accommodation,
            vulnerabilities=list(a.vulnerabilities),
        )
        await self.bus.send(
            "msa.allocation.notices", notice, source="/sim/allocation-system", at=_at(day)
        )
        if a.notice_id not in self.truth.notices:
            self.truth.persons += 1
            self.truth.notices.add(a.notice_id)
            self.truth.arrivals[a.notice_id] = a
            self.truth.names += [a.identity.family_name, a.identity.phone or ""]

    def _plan_new_assignments(self, rng: random.Random) -> None:
        providers = [p.id for p in self.reference.providers]
        for event in self.observed.of(CaseAssigned):
            assert isinstance(event, CaseAssigned)
            if event.case_id in self._planned:
                continue
            self._planned.add(event.case_id)
            rule = self.reference.status_rule(event.residence_status)
            self._queue += plan_case(
                event,
                self.reference,
                seed=self.config.seed,
                course_eligible=rule.course != "not-eligible",
            )
            if rng.random() < self.config.spoof_share:
                intruder = rng.choice([p for p in providers if p != event.provider_id])
                self._queue.append(spoofed_plan(event, intruder))

    async def _send_due(self, day: date) -> None:
        due = [a for a in self._queue if a.day <= day]
        self._queue = [a for a in self._queue if a.day > day]
        cat = catalogue()
        sent = []
        for action in sorted(due, key=lambda a: (a.day, a.event.subject())):
            topic = cat.provider_topic(action.provider, "reports")
            ce_id = await self.bus.send(
                topic, action.event, source=f"/providers/{action.provider}", at=_at(day)
            )
            self.truth.reports[ce_id] = action
            sent.append(ce_id)
        await self.bus.until(
            lambda: set(sent) <= self.observed.answers().keys(),
            timeout_s=self.config.wait_s,
            what=f"answers to {day}'s reports",
        )


def _at(day: date) -> datetime:
    return datetime.combine(day, time(8), tzinfo=UTC)
