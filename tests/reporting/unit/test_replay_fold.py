"""The replay folds hour entries at once and settles their repeats on disk at the end: the
result must equal folding first deliveries one by one, as the live projection does."""

from __future__ import annotations

from datetime import date

import pytest
from msa_contracts.events import Event
from msa_contracts.reference import ReferenceData
from msa_reporting.adapters import documents as docs
from msa_reporting.adapters.entry_spill import EntrySpill, ReusedEventId
from msa_reporting.domain.projection import figures_of, project
from msa_reporting.domain.stored import Stored
from msa_reporting.replay_fold import ReplayFold

from tests.reporting import builders as b

K = 5
MAR, APR, MAY = date(2026, 3, 10), date(2026, 4, 2), date(2026, 5, 20)
INVOICE = b.invoice("RE-2026-000001", "caritas", "2026-03", [(1, "2026-03", 10500)])


def delivered(*events: tuple[str, Event], partition: int = 0) -> list[Stored]:
    """Records of one partition per topic in this order, with the given event ids."""
    offsets: dict[str, int] = {}
    out = []
    for event_id, event in events:
        topic = b.topic_of(event)
        offsets[topic] = offsets.get(topic, -1) + 1
        out.append(Stored(topic, partition, offsets[topic], event_id, event))
    return out


def replayed(records: list[Stored], buckets: int = 4) -> ReplayFold:
    with EntrySpill(buckets) as spill:
        folding = ReplayFold(spill)
        for n, item in enumerate(records):
            folding.fold(item, n // 3)
        folding.settle()
    return folding


def live(records: list[Stored]) -> dict[str, Stored]:
    first: dict[str, Stored] = {}
    for item in records:
        first.setdefault(item.key, item)  # the inbox: one per topic and event id
    return first


def test_repeated_hour_entries_count_once_as_in_the_live_projection(
    reference: ReferenceData,
) -> None:
    records = delivered(
        ("a1", b.arrival(1, MAR, "prohlis", "gestattung-55-asylg")), ("o1", b.opened(1, MAR)),
        ("h1", b.hours(1, MAR, 30, entry="E-1")),
        ("h2", b.hours(1, APR, 45, entry="E-2")),
        ("h1", b.hours(1, MAR, 30, entry="E-1")),  # the same record again
        ("h3", b.hours(1, MAY, 99, entry="E-2")),  # the same entry again under a new id
        ("h4", b.hours(1, MAR, 10, provider="awo", entry="E-1")),  # another provider's E-1
        ("o1", b.opened(1, MAR)),
    )  # fmt: skip
    folding = replayed(records)
    expected = project(live(records), reference, K)
    assert folding.events == len(live(records)) == 6
    assert figures_of(folding.world, reference, K, folding.events) == expected
    assert expected.true["hours_direct"].periods == ("2026-03", "2026-04", "cumulative")
    assert expected.true["hours_direct"].values[("total", "total", "cumulative")] == 85


def test_an_hour_entry_with_the_id_of_an_earlier_event_of_another_type_is_dropped(
    reference: ReferenceData,
) -> None:
    records = delivered(("x", INVOICE), ("x", b.hours(1, MAR, 30)))
    folding = replayed(records)
    assert folding.events == 1
    assert figures_of(folding.world, reference, K, 1) == project(live(records), reference, K)


def test_a_later_event_of_another_type_with_a_kept_entrys_id_cannot_be_replayed() -> None:
    with pytest.raises(ReusedEventId):
        replayed(delivered(("x", b.hours(1, MAR, 30)), ("x", INVOICE)))


def test_records_taken_out_of_a_packed_chunk_leave_the_others_as_they_were() -> None:
    records = delivered(*((f"h{n}", b.hours(1, MAR, n + 1)) for n in range(4)))
    rows, bodies = docs.packed(records)
    kept = docs.unpacked(*docs.without(rows, bodies, {(records[1].topic, 0, 1)}))
    assert [d["event_id"] for d in kept] == ["h0", "h2", "h3"]
    events = [stored.event for stored in map(docs.stored_of, kept) if stored is not None]
    assert events == [records[n].event for n in (0, 2, 3)]
