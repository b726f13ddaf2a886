"""A replay on two cores folds some ledger partitions in a second process and adds its fold
to its own before settling, and counts the figures of every second unit in a fork: the
figures must equal folding every first delivery in one process, as the live projection
does."""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from msa_contracts.reference import ReferenceData
from msa_contracts.topics import CASES, LEDGER, PERSONS
from msa_reporting import replay_part
from msa_reporting.adapters.entry_spill import PART_SEQ, EntrySpill, ReusedEventId, Settled
from msa_reporting.adapters.log_reader import Gap
from msa_reporting.domain.compute import Tallies, compute, tables, tallies
from msa_reporting.domain.fold import fold
from msa_reporting.domain.hours import HourBook
from msa_reporting.domain.projection import figures_of, project
from msa_reporting.domain.stored import Stored, canonical
from msa_reporting.domain.world import World
from msa_reporting.replay_fold import FoldPart, RepeatedAcrossPartitions, ReplayFold, Seen
from msa_reporting.replay_part import RunningPart, true_tables, worker_share

from tests.reporting import builders as b
from tests.reporting import synthetic
from tests.reporting.unit.test_replay_fold import delivered, live

K = 5
MAR, APR, MAY = date(2026, 3, 10), date(2026, 4, 2), date(2026, 5, 20)


def in_two(ours: list[Stored], theirs: list[Stored], notes: Path,
           archived: Sequence[Stored] = ()) -> tuple[ReplayFold, Settled]:  # fmt: skip
    """The replay's two processes: ``archived`` folded first (chunks 1, 2, ...), then
    ``theirs`` as the second process folds them (given the ledger's ids kept so far; its
    result through pickle, as across the process boundary) and ``ours`` here, numbered apart
    (odd here, even there, after the archive's); then settled."""
    with EntrySpill(4) as spill:
        folding = ReplayFold(spill)
        for n, item in enumerate(archived, start=1):
            folding.fold(item, n)
        base = len(archived)
        second = EntrySpill(4, root=notes, first_seq=PART_SEQ)
        try:
            other = ReplayFold(second, Seen(folding.seen.of(LEDGER)))
            for n, item in enumerate(theirs):
                other.fold(item, base + 2 * n + 2)
            part: FoldPart = pickle.loads(pickle.dumps(other.part()))
        finally:
            second.close()
        for n, item in enumerate(ours):
            folding.fold(item, base + 2 * n + 1)
        folding.absorb(part)
        settled = folding.settle()
    return folding, settled


def later(offset: int, records: list[Stored]) -> list[Stored]:
    """The records further down their partitions (past ``offset``)."""
    return [replace(item, offset=item.offset + offset) for item in records]


def test_two_processes_fold_the_world_of_one(reference: ReferenceData, tmp_path: Path) -> None:
    ours = delivered(
        ("a1", b.arrival(1, MAR, "prohlis", "gestattung-55-asylg")), ("o1", b.opened(1, MAR)),
        ("a2", b.arrival(2, MAR, "neustadt", "ae-25-2")), ("o2", b.opened(2, MAR)),
        ("p1", b.plan(1, MAR, [b.goal("g1")])),
        ("h1", b.hours(1, MAR, 30, entry="E-1")),
        ("h2", b.hours(1, APR, 45, provider="awo", entry="E-2", activity="indirect")),
        ("h2", b.hours(1, APR, 45, provider="awo", entry="E-2", activity="indirect")),
        ("i1", b.invoice("RE-2026-000001", "caritas", "2026-03", [(1, "2026-03", 10500)])),
    )  # fmt: skip
    theirs = delivered(
        # the same case's entries in the other process (its book grows behind ours), kinds
        # met in another order there, a repeat of our entry under a new event id, and its
        # own repeated record
        ("h3", b.hours(1, MAY, 20, provider="awo", domain="work-education", entry="E-3")),
        ("h4", b.hours(1, MAY, 10, entry="E-4")),
        ("h5", b.hours(1, MAY, 99, entry="E-1")),
        ("h6", b.hours(2, APR, 15, entry="E-6")),
        ("h6", b.hours(2, APR, 15, entry="E-6")),
        ("i2", b.invoice("RE-2026-000002", "awo", "2026-04", [(2, "2026-04", 2100)])),
        partition=1,
    )  # fmt: skip
    folding, settled = in_two(ours, theirs, tmp_path)
    expected = project(live(ours + theirs), reference, K)
    assert folding.events == len(live(ours + theirs)) == 13
    assert figures_of(folding.world, reference, K, folding.events) == expected
    assert folding.world.hours.first_day == MAR and folding.world.hours.last_day == MAY
    # what goes from the archive: each repeated record, in the chunk its process wrote
    # (the second h2 here, 8th of ours: chunk 15; the second h6 there, 5th: chunk 10)
    assert {(p.chunk, p.partition, p.offset) for p in settled.events} == {(15, 0, 2), (10, 1, 4)}
    # and the repeated entry E-1 (a new event id, 3rd there: chunk 6) from the hour book,
    # at its place in ours: behind the case's 3 numbers here, the 3rd of its there
    assert {(p.chunk, p.offset, p.start) for p in settled.entries} - {
        (p.chunk, p.offset, p.start) for p in settled.events
    } == {(6, 2, 5)}  # fmt: skip


