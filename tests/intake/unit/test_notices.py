"""What to trim after erasures: only notices the group has processed, per partition up to
and including the latest of them, never past the committed offset (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from msa_intake.domain.notices import NoticeAt, trimmed, trims

T = "msa.allocation.notices"


def test_each_partition_is_trimmed_past_its_latest_processed_due_notice() -> None:
    due = [NoticeAt(T, 0, 4), NoticeAt(T, 0, 9), NoticeAt(T, 1, 2), NoticeAt(T, 2, 7)]
    committed = {(T, 0): 12, (T, 1): 2, (T, 2): 8}
    plan = trims(due, committed)
    assert plan == {(T, 0): 10, (T, 2): 8}  # partition 1: offset 2 is not processed yet
    assert trimmed(due, plan) == [NoticeAt(T, 0, 4), NoticeAt(T, 0, 9), NoticeAt(T, 2, 7)]


def test_nothing_is_trimmed_without_a_committed_offset() -> None:
    assert trims([NoticeAt(T, 0, 0)], {}) == {}
    assert trims([], {(T, 0): 5}) == {}


positions = st.builds(NoticeAt, st.just(T), st.integers(0, 3), st.integers(0, 50))
offsets = st.dictionaries(st.tuples(st.just(T), st.integers(0, 3)), st.integers(0, 60))


@given(st.lists(positions, max_size=20), offsets)
def test_a_trim_never_passes_the_committed_offset_and_removes_every_processed_due_notice(
    due: list[NoticeAt], committed: dict[tuple[str, int], int]
) -> None:
    plan = trims(due, committed)
    for part, before in plan.items():
        assert 0 < before <= committed[part]
    processed = [at for at in due if at.offset < committed.get((at.topic, at.partition), 0)]
    assert sorted(trimmed(due, plan)) == sorted(processed)
