"""Ticks on the clock topic drive reviews due and the module change after twelve months."""

from __future__ import annotations

from datetime import date

import pytest
from msa_casework.domain.opening import case_id_for
from msa_contracts import topics
from msa_contracts.events import CaseAssigned, IntegrationPlanAgreed, ModuleChanged, PlanReviewDue
from msa_contracts.values import Module

from tests.casework.builders import arrival, goal, plan, tick
from tests.casework.integration.conftest import Running

pytestmark = pytest.mark.integration
CARITAS = topics.assignments("caritas")


async def test_ticks_announce_the_review_after_six_months_and_change_the_module_after_twelve(
    running: Running,
) -> None:
    # Dates after every other test's, so the ticks decide nothing they still wait for.
    event = arrival(allocated_on=date(2030, 1, 10))
    case_id = case_id_for(event.person_ref)
    await running.publish.send(topics.PERSONS, event)
    await running.tap.wait_for(case_id, CaseAssigned, topic=CARITAS)
    agreed_plan = plan(event.person_ref, goal(target_date=date(2030, 12, 1)),
                       agreed_on=date(2030, 2, 1))  # fmt: skip
    await running.publish.send(topics.reports("caritas"), agreed_plan)
    await running.tap.wait_for(case_id, IntegrationPlanAgreed, topic=CARITAS)

    await running.publish.send(topics.CLOCK, tick(date(2030, 7, 31)), tick(date(2030, 8, 1)))
    (due,) = await running.tap.wait_for(case_id, PlanReviewDue, topic=CARITAS)
    await running.publish.send(topics.CLOCK, tick(date(2031, 1, 9)), tick(date(2031, 1, 10)))
    (changed,) = await running.tap.wait_for(case_id, ModuleChanged, topic=topics.CASES)

    assert (due.reason, due.due_on) == ("six-months", date(2030, 8, 1))
    assert (changed.module, changed.since) == (Module.INTEGRATIONSBUERO, date(2031, 1, 10))
    assert changed.reason.code == "willkommen-ended"
