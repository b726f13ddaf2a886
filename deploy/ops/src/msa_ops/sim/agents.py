"""How a simulated provider works a case: pure planning of its reports, seeded per case.

Each action says on which simulated day it is sent and which answer casework should give,
so the scenario can check every answer against this ground truth.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from msa_contracts.events import (
    CaseAssigned,
    Event,
    FachleistungRequested,
    Goal,
    GoalProgressReported,
    IntegrationPlanSubmitted,
    ReferralMade,
)
from msa_contracts.events.parts import ReferralService
from msa_contracts.reference import ReferenceData
from msa_contracts.values import GoalDomain

Answer = Literal["accepted", "rejected"]
GoalStatus = Literal["in_progress", "achieved", "dropped"]
INDICATORS = {
    GoalDomain.LANGUAGE: "Sprachniveau A2 nachgewiesen",
    GoalDomain.WORK_EDUCATION: "Ausbildungs- oder Arbeitsvertrag liegt vor",
    GoalDomain.HOUSING: "Mietvertrag für eigene Wohnung",
    GoalDomain.HEALTH: "Hausarzt gefunden, Vorsorge wahrgenommen",
    GoalDomain.MATERIAL_SECURITY: "Leistungsbescheid liegt vor",
    GoalDomain.SOCIAL_CONTACTS: "Regelmäßige Teilnahme an einem Treffpunkt",
    GoalDomain.VALUES_EVERYDAY: "Orientierungskurs abgeschlossen",
    GoalDomain.CRISIS: "Stabilisierung, Krisenplan vereinbart",
    GoalDomain.SPECIAL_CIRCUMSTANCES: "Passende Fachberatung angebunden",
}
REFERRALS: dict[ReferralService, str] = {
    "debt": "M62",
    "family": "M63",
    "addiction": "M64",
    "health": "M39",
}


@dataclass(frozen=True)
class Action:
    """A report the provider sends on ``day``, and the answer it expects."""

    day: date
    provider: str
    event: Event
    expect: Answer
    goal_outcome: str | None = None


def case_rng(case_id: str, seed: int) -> random.Random:
    digest = hashlib.sha256(f"{seed}:{case_id}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def plan_case(
    assigned: CaseAssigned, reference: ReferenceData, *, seed: int, course_eligible: bool
) -> list[Action]:
    """The reports the assigned provider will send about this case."""
    rng = case_rng(assigned.case_id, seed)
    p, case, start = assigned.provider_id, assigned.case_id, assigned.assigned_on
    plan_day = start + timedelta(days=rng.randint(2, 8))
    domains = rng.sample(list(GoalDomain), rng.randint(2, 4))
    goals = [
        _goal(f"g{i + 1}", d, plan_day, reference, rng, course_eligible)
        for i, d in enumerate(domains)
    ]
    plan = IntegrationPlanSubmitted(
        plan_id=f"plan-{case[-8:]}", case_id=case, agreed_with_person_on=plan_day, goals=goals
    )
    actions = [Action(plan_day, p, plan, "accepted")]
    for goal in goals:
        roll = rng.random()
        status: GoalStatus = (
            "achieved" if roll < 0.55 else "dropped" if roll < 0.65 else "in_progress"
        )
        day = plan_day + timedelta(days=rng.randint(8, 40))
        report = GoalProgressReported(
            case_id=case, plan_id=plan.plan_id, goal_id=goal.goal_id, status=status, reported_on=day
        )
        actions.append(Action(day, p, report, "accepted", goal_outcome=status))
    roll = rng.random()
    if roll < 0.3:
        above = roll < 0.25
        hours = rng.randint(40, 120) if above else rng.randint(10, 34)
        expect: Answer = "accepted" if above else "rejected"
        day = start + timedelta(days=rng.randint(5, 20))
        request = FachleistungRequested(
            request_id=f"fl-{case[-8:]}",
            case_id=case,
            requested_on=day,
            projected_hours=hours,
            domains=domains[:2],
        )
        actions.append(Action(day, p, request, expect))
    if rng.random() < 0.2:
        service: ReferralService = rng.choice(list(REFERRALS))
        day = plan_day + timedelta(days=rng.randint(1, 20))
        referral = ReferralMade(
            referral_id=f"ref-{case[-8:]}",
            case_id=case,
            referred_on=day,
            service=service,
            measure_id=REFERRALS[service],
        )
        actions.append(Action(day, p, referral, "accepted"))
    return actions


def spoofed_plan(assigned: CaseAssigned, intruder: str) -> Action:
    """Another provider reports on a case that is not its own: casework must reject it."""
    goal = Goal(
        goal_id="g1",
        domain=GoalDomain.HOUSING,
        measure_id="M08",
        indicator="Mietvertrag",
        target_date=assigned.assigned_on + timedelta(days=120),
        responsible="provider",
    )
    plan = IntegrationPlanSubmitted(
        plan_id=f"spoof-{assigned.case_id[-8:]}",
        case_id=assigned.case_id,
        agreed_with_person_on=assigned.assigned_on + timedelta(days=1),
        goals=[goal],
    )
    return Action(assigned.assigned_on + timedelta(days=1), intruder, plan, "rejected")


def _goal(
    goal_id: str,
    domain: GoalDomain,
    day: date,
    reference: ReferenceData,
    rng: random.Random,
    course_eligible: bool,
) -> Goal:
    if domain is GoalDomain.LANGUAGE:
        measure = "M19" if course_eligible else "M20"
    else:
        field = next(d.field for d in reference.domains if d.id == domain)
        measure = rng.choice([m.id for m in reference.measures if m.field == field])
    return Goal(
        goal_id=goal_id,
        domain=domain,
        measure_id=measure,
        indicator=INDICATORS[domain],
        target_date=day + timedelta(days=rng.randint(60, 270)),
        responsible=rng.choice(["person", "provider"]),
    )
