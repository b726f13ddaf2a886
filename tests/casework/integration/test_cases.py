"""The case lifecycle on the real broker and store: open, assess, assign, reassign, close."""

from __future__ import annotations

from datetime import date

import pytest
from msa_casework.domain.opening import case_id_for
from msa_contracts import topics
from msa_contracts.events import (
    CaseAssessed,
    CaseAssigned,
    CaseClosed,
    CaseOpened,
    CaseReassigned,
)
from msa_contracts.values import District, ResidenceStatus

from tests.casework.builders import arrival, departed, erased, relocated, status_changed
from tests.casework.integration.conftest import Running

pytestmark = pytest.mark.integration


async def test_an_arrival_is_opened_assessed_and_assigned_on_both_topics(
    running: Running,
) -> None:
    event = arrival(district=District.ALTSTADT, languages=["fa"])
    case_id = case_id_for(event.person_ref)

    await running.publish.send(topics.PERSONS, event)

    tap = running.tap
    (assigned,) = await tap.wait_for(case_id, CaseAssigned, topic=topics.assignments("caritas"))
    await tap.wait_for(case_id, CaseAssigned, topic=topics.CASES)
    assert tap.names(case_id, topics.CASES) == ["CaseOpened", "CaseAssessed", "CaseAssigned"]
    opened = tap.about(case_id, topics.CASES)[0].event
    assert isinstance(opened, CaseOpened) and opened.module_until == date(2027, 1, 15)
    assert assigned.provider_id == "caritas" and assigned.languages == ["fa"]


async def test_relocation_to_another_region_reassigns_the_case(running: Running) -> None:
    event = arrival(district=District.PIESCHEN, languages=["uk"])
    case_id = case_id_for(event.person_ref)
    await running.publish.send(topics.PERSONS, event)
    await running.tap.wait_for(case_id, CaseAssigned, topic=topics.assignments("diakonie"))

    moved = relocated(event.person_ref, District.PIESCHEN, District.COTTA, date(2026, 4, 1))
    await running.publish.send(topics.PERSONS, moved)

    (reassigned,) = await running.tap.wait_for(
        case_id, CaseReassigned, topic=topics.assignments("diakonie")
    )
    assert (reassigned.from_provider_id, reassigned.to_provider_id) == ("diakonie", "drk")
    (assigned,) = await running.tap.wait_for(case_id, CaseAssigned, topic=topics.assignments("drk"))
    assert (assigned.region, assigned.district) == ("west", District.COTTA)


async def test_a_status_change_reassesses_the_case(running: Running) -> None:
    event = arrival(status=ResidenceStatus.GESTATTUNG)
    case_id = case_id_for(event.person_ref)
    await running.publish.send(topics.PERSONS, event)
    change = status_changed(
        event.person_ref, ResidenceStatus.AE_25_2, date(2026, 6, 1), ResidenceStatus.GESTATTUNG
    )
    await running.publish.send(topics.PERSONS, change)

    first, second = await running.tap.wait_for(case_id, CaseAssessed, topic=topics.CASES, count=2)

    assert (first.integration_course, first.perspective) == ("admissible-if-places", "temporary")
    assert (second.integration_course, second.assessed_on) == ("entitled", date(2026, 6, 1))


async def test_departure_and_erasure_close_the_case(running: Running) -> None:
    leaving, forgotten = arrival(), arrival()
    await running.publish.send(topics.PERSONS, leaving, forgotten)
    await running.publish.send(
        topics.PERSONS,
        departed(leaving.person_ref, date(2026, 3, 1)),
        erased(forgotten.person_ref, date(2026, 3, 2)),
    )

    caritas = topics.assignments("caritas")
    (gone,) = await running.tap.wait_for(case_id_for(leaving.person_ref), CaseClosed, topic=caritas)
    (erased_case,) = await running.tap.wait_for(
        case_id_for(forgotten.person_ref), CaseClosed, topic=topics.CASES
    )
    assert (gone.reason, gone.closed_on) == ("departed", date(2026, 3, 1))
    assert (erased_case.reason, erased_case.closed_on) == ("erased", date(2026, 3, 2))
    stored = await running.casework.store.reader().case(erased_case.case_id)
    assert stored is not None and stored.needs is None
