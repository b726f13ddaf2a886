"""How far processed notices are deleted: to intake's committed offset and not beyond, only
where that is past the partition's current start (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from msa_intake.domain.notices import trim_points

T = "msa.allocation.notices"


def test_each_partition_is_trimmed_to_intakes_committed_offset_once() -> None:
    committed = {(T, 0): 12, (T, 1): 3, (T, 2): 8}
    assert trim_points(committed, {}) == committed
    assert trim_points(committed, {(T, 0): 12, (T, 1): 1}) == {(T, 1): 3, (T, 2): 8}
    assert trim_points(committed, committed) == {}
    assert trim_points({(T, 0): 0}, {}) == {}  # nothing processed, nothing deleted


partition = st.tuples(st.just(T), st.integers(0, 3))
offsets = st.dictionaries(partition, st.integers(0, 60))


@given(offsets, offsets)
def test_a_trim_point_is_the_committed_offset_and_past_the_start(
    committed: dict[tuple[str, int], int], start: dict[tuple[str, int], int]
) -> None:
    plan = trim_points(committed, start)
    assert all(plan[part] == committed[part] > start.get(part, 0) for part in plan)
    assert {p for p in committed if committed[p] > start.get(p, 0)} == set(plan)
