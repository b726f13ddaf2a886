"""Goal progress and referrals reported by the provider."""

from __future__ import annotations

from datetime import date

from msa_contracts.events import (
    Event,
    GoalAchieved,
    GoalDropped,
    GoalProgressRecorded,
    GoalProgressReported,
    ReferralMade,
    ReferralRecorded,
    reason,
)

from msa_casework.domain.case import Case
from msa_casework.domain.facts import Outcome
from msa_casework.domain.reports import Sender, date_problems, gate, plan_problems, refuse
from msa_casework.domain.rules import Rules
from msa_casework.domain.state import GoalState, Referral


def report_progress(
    case: Case | None, report: GoalProgressReported, sender: Sender,
    latest_day: date | None, rules: Rules,
) -> Outcome:  # fmt: skip
    """A goal of the agreed plan moves on; an achieved or dropped goal stays so."""
    checked = gate(case, report.case_id, sender)
    if isinstance(checked, Outcome):
        return checked
    problems = date_problems(report.reported_on, "reported_on", checked, latest_day, rules)
    problems += plan_problems(checked, report.plan_id, report.reported_on, "reported_on")
    goal = checked.plan.goal(report.goal_id) if checked.plan else None
    if checked.plan is not None and goal is None:
        message = f"plan {report.plan_id} has no goal {report.goal_id}"
        problems.append(reason("goal-unknown", message, "goal_id"))
    if goal is not None and goal.settled:
        message = f"goal {goal.goal_id} was {goal.status} on {goal.status_on}"
        problems.append(reason("goal-settled", message, "status"))
    if problems or goal is None or checked.plan is None:
        return refuse(report.case_id, sender, problems)
    goal.status, goal.status_on = report.status, report.reported_on
    outcome = Outcome()
    outcome.tell(_progress(checked, goal, report, sender.provider_id), sender.provider_id)
    outcome.changed(checked)
    return outcome


def _progress(case: Case, goal: GoalState, report: GoalProgressReported, provider: str) -> Event:
    on = report.reported_on
    if report.status == "achieved":
        return GoalAchieved(
            case_id=case.case_id, provider_id=provider, goal_id=goal.goal_id, domain=goal.domain,
            measure_id=goal.measure_id, achieved_on=on,
            plan_agreed_on=case.plan.agreed_on if case.plan else on,
        )  # fmt: skip
    if report.status == "dropped":
        return GoalDropped(
            case_id=case.case_id, provider_id=provider, goal_id=goal.goal_id, domain=goal.domain,
            measure_id=goal.measure_id, dropped_on=on,
        )  # fmt: skip
    return GoalProgressRecorded(
        case_id=case.case_id, provider_id=provider, goal_id=goal.goal_id, domain=goal.domain,
        measure_id=goal.measure_id, reported_on=on,
    )  # fmt: skip


def record_referral(
    case: Case | None, referral: ReferralMade, sender: Sender, latest_day: date | None,
    rules: Rules,
) -> Outcome:  # fmt: skip
    """A referral to a counselling service counts toward its measure."""
    checked = gate(case, referral.case_id, sender)
    if isinstance(checked, Outcome):
        return checked
    problems = date_problems(referral.referred_on, "referred_on", checked, latest_day, rules)
    if not rules.measure_exists(referral.measure_id):
        message = f"no measure {referral.measure_id}"
        problems.append(reason("unknown-measure", message, "measure_id"))
    if any(r.referral_id == referral.referral_id for r in checked.referrals):
        message = f"referral {referral.referral_id} was recorded before"
        problems.append(reason("duplicate-referral", message, "referral_id"))
    if problems:
        return refuse(referral.case_id, sender, problems)
    checked.referrals.append(Referral(
        referral_id=referral.referral_id, provider_id=sender.provider_id,
        referred_on=referral.referred_on, service=referral.service,
        measure_id=referral.measure_id,
    ))  # fmt: skip
    outcome = Outcome()
    outcome.tell(
        ReferralRecorded(
            referral_id=referral.referral_id, case_id=checked.case_id,
            provider_id=sender.provider_id, referred_on=referral.referred_on,
            service=referral.service, measure_id=referral.measure_id,
        ),
        sender.provider_id,
    )  # fmt: skip
    outcome.changed(checked)
    return outcome