def test_repeats_of_archived_events_in_the_second_process_count_once(
    reference: ReferenceData, tmp_path: Path
) -> None:
    invoice = b.invoice("RE-2026-000001", "caritas", "2026-03", [(1, "2026-03", 10500)])
    archived = delivered(("o1", b.opened(1, MAR)), ("i1", invoice),
                         ("h1", b.hours(1, MAR, 30, entry="E-1")))  # fmt: skip
    # the ledger partition read on past the archive: both delivered again, an hour entry
    # under the invoice's id, and one more entry of the case (its book shifted behind ours)
    theirs = later(10, delivered(("i1", invoice), ("h1", b.hours(1, MAR, 30, entry="E-1")),
                                 ("i1", b.hours(1, APR, 5, entry="E-5")),
                                 ("h2", b.hours(1, APR, 45, entry="E-2"))))  # fmt: skip
    folding, settled = in_two([], theirs, tmp_path, archived)  # chunks 1-3, then 5, 7, ...
    records = [*archived, *theirs]
    assert folding.events == len(live(records)) == 4
    assert figures_of(folding.world, reference, K, folding.events) == project(
        live(records), reference, K
    )
    assert {(p.chunk, p.offset) for p in settled.events} == {(7, 11)}  # the second h1


def test_an_event_id_on_both_sides_is_refused(tmp_path: Path) -> None:
    invoice = b.invoice("RE-2026-000001", "caritas", "2026-03", [(1, "2026-03", 10500)])
    with pytest.raises(RepeatedAcrossPartitions, match="'i1'"):
        in_two(delivered(("i1", invoice)), delivered(("i1", invoice), partition=1), tmp_path)


def test_an_hour_entry_reusing_an_invoices_id_on_the_other_side_is_refused(
    tmp_path: Path,
) -> None:
    invoice = b.invoice("RE-2026-000001", "caritas", "2026-03", [(1, "2026-03", 10500)])
    with pytest.raises(ReusedEventId):
        hours = delivered(("x", b.hours(1, MAR, 30)), partition=1)
        in_two(delivered(("x", invoice)), hours, tmp_path)


def test_absorbing_a_book_renumbers_its_kinds_and_keeps_its_entries() -> None:
    mine, other = HourBook(), HourBook()
    mine.add("c1", MAR, ("caritas", "language", "direct"), 30)
    other.add("c2", APR, ("awo", "work", "direct"), 1 << 26)  # kept as two numbers
    other.add("c1", MAY, ("caritas", "language", "direct"), 5)
    shift = mine.absorb(other)
    assert shift == {"c1": 1}
    assert [(e.on, e.provider, e.minutes) for e in mine.of("c1")] == [
        (MAR, "caritas", 30), (MAY, "caritas", 5)]  # fmt: skip
    assert sum(e.minutes for e in mine.of("c2")) == 1 << 26
    assert (mine.first_day, mine.last_day) == (MAR, MAY)


def test_the_second_process_gets_ledger_partitions_near_half_of_the_records() -> None:
    # 1,100 records, half is 550
    sizes = {(PERSONS, 0): 40, (CASES, 0): 60}
    sizes |= {(LEDGER, p): n for p, n in enumerate((300, 250, 200, 0, 150, 100))}
    assert worker_share(sizes) == {(LEDGER, 0), (LEDGER, 1)}  # 550, largest first
    assert worker_share({(PERSONS, 0): 10, (LEDGER, 0): 900}) == {(LEDGER, 0)}
    assert worker_share({(PERSONS, 0): 10, (LEDGER, 0): 0}) == frozenset()
    assert worker_share({(PERSONS, 0): 900, (LEDGER, 0): 10}) == {(LEDGER, 0)}


def quarter_world(reference: ReferenceData) -> World:
    records = [Stored(b.topic_of(e), 0, n, f"e{n}", e)
               for n, e in enumerate(synthetic.quarter(reference, 60))]  # fmt: skip
    return fold(canonical(live(records)))


@pytest.mark.parametrize("parts", [2, 3])
def test_the_tallies_of_every_part_of_the_units_add_up_to_the_whole(
    reference: ReferenceData, parts: int
) -> None:
    world = quarter_world(reference)
    months, found = tallies(world, reference, 0, parts)
    for part in range(1, parts):
        for name, tally in tallies(world, reference, part, parts)[1].items():
            found[name].absorb(pickle.loads(pickle.dumps(tally.counted())))
    assert tables(months, found, reference) == compute(world, reference)


def test_the_figures_counted_in_a_fork_are_those_of_one_process(
    reference: ReferenceData, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = quarter_world(reference)
    counted_here: list[int] = []  # the fork's own calls stay in the fork

    def spied(
        w: World, r: ReferenceData, part: int = 0, parts: int = 1
    ) -> tuple[tuple[str, ...], Tallies]:
        counted_here.append(part)
        return tallies(w, r, part, parts)

    monkeypatch.setattr(replay_part, "tallies", spied)
    assert true_tables(world, reference, 2) == compute(world, reference)
    assert counted_here == [0]  # the other half came from the fork, not a recount here
    assert true_tables(World(), reference, 2) == compute(World(), reference)


def _dies(_sending: Connection) -> None:
    os._exit(3)  # killed, say: no word sent


def _fails(sending: Connection) -> None:
    sending.send(("error", Gap("retention deleted records ...")))


async def _second(target: Callable[[Connection], None]) -> RunningPart:
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(sending,))
    process.start()
    sending.close()
    return RunningPart(process, receiving, context.Value("q", 0, lock=False))


async def test_a_second_process_that_dies_is_named_with_its_exit_code() -> None:
    part = await _second(_dies)
    with pytest.raises(
        RuntimeError, match=r"second process ended without its result \(exit code 3\)"
    ):
        await part.result()


async def test_the_second_processs_error_is_raised_in_the_replay() -> None:
    part = await _second(_fails)
    with pytest.raises(Gap, match="retention deleted"):
        await part.result()
    part.process.join()
