"""The Integrationsplan: validate and agree a submitted plan; record its reviews."""

from __future__ import annotations

from datetime import date

from msa_contracts.events import (
    IntegrationPlanAgreed,
    IntegrationPlanRejected,
    IntegrationPlanSubmitted,
    PlanReviewed,
    PlanReviewRecorded,
    Reason,
    reason,
)

from msa_casework.domain.calendar import add_months
from msa_casework.domain.case import Case
from msa_casework.domain.eligibility import may_attend_course
from msa_casework.domain.facts import Outcome
from msa_casework.domain.reports import Sender, date_problems, gate, plan_problems, refuse
from msa_casework.domain.rules import Rules
from msa_casework.domain.state import GoalState, Plan


def submit_plan(
    case: Case | None, plan: IntegrationPlanSubmitted, sender: Sender,
    latest_day: date | None, rules: Rules,
) -> Outcome:  # fmt: skip
    """Agree the plan, or reject it listing every problem; a new plan replaces the old one."""
    checked = gate(case, plan.case_id, sender)
    if isinstance(checked, Outcome):
        return checked
    problems = date_problems(
        plan.agreed_with_person_on, "agreed_with_person_on", checked, latest_day, rules
    )
    if checked.plan is not None and checked.plan.plan_id == plan.plan_id:
        message = f"plan {plan.plan_id} was agreed before"
        problems.append(reason("plan-already-agreed", message, "plan_id"))
    problems += goal_problems(checked, plan, rules)
    outcome = Outcome()
    if problems:
        outcome.tell(IntegrationPlanRejected(plan_id=plan.plan_id, case_id=plan.case_id,
                                             provider_id=sender.provider_id, reasons=problems),
                     sender.provider_id)  # fmt: skip
        return outcome
    return _agree(checked, plan, sender, rules)


def goal_problems(case: Case, plan: IntegrationPlanSubmitted, rules: Rules) -> list[Reason]:
    """Unique ids; known measure and domain; a target after the agreement and within the
    limit; no integration-course measure for a person who is not eligible."""
    problems: list[Reason] = []
    seen: set[str] = set()
    agreed_on = plan.agreed_with_person_on
    latest_target = add_months(agreed_on, rules.max_target_months)
    for i, goal in enumerate(plan.goals):
        at = f"goals[{i}]"

        def problem(code: str, field: str, message: str, at: str = at) -> None:
            problems.append(reason(code, message, f"{at}.{field}"))

        if goal.goal_id in seen:
            problem("duplicate-goal-id", "goal_id", f"goal id {goal.goal_id} is used twice")
        seen.add(goal.goal_id)
        if not rules.measure_exists(goal.measure_id):
            problem("unknown-measure", "measure_id", f"no measure {goal.measure_id}")
        if not rules.domain_exists(goal.domain):
            problem("unknown-domain", "domain", f"no goal domain {goal.domain}")
        if goal.target_date <= agreed_on:
            problem(
                "target-date-not-after-agreement",
                "target_date",
                f"{goal.target_date} is not after the agreement on {agreed_on}",
            )
        elif goal.target_date > latest_target:
            problem("target-date-too-far", "target_date", f"{goal.target_date} is more than "
                    f"{rules.max_target_months} months after the agreement")  # fmt: skip
        if goal.measure_id in rules.course_measures and not may_attend_course(case.assessment):
            rule = case.assessment.course_rule
            problem("course-not-eligible", "measure_id", f"{goal.measure_id} is an integration "
                    f"course; the person is not eligible ({rule})")  # fmt: skip
    return problems


def record_review(
    case: Case | None, review: PlanReviewed, sender: Sender, latest_day: date | None,
    rules: Rules,
) -> Outcome:  # fmt: skip
    """Record the review; the next one is due six months later."""
    checked = gate(case, review.case_id, sender)
    if isinstance(checked, Outcome):
        return checked
    problems = date_problems(review.reviewed_on, "reviewed_on", checked, latest_day, rules)
    problems += plan_problems(checked, review.plan_id, review.reviewed_on, "reviewed_on")
    if problems or checked.plan is None:
        return refuse(review.case_id, sender, problems)
    plan = checked.plan
    plan.reviewed_on.append(review.reviewed_on)
    plan.review_due_on = add_months(plan.last_review, rules.modules.plan_review_months)
    outcome = Outcome()
    outcome.tell(
        PlanReviewRecorded(
            plan_id=plan.plan_id, case_id=checked.case_id, provider_id=sender.provider_id,
            reviewed_on=review.reviewed_on, next_due_on=plan.review_due_on,
        ),
        sender.provider_id,
    )  # fmt: skip
    outcome.changed(checked)
    return outcome


def _agree(case: Case, plan: IntegrationPlanSubmitted, sender: Sender, rules: Rules) -> Outcome:
    agreed_on = plan.agreed_with_person_on
    case.plan = Plan(
        plan_id=plan.plan_id, provider_id=sender.provider_id, agreed_on=agreed_on,
        goals=[GoalState(**goal.model_dump()) for goal in plan.goals],
        review_due_on=add_months(agreed_on, rules.modules.plan_review_months),
    )  # fmt: skip
    outcome = Outcome()
    outcome.tell(
        IntegrationPlanAgreed(
            plan_id=plan.plan_id, case_id=case.case_id, provider_id=sender.provider_id,
            agreed_on=agreed_on, goals=list(plan.goals),
            review_due_on=case.plan.review_due_on,
        ),
        sender.provider_id,
    )  # fmt: skip
    outcome.changed(case)
    return outcome
