"""The replay folds batch by batch in consumption order; that must equal the canonical fold."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msa_contracts.events import Event
from msa_contracts.reference import load_reference
from msa_reporting.domain.fold import apply
from msa_reporting.domain.projection import figures_of, project
from msa_reporting.domain.stored import Stored
from msa_reporting.domain.world import World

from tests.reporting import builders as b
from tests.reporting.unit.test_determinism import interleave
from tests.reporting.unit.worlds import histories

K = 5
reference = load_reference()


def consumed(stored: Sequence[Stored], seed: int) -> list[Stored]:
    """One consumer's order: partitions interleaved at random, each in offset order."""
    rnd = random.Random(seed)
    queues: dict[tuple[str, int], list[Stored]] = {}
    for s in sorted(stored, key=lambda s: s.position):
        queues.setdefault((s.topic, s.partition), []).append(s)
    order: list[Stored] = []
    while any(queues.values()):
        queue = rnd.choice([q for q in queues.values() if q])
        taken = rnd.randint(1, 4)  # a fetched batch of one partition
        order.extend(queue[:taken])
        del queue[:taken]
    return order


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
@given(histories, st.integers(0, 1000))
def test_folding_in_consumption_order_gives_the_figures_of_the_canonical_order(
    per_person: tuple[list[Event], ...], seed: int
) -> None:
    log = interleave(per_person, seed, 3)
    world = World()
    for item in consumed(list(log.stored.values()), seed):
        apply(world, item.event)
    assert figures_of(world, reference, K, len(log.stored)) == project(log.stored, reference, K)


def test_hours_of_two_providers_with_the_same_entry_id_both_count() -> None:
    day = date(2026, 3, 10)
    log = b.Log().add(
        b.hours(1, day, 30, provider="caritas", entry="E-1"),
        b.hours(2, day, 45, provider="awo", entry="E-1"),
    )
    figures = project(log.stored, reference, K)
    assert figures.true["hours_direct"].values[("total", "total", "cumulative")] == 75
