"""What happened in a simulated period, computed from the services' published events."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from msa_contracts.events import (
    ArrivalRegistered,
    CaseAssigned,
    CaseClosed,
    CaseOpened,
    CaseReassigned,
    CaseWaitlisted,
    FachleistungApproved,
    GoalAchieved,
    GoalDropped,
    IntegrationPlanAgreed,
    MentorMatched,
    ReferralRecorded,
)
from msa_contracts.reference import ReferenceData
from msa_contracts.topics import CASES
from rich.console import Console
from rich.table import Table

from msa_ops.sim.truth import Observed


@dataclass(frozen=True)
class Summary:
    arrivals: int
    cases_opened: int
    by_provider: Counter[str]
    by_region: Counter[str]
    waiting: int
    waiting_by_region: Counter[str]
    plans_agreed: int
    goals_achieved: int
    goals_dropped: int
    approvals: int
    mentors: int
    referrals: int
    achieved_by_field: Counter[str]


def summarise(observed: Observed, reference: ReferenceData) -> Summary:
    """Current assignment per case (last event wins), plus counts of outcome events."""
    holder: dict[str, tuple[str | None, str]] = {}
    for topic, env in observed.envelopes:
        e = env.event
        if topic != CASES:  # per-case order holds within the cases topic only
            continue
        if isinstance(e, CaseAssigned):
            holder[e.case_id] = (e.provider_id, e.region.value)
        elif isinstance(e, CaseWaitlisted):
            holder[e.case_id] = (None, e.region.value)
        elif isinstance(e, CaseReassigned) and e.to_provider_id is None:
            holder[e.case_id] = (None, holder.get(e.case_id, (None, "?"))[1])
        elif isinstance(e, CaseClosed):
            holder.pop(e.case_id, None)
    field_of = {m.id: m.field for m in reference.measures}
    achieved = _unique(observed, GoalAchieved)
    return Summary(
        arrivals=len(_unique(observed, ArrivalRegistered)),
        cases_opened=len(_unique(observed, CaseOpened)),
        by_provider=Counter(p for p, _ in holder.values() if p),
        by_region=Counter(r for _, r in holder.values()),
        waiting=sum(1 for p, _ in holder.values() if p is None),
        waiting_by_region=Counter(r for p, r in holder.values() if p is None),
        plans_agreed=len(_unique(observed, IntegrationPlanAgreed)),
        goals_achieved=len(achieved),
        goals_dropped=len(_unique(observed, GoalDropped)),
        approvals=len(_unique(observed, FachleistungApproved)),
        mentors=len(_unique(observed, MentorMatched)),
        referrals=len(_unique(observed, ReferralRecorded)),
        achieved_by_field=Counter(field_of[g.measure_id] for g in achieved),  # type: ignore[attr-defined]
    )


def _unique(observed: Observed, kind: type) -> list[object]:
    """Events of ``kind`` once each (one fact may reach several topics under one ce_id)."""
    seen: dict[str, object] = {}
    for _, env in observed.envelopes:
        if isinstance(env.event, kind):
            seen.setdefault(env.id, env.event)
    return list(seen.values())


def print_summary(summary: Summary, reference: ReferenceData, console: Console) -> None:
    """The period for people in the office: German (docs/LANGUAGE.md)."""
    overview = Table(title="Simulierter Zeitraum: was geschah", show_header=False)
    for label, value in (
        ("Ankünfte registriert", summary.arrivals),
        ("Fälle eröffnet", summary.cases_opened),
        ("auf der Warteliste", summary.waiting),
        ("Integrationspläne vereinbart", summary.plans_agreed),
        ("Ziele erreicht", summary.goals_achieved),
        ("Ziele aufgegeben", summary.goals_dropped),
        ("Fachleistungen bewilligt", summary.approvals),
        ("Mentorinnen und Mentoren vermittelt", summary.mentors),
        ("Vermittlungen erfasst", summary.referrals),
    ):
        overview.add_row(label, str(value))
    console.print(overview)
    cases = Table("Träger", "offene Fälle", title="Fälle je Träger")
    for provider in sorted(summary.by_provider):
        cases.add_row(provider, str(summary.by_provider[provider]))
    console.print(cases)
    regions = Table("Region", "offene Fälle", title="Fälle je MSA-Region")
    for region in reference.regions:
        regions.add_row(region.de, str(summary.by_region.get(region.id.value, 0)))
    console.print(regions)
    fields = Table("Teilbereich", "Ziele erreicht", title="Erreichte Ziele je Teilbereich")
    for f in reference.fields:
        if summary.achieved_by_field.get(f.id):
            fields.add_row(f"{f.id} {f.de}", str(summary.achieved_by_field[f.id]))
    console.print(fields)
