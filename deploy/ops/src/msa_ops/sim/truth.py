"""Ground truth: what the simulator sent and what it expects, and what it observed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from msa_contracts.envelope import Envelope
from msa_contracts.events import (
    CaseAssigned,
    CaseClosed,
    CaseOpened,
    CaseWaitlisted,
    FachleistungRejected,
    GoalProgressReported,
    HoursRejected,
    IntegrationPlanRejected,
    IntegrationPlanSubmitted,
    ProviderReportRejected,
)
from msa_contracts.reference import ReferenceData

from msa_ops.sim.agents import Action
from msa_ops.sim.hours import HoursTruth, hour_answers
from msa_ops.sim.placement import PlacementModel
from msa_ops.sim.population import Arrival

Move = tuple[date, Literal["arrive", "depart"], str]  # (day, what, notice id)
REJECTIONS = (IntegrationPlanRejected, ProviderReportRejected, FachleistungRejected, HoursRejected)


@dataclass
class Truth:
    """Expectations recorded while sending."""

    persons: int = 0
    replays: int = 0
    notices: set[str] = field(default_factory=set)
    arrivals: dict[str, Arrival] = field(default_factory=dict)  # per notice id, as announced
    names: list[str] = field(default_factory=list)  # personal data sent, to scan for leaks
    reports: dict[str, Action] = field(default_factory=dict)
    hours: HoursTruth = field(default_factory=HoursTruth)  # hour entries and invoices (billing)
    moves: list[Move] = field(default_factory=list)  # in the order casework had to decide them
    cases: dict[str, str] = field(default_factory=dict)  # notice id -> case id (CaseOpened)

    def placement(self, reference: ReferenceData) -> PlacementModel:
        """Casework's placements as the independent model predicts them: the arrivals and
        departures replayed in the order the paced scenario made casework decide them."""
        model = PlacementModel(reference)
        for day, what, notice in self.moves:
            if what == "arrive":
                a = self.arrivals[notice]
                model.arrive(notice, a.district.value, a.languages, day)
            else:
                model.depart(notice, day)
        return model

    def expected(self, kind: str, outcome: str | None = None) -> int:
        """How many reports of event ``kind`` expect acceptance (or goal ``outcome``)."""
        return sum(
            1
            for a in self.reports.values()
            if a.event.name() == kind
            and a.expect == "accepted"
            and (outcome is None or a.goal_outcome == outcome)
        )

    def expected_measures(self, outcome: str) -> Counter[str]:
        """Goals per measure that the simulator reports with ``outcome`` (and expects accepted)."""
        plans = {
            a.event.plan_id: a.event
            for a in self.reports.values()
            if isinstance(a.event, IntegrationPlanSubmitted) and a.expect == "accepted"
        }
        counts: Counter[str] = Counter()
        for a in self.reports.values():
            ev = a.event
            if isinstance(ev, GoalProgressReported) and a.goal_outcome == outcome:
                plan = plans.get(ev.plan_id)
                if plan is not None:
                    goal = next(g for g in plan.goals if g.goal_id == ev.goal_id)
                    counts[goal.measure_id] += 1
        return counts


@dataclass
class Observed:
    """What the services answered, read from their topics."""

    envelopes: list[tuple[str, Envelope]]

    def of(self, kind: type) -> list[object]:
        return [e.event for _, e in self.envelopes if isinstance(e.event, kind)]

    def opened(self) -> list[CaseOpened]:
        return self.of(CaseOpened)  # type: ignore[return-value]

    def closed(self) -> set[str]:
        return {e.case_id for e in self.of(CaseClosed)}  # type: ignore[attr-defined]

    def settled(self) -> bool:
        """Every opened case was assigned or put on the waiting list."""
        decided = {e.case_id for e in self.of(CaseAssigned) + self.of(CaseWaitlisted)}  # type: ignore[attr-defined]
        return all(c.case_id in decided for c in self.opened())

    def hour_answers(self) -> dict[str, list[object]]:
        """Billing's answers (HoursAccepted/HoursRejected) per hour entry record (ce_id)."""
        return hour_answers(self.envelopes)

    def first_answers(self) -> dict[str, object]:
        """Casework's first answer event per report id (its causation id)."""
        found: dict[str, object] = {}
        for _, env in self.envelopes:
            if env.causation_id and env.causation_id not in found:
                found[env.causation_id] = env.event
        return found

    def answers(self) -> dict[str, str]:
        """'accepted' or 'rejected' per report id (causation id of casework's first answer)."""
        return {
            report: "rejected" if isinstance(answer, REJECTIONS) else "accepted"
            for report, answer in self.first_answers().items()
        }
