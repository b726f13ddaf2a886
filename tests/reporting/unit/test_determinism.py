"""The projection depends on the set of events only, and what it publishes is protected."""

from __future__ import annotations

import random
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msa_contracts.events import Event
from msa_contracts.reference import load_reference
from msa_reporting.domain.dimensions import parents
from msa_reporting.domain.figures import BY_ID
from msa_reporting.domain.projection import project
from msa_reporting.domain.protect import relations

from tests.reporting.builders import Log
from tests.reporting.unit.worlds import histories

K = 5
reference = load_reference()
SLOW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def interleave(per_person: Sequence[list[Event]], seed: int, partitions: int) -> Log:
    """Merge the persons' histories in a random order, keeping each one's own order."""
    rnd = random.Random(seed)
    queues = [list(h) for h in per_person]
    log = Log(partitions=partitions)
    while any(queues):
        queue = rnd.choice([q for q in queues if q])
        log.add(queue.pop(0))
    return log


@SLOW
@given(histories, st.integers(0, 1000), st.integers(1, 6))
def test_figures_do_not_depend_on_how_partitions_were_interleaved(
    per_person: tuple[list[Event], ...], seed: int, partitions: int
) -> None:
    first = project(interleave(per_person, seed, 3).stored, reference, K)
    second = project(interleave(per_person, seed + 1, partitions).stored, reference, K)
    assert first.true == second.true
    assert first.published == second.published
    assert first.outcomes == second.outcomes


@SLOW
@given(histories)
def test_published_tables_are_true_where_shown_and_protected_where_not(
    per_person: tuple[list[Event], ...],
) -> None:
    f = project(interleave(per_person, 0, 3).stored, reference, K)
    nesting = parents(reference)
    for name, published in f.published.items():
        true = f.true[name]
        for key, value in published.values.items():
            if key in published.suppressed:
                assert value is None
            else:
                assert value == true.values[key]
                assert not 0 < true.units[key] < K, (name, key)
        if BY_ID[name].kind != "median":
            for r in relations(true, nesting):
                assert sum(c in published.suppressed for c in r.cells) != 1, (name, r)
                assert true.values[r.total] == sum(true.values[p] or 0 for p in r.parts), (name, r)


@SLOW
@given(histories)
def test_measure_outcomes_show_exactly_the_published_measure_rows(
    per_person: tuple[list[Event], ...],
) -> None:
    f = project(interleave(per_person, 0, 3).stored, reference, K)
    for outcome in f.outcomes.values():
        key = ("measure", outcome.measure_id, outcome.period)
        assert outcome.figures["goals_achieved"] == f.published["goals_achieved"].values[key]
        assert ("goals_set" in outcome.suppressed) == (key in f.published["goals_set"].suppressed)
