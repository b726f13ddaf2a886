"""Small-cell suppression: properties over random tables with totals (hypothesis)."""

from __future__ import annotations

from collections.abc import Hashable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msa_reporting.domain.disclosure import determined
from msa_reporting.domain.relations import CountedCell, Relation
from msa_reporting.domain.suppression import primary, suppress

from tests.reporting.unit.linear import exactly_determined

Key = tuple[str, str]
K = 5


def grid(values: list[list[int]]) -> tuple[dict[Key, CountedCell], list[Relation[Key]]]:
    """A table with row totals, column totals and the grand total (units = counts)."""
    cells: dict[Key, CountedCell] = {}
    relations: list[Relation[Key]] = []
    n_cols = len(values[0])
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            cells[(f"r{i}", f"c{j}")] = CountedCell(v, v)
        cells[(f"r{i}", "sum")] = CountedCell(sum(row), sum(row))
        relations.append(
            Relation((f"r{i}", "sum"), tuple((f"r{i}", f"c{j}") for j in range(n_cols)))
        )
    for j in [*(f"c{j}" for j in range(n_cols)), "sum"]:
        total = sum(cells[(f"r{i}", j)].value for i in range(len(values)))
        cells[("all", j)] = CountedCell(total, total)
        relations.append(Relation(("all", j), tuple((f"r{i}", j) for i in range(len(values)))))
    relations.append(Relation(("all", "sum"), tuple(("all", f"c{j}") for j in range(n_cols))))
    return cells, relations


tables = st.integers(1, 6).flatmap(
    lambda cols: st.lists(
        st.lists(st.integers(0, 14), min_size=cols, max_size=cols), min_size=1, max_size=7
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, st.integers(2, 8))
def test_no_published_cell_reveals_fewer_persons_than_the_threshold(
    values: list[list[int]], k: int
) -> None:
    cells, relations = grid(values)
    hidden = suppress(cells, relations, k)
    assert all(not 0 < cells[c].units < k for c in cells if c not in hidden)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_every_relation_with_a_suppressed_cell_has_at_least_two(values: list[list[int]]) -> None:
    cells, relations = grid(values)
    hidden = suppress(cells, relations, K)
    for r in relations:
        assert sum(c in hidden for c in r.cells) != 1


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_suppressed_cell_follows_exactly_from_the_published_ones(
    values: list[list[int]],
) -> None:
    cells, relations = grid(values)
    hidden = suppress(cells, relations, K)
    assert exactly_determined(relations, hidden) == set()  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(tables)
def test_only_nonzero_cells_are_suppressed_and_zeros_stay_published(
    values: list[list[int]],
) -> None:
    cells, relations = grid(values)
    hidden = suppress(cells, relations, K)
    assert all(cells[c].value > 0 for c in hidden)


@settings(max_examples=200, deadline=None)
@given(tables)
def test_suppression_is_deterministic(values: list[list[int]]) -> None:
    cells, relations = grid(values)
    assert suppress(cells, relations, K) == suppress(dict(reversed(cells.items())), relations, K)


@settings(max_examples=200, deadline=None)
@given(tables, st.sets(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=12))
def test_the_audit_agrees_with_elimination_over_the_rationals(
    values: list[list[int]], picks: set[tuple[int, int]]
) -> None:
    _, relations = grid(values)
    hidden: set[Hashable] = {
        (f"r{i}", f"c{j}") for i, j in picks if i < len(values) and j < len(values[0])
    }
    assert determined(relations, hidden) == exactly_determined(relations, hidden)  # type: ignore[arg-type]


def test_a_single_small_cell_in_a_row_hides_the_smallest_other_cell_too() -> None:
    cells, relations = grid([[3, 20, 9], [12, 14, 11]])
    hidden = suppress(cells, relations, K)
    assert ("r0", "c0") in primary(cells, K)
    assert ("r0", "c2") in hidden  # the smallest non-zero neighbour in its row (9 < 20)
    assert ("r1", "c0") in hidden  # and in its column


def test_a_cell_pinned_down_by_combining_rows_and_columns_gets_more_company() -> None:
    # Two blocks of small cells joined by one small cell: the ≥2-per-line rule holds, but
    # rows r0+r1 minus columns c0+c1 isolate the bridge cell (r1, c2).
    values = [[1, 1, 0, 0, 9], [1, 1, 1, 0, 9], [0, 0, 1, 1, 9], [0, 0, 1, 1, 9], [9, 9, 9, 9, 9]]
    cells, relations = grid(values)
    only_lines = suppress(cells, relations, K, audit=False)
    assert ("r1", "c2") in exactly_determined(relations, only_lines)  # type: ignore[arg-type]
    assert exactly_determined(relations, suppress(cells, relations, K)) == set()  # type: ignore[arg-type]


def test_the_threshold_is_configurable() -> None:
    cells, relations = grid([[3, 20], [6, 14]])
    assert ("r0", "c0") in suppress(cells, relations, 4)
    assert suppress(cells, relations, 3) == set()


def test_a_table_without_small_cells_is_published_whole() -> None:
    cells, relations = grid([[0, 7, 9], [12, 0, 11]])
    assert suppress(cells, relations, K) == set()
