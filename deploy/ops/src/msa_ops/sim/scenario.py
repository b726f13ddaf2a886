"""A simulated period, day by day, through the real services over Kafka.

Each day: the clock ticks, the allocation system announces the day's arrivals (some notices
twice) one at a time, waiting until casework has assigned or wait-listed each case before
announcing the next, then the providers send the reports due that day and the simulator
waits until each is answered.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from msa_contracts.events import CaseAssigned, DayStarted, PersonAllocated, SpecialCategories
from msa_contracts.events.clock import tick_id
from msa_contracts.reference import ReferenceData
from msa_contracts.sealing import seal_identity
from msa_contracts.topics import CLOCK, NOTICES, catalogue
from msa_kit.city_day import city_midnight

from msa_ops.sim.agents import Action, case_rng, plan_case, spoofed_plan
from msa_ops.sim.bus import Bus
from msa_ops.sim.hours import HourLogging
from msa_ops.sim.population import Arrival, arrivals
from msa_ops.sim.truth import Observed, Truth

Progress = Callable[[str], None]
Depart = Callable[[str, date], Awaitable[None]]  # (person_ref, departed_on): intake's front desk
Pace = Callable[[int], Awaitable[None]]  # awaited before day n (0-based) begins
Tick = Callable[[date], Awaitable[None]]  # starts a day: publish its tick, or have it published


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
    departures: float = 0.0  # share of assigned persons who leave Dresden (needs ``Depart``)
    #: earlier residents: allocated ``residents_days_before`` days before ``start`` (over 4
    #: weeks), announced on the first day; they can mentor newcomers (measure plan T10)
    residents: int = 0
    residents_days_before: int = 240


@dataclass
class Scenario:
    bus: Bus
    reference: ReferenceData
    config: ScenarioConfig
    intake_public_key: str
    intake_key_id: str
    progress: Progress = lambda _m: None
    depart: Depart | None = None
    pace: Pace | None = None  # e.g. a fault injector that must not fall behind the days
    #: how a day starts: by default the simulator is the clock and publishes the tick; a
    #: run with the real scheduler moves the scheduler's clock and waits for its tick
    tick: Tick | None = None
    truth: Truth = field(default_factory=Truth)
    _leaving: dict[str, tuple[str, date]] = field(default_factory=dict)  # case -> (ref, day)
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
        earlier = arrivals(
            self.reference, seed=cfg.seed + 1000, count=cfg.residents,
            start=cfg.start - timedelta(days=cfg.residents_days_before), days=28,
        )  # fmt: skip
        rng = random.Random(cfg.seed)
        hours = self._hour_logging()
        for offset in range(cfg.days):
            day = cfg.start + timedelta(days=offset)
            if self.pace is not None:
                await self.pace(offset)
            await (self.tick or self._publish_tick)(day)
            if hours is not None:
                await hours.day_started(day)
            for arrival in [*(earlier if offset == 0 else ()),
                            *(a for a in people if a.allocated_on == day)]:  # fmt: skip
                await self._announce(arrival, day)
                if rng.random() < cfg.replay_share:
                    await self._announce(arrival, day)
                    self.truth.replays += 1
                await self._decided(arrival)
            await self._depart_due(day)
            self._plan_new_assignments(rng)
            await self._send_due(day)
            if hours is not None:
                await hours.log(day)
            self.progress(
                f"{day}: {self.truth.persons} Ankünfte, "
                f"{len(self.truth.reports)} Berichte beantwortet"
            )
        return self.truth

    async def _publish_tick(self, day: date) -> None:
        tick = DayStarted(day=day, at=city_midnight(day))
        await self.bus.send(CLOCK, tick, source="/sim/clock", event_id=tick_id(day))

    def _hour_logging(self) -> HourLogging | None:
        cfg = self.config
        if not cfg.hours:
            return None
        return HourLogging(self.bus, self.reference, cfg.seed, cfg.hold_days, cfg.wait_s,
                           self.truth.hours)  # fmt: skip

    async def _decided(self, arrival: Arrival) -> None:
        """Wait until casework has assigned or wait-listed the case of ``arrival``.

        Arrivals are paced, one decided before the next is announced: two arrivals of a day
        may compete for the last place of a region, and casework consumes from several
        partitions, so unpaced its decisions would depend on how partitions interleave. Paced,
        casework must decide in announcement order, the order ``Truth.placement`` replays.
        """
        await self.bus.until(
            lambda: len(self.observed.opened()) >= self.truth.persons and self.observed.settled(),
            timeout_s=self.config.wait_s,
            what=f"the case of {arrival.notice_id} to be assigned or wait-listed",
        )
        if arrival.notice_id not in self.truth.cases:
            known = set(self.truth.cases.values())
            opened = [c.case_id for c in self.observed.opened() if c.case_id not in known]
            self.truth.cases[arrival.notice_id] = opened[0]

    async def _depart_due(self, day: date) -> None:
        """The persons leaving today, one at a time: each closed case frees a place that
        casework gives to the longest waiting case, so the order must be determined too."""
        notice_of = {case: notice for notice, case in self.truth.cases.items()}
        for case_id, (person_ref, on) in sorted(self._leaving.items()):
            if on > day or self.depart is None:
                continue
            del self._leaving[case_id]
            self._queue = [a for a in self._queue if a.event.subject() != case_id]
            await self.depart(person_ref, day)
            self.truth.moves.append((day, "depart", notice_of[case_id]))
            await self.bus.until(
                lambda c=case_id: c in self.observed.closed() and self.observed.settled(),
                timeout_s=self.config.wait_s,
                what=f"case {case_id} to be closed",
            )

    async def _announce(self, a: Arrival, day: date) -> None:
        sealed = seal_identity(self.intake_public_key, self.intake_key_id, a.identity)
        special = SpecialCategories(vulnerabilities=list(a.vulnerabilities))
        boxed = seal_identity(self.intake_public_key, self.intake_key_id, special)
        notice = PersonAllocated(
            notice_id=a.notice_id,
            allocated_on=a.allocated_on,
            identity=sealed,
            special_categories=boxed if a.vulnerabilities else None,
            household_size=a.household_size,
            languages=list(a.languages),
            residence_status=a.residence_status,
            status_valid_from=a.allocated_on,
            district=a.district,
            accommodation_type=a.accommodation,
        )
        await self.bus.send(NOTICES, notice, source="/sim/allocation-system", at=_at(day))
        if a.notice_id not in self.truth.notices:
            self.truth.moves.append((day, "arrive", a.notice_id))
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
            leaves = case_rng(event.case_id, self.config.seed + 1)
            if leaves.random() < self.config.departures:
                on = event.assigned_on + timedelta(days=leaves.randint(20, 60))
                self._leaving[event.case_id] = (event.person_ref, on)
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
