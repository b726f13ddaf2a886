"""Deletion periods of case files: the decision, and the tick that deletes through build()."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from msa_casework.domain.case import Case
from msa_casework.domain.retention import Periods, expire, expires_on, is_due
from msa_casework.domain.rules import Rules
from msa_contracts import topics
from msa_contracts.events import CaseFileExpired
from msa_contracts.reference import ReferenceData

from tests.casework.builders import arrival, departed, erased, person_ref, tick
from tests.casework.harness import Harness, harness, names, only
from tests.casework.unit.domain_support import opened, rules_for

DAYS = st.integers(min_value=1, max_value=4000)
CLOSED = st.dates(min_value=date(2026, 1, 1), max_value=date(2040, 12, 31))
TODAY = st.dates(min_value=date(2026, 1, 1), max_value=date(2055, 12, 31))


def counting() -> object:
    numbers = itertools.count(1)
    return lambda: (f"C-f{next(numbers):015x}", f"P-f{next(numbers):015x}")


def closed_case(rules: Rules, closed_on: date) -> Case:
    case = opened(rules, allocated_on=date(2026, 1, 15))
    case.close(closed_on, "departed")
    return case


@given(closed_on=CLOSED, today=TODAY, days=DAYS)
def test_a_closed_case_is_due_exactly_from_its_period_s_end(
    reference: ReferenceData, closed_on: date, today: date, days: int
) -> None:
    periods = Periods(case_file_days=days)
    case = closed_case(rules_for(reference), closed_on)

    assert is_due(case, today, periods) == (today >= closed_on + timedelta(days=days))
    assert expires_on(closed_on, periods) == closed_on + timedelta(days=days)


@given(today=TODAY, days=DAYS)
def test_an_open_case_is_never_due(reference: ReferenceData, today: date, days: int) -> None:
    case = opened(rules_for(reference), allocated_on=date(2026, 1, 15))

    assert expire([case], today, Periods(days), counting()).deletions == []  # type: ignore[arg-type]


@given(closed=st.lists(CLOSED, min_size=1, max_size=6), today=TODAY, days=DAYS)
def test_expiry_names_each_due_case_once_with_fresh_replacements_and_an_audit_without_ids(
    reference: ReferenceData, closed: list[date], today: date, days: int
) -> None:
    rules, periods = rules_for(reference), Periods(days)
    cases = [closed_case(rules, on) for on in closed]
    for i, case in enumerate(cases):  # distinct cases
        case.case_id, case.person_ref = f"C-{i:016x}", f"P-{i:016x}"
    first = expire(cases, today, periods, counting())  # type: ignore[arg-type]
    again = expire(cases, today, periods, counting())  # type: ignore[arg-type]

    due = sorted(c.case_id for c in cases if is_due(c, today, periods))
    assert [d.case_id for d in first.deletions] == due
    assert [d.notice for d in first.deletions] == [d.notice for d in again.deletions]
    replacements = [d.notice.replacement_case_id for d in first.deletions]
    assert len(set(replacements)) == len(replacements)
    for deletion in first.deletions:
        assert deletion.notice.expired_on == today
        text = repr(deletion.audit)
        assert deletion.case_id not in text and deletion.notice.person_ref not in text


def test_a_period_shorter_than_a_day_is_refused() -> None:
    try:
        Periods(case_file_days=0)
    except ValueError as refused:
        assert "at least one day" in str(refused)
    else:
        raise AssertionError("a zero period was accepted")


async def test_a_closed_case_file_is_deleted_on_the_tick_its_period_ends(
    reference: ReferenceData,
) -> None:
    async with harness(reference, case_file_retention_days=30) as cw:
        ref = person_ref()
        await cw.send(arrival(ref, allocated_on=date(2026, 1, 15)))
        await cw.send(departed(ref, date(2026, 3, 1)))
        case_id = next(iter(cw.store.data.cases))

        assert names(await cw.send(tick(date(2026, 3, 30))), topics.CASES) == []
        emitted = await cw.send(tick(date(2026, 3, 31)))

        notice = only(emitted, CaseFileExpired)
        assert (notice.case_id, notice.person_ref) == (case_id, ref)
        assert notice.closed_on == date(2026, 3, 1)
        assert notice.replacement_case_id != case_id
        assert case_id not in cw.store.data.cases
        (audit,) = cw.store.data.audit
        assert audit["action"] == "case-file-deleted"
        assert case_id not in repr(audit) and ref not in repr(audit)
        assert ref not in repr(cw.store.data)


async def test_the_provider_that_last_held_the_case_hears_of_the_expiry(cw: Harness) -> None:
    ref = person_ref()
    await cw.send(arrival(ref, allocated_on=date(2026, 1, 15)))
    holder = (await cw.case(next(iter(cw.store.data.cases)))).provider_id
    await cw.send(erased(ref, date(2026, 2, 1)))

    emitted = await cw.send(tick(date(2029, 2, 1)))

    assert holder is not None
    assert names(emitted, topics.assignments(holder)) == ["CaseFileExpired"]


async def test_a_repeated_tick_deletes_nothing_new(reference: ReferenceData) -> None:
    async with harness(reference, case_file_retention_days=10) as cw:
        ref = person_ref()
        await cw.send(arrival(ref, allocated_on=date(2026, 1, 15)))
        await cw.send(departed(ref, date(2026, 2, 1)))
        assert names(await cw.send(tick(date(2026, 2, 11))), topics.CASES) == ["CaseFileExpired"]

        assert names(await cw.send(tick(date(2026, 2, 11))), topics.CASES) == []
        assert names(await cw.send(tick(date(2026, 2, 12))), topics.CASES) == []
        assert len(cw.store.data.audit) == 1


async def test_a_mentee_s_case_forgets_a_mentor_whose_file_expired(
    reference: ReferenceData,
) -> None:
    async with harness(reference, case_file_retention_days=10) as cw:
        mentor, mentee = person_ref(), person_ref()
        await cw.send(arrival(mentor, allocated_on=date(2024, 1, 15), languages=("ar",)))
        await cw.send(tick(date(2026, 1, 1)))
        await cw.send(arrival(mentee, allocated_on=date(2026, 1, 15), languages=("ar",)))
        mentee_case = next(
            cid for cid, doc in cw.store.data.cases.items() if doc["person_ref"] == mentee
        )
        if (await cw.case(mentee_case)).mentor_ref != mentor:
            raise AssertionError("the test needs a matched mentor; the matching rules changed")
        await cw.send(departed(mentor, date(2026, 2, 1)))

        await cw.send(tick(date(2026, 2, 11)))

        assert (await cw.case(mentee_case)).mentor_ref is None
        assert mentor not in repr(cw.store.data)
