"""Accepted hours kept compactly: exact values, each entry once, units counted per person."""

from __future__ import annotations

from datetime import date

from msa_contracts.reference import ReferenceData
from msa_reporting.domain.fold import apply
from msa_reporting.domain.hours import Entry, HourBook
from msa_reporting.domain.projection import project
from msa_reporting.domain.world import World

from tests.reporting import builders as b
from tests.reporting.builders import Log

DAY = date(2026, 3, 10)


def test_an_entry_reads_back_exactly_even_with_zero_or_more_minutes_than_one_number_holds() -> None:
    book = HourBook()
    book.add("C-1", DAY, ("caritas", "language", "direct"), 0)
    book.add("C-1", date(2026, 3, 11), ("awo", "work", "indirect"), 50_000_000)
    entries = list(book.of("C-1"))
    assert entries[0] == Entry(DAY, "caritas", "language", "direct", 0)
    assert {e.on for e in entries[1:]} == {date(2026, 3, 11)}
    assert sum(e.minutes for e in entries[1:]) == 50_000_000
    assert (book.first_day, book.last_day) == (DAY, date(2026, 3, 11))


def test_a_repeated_entry_of_one_provider_counts_once() -> None:
    world = World()
    for event in (b.hours(1, DAY, 30, entry="E-1"), b.hours(1, DAY, 45, entry="E-1")):
        apply(world, event)
    assert [e.minutes for e in world.hours.of(b.case(1))] == [30]


def test_a_person_with_two_cases_is_one_unit_of_a_cell_whatever_the_order(
    reference: ReferenceData,
) -> None:
    second_case = b.opened(1, DAY).model_copy(update={"case_id": b.case(2)})
    log = Log().add(
        b.arrival(1, date(2026, 3, 1), "prohlis", "gestattung-55-asylg"),
        b.opened(1, DAY), second_case, b.opened(3, DAY),
        b.hours(1, DAY, 30), b.hours(3, DAY, 20), b.hours(2, DAY, 45),
    )  # fmt: skip
    table = project(log.stored, reference, 5).true["hours_direct"]
    assert table.values[("total", "total", "cumulative")] == 95
    assert table.units[("total", "total", "cumulative")] == 2  # person 1 and case 3's person
    assert table.units[("total", "total", "2026-03")] == 2
