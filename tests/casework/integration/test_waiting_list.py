"""Full capacity: cases wait and are served oldest first as places free up (Süd: 2 places)."""

from __future__ import annotations

from datetime import date

import pytest
from msa_casework.domain.opening import case_id_for
from msa_contracts import topics
from msa_contracts.events import CaseAssigned, CaseClosed, CaseWaitlisted
from msa_contracts.values import District
from msa_kit.auth import Role

from tests.casework.builders import arrival, departed, erased
from tests.casework.integration.conftest import Running

pytestmark = pytest.mark.integration
AWO = topics.assignments("awo")


async def test_full_capacity_waitlists_and_closed_cases_serve_the_oldest_first(
    running: Running,
) -> None:
    tap, publish = running.tap, running.publish
    holders = [arrival(district=District.LEUBEN) for _ in range(2)]
    await publish.send(topics.PERSONS, *holders)
    for holder in holders:
        await tap.wait_for(case_id_for(holder.person_ref), CaseAssigned, topic=AWO)
    waiting = [
        arrival(district=District.PROHLIS, allocated_on=date(2026, 1, 20)),
        arrival(district=District.LEUBEN, allocated_on=date(2026, 1, 25)),
        arrival(district=District.PROHLIS, allocated_on=date(2026, 2, 1)),
    ]
    await publish.send(topics.PERSONS, *waiting)
    oldest, middle, youngest = (case_id_for(e.person_ref) for e in waiting)
    for case_id in (oldest, middle, youngest):
        (listed,) = await tap.wait_for(case_id, CaseWaitlisted, topic=topics.CASES)
        assert listed.reasons[0].code == "no-capacity"

    await publish.send(topics.PERSONS, departed(holders[0].person_ref, date(2026, 3, 1)))
    (first,) = await tap.wait_for(oldest, CaseAssigned, topic=AWO)
    await publish.send(topics.PERSONS, erased(holders[1].person_ref, date(2026, 3, 5)))
    (second,) = await tap.wait_for(middle, CaseAssigned, topic=AWO)

    assert (first.assigned_on, second.assigned_on) == (date(2026, 3, 1), date(2026, 3, 5))
    await tap.wait_for(case_id_for(holders[1].person_ref), CaseClosed, topic=AWO)
    assert tap.names(youngest, AWO) == []
    office = running.issuer.headers(Role.CASEWORKER)
    listed_now = (await running.http.get("/waiting-list", params={"region": "sued"},
                                         headers=office)).json()  # fmt: skip
    assert [(i["case_id"], i["position"]) for i in listed_now["items"]] == [(youngest, 1)]
