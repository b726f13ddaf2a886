"""Small-cell suppression with secondary suppression, for cells tied by additive relations.

Input: cells with a value and the number of distinct persons behind it (its *units*), and
relations ``total = sum(parts)`` (a row's months add up to its cumulative cell, a
breakdown's rows add up to the city total, districts to their region, measures to their
field). Output: the set of cells that must not be published.

1. Primary: a cell is suppressed if 0 < units < k (k = the threshold, default 5). Zero
   cells are published: "nobody" reveals no one, and a zero cannot be made smaller.
2. Secondary, to a fixpoint: every relation that has exactly one suppressed cell gets a
   second one, the smallest other non-zero cell (ties: fewest units, then the cell key), so
   that no total minus published parts yields a suppressed cell.
3. Disclosure control: a suppressed cell may still be pinned down by *combining* relations
   (a row and a column that each hold two suppressed cells can, e.g., isolate a third).
   Every cell the linear system of all relations determines exactly
   (``disclosure.determined``) gets one more suppressed neighbour (the smallest non-zero
   unsuppressed cell of its relations, else of the relations reached through suppressed
   cells), and step 2 runs again. Suppression only grows, so this ends.

Afterwards: no published cell has 0 < units < k; every relation holds zero or at least two
suppressed cells; no suppressed value follows exactly from published values and the
relations. Published values are the true values. (Ranges still narrow a suppressed value
down: from a published total of 12 over two suppressed cells, each is at most 11.)
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from msa_reporting.domain.disclosure import determined
from msa_reporting.domain.relations import CountedCell, Relation

K = TypeVar("K", bound=Hashable)


def primary(cells: Mapping[K, CountedCell], threshold: int) -> set[K]:
    return {key for key, cell in cells.items() if 0 < cell.units < threshold}


def suppress(cells: Mapping[K, CountedCell], relations: Sequence[Relation[K]], threshold: int,
             *, audit: bool = True) -> set[K]:  # fmt: skip
    """The cells to suppress (primary, secondary and, with ``audit``, linear closure)."""
    hidden = primary(cells, threshold)
    while True:
        _secondary(cells, relations, hidden)
        if not audit:
            return hidden
        exposed = sorted(determined(relations, hidden), key=repr)
        added = {c for key in exposed if (c := _cover(cells, relations, hidden, key)) is not None}
        if not added:
            return hidden
        hidden.update(added)


def _secondary(
    cells: Mapping[K, CountedCell], relations: Sequence[Relation[K]], hidden: set[K]
) -> None:
    changed = True
    while changed:
        changed = False
        for relation in relations:
            inside = [c for c in relation.cells if c in hidden]
            if len(inside) == 1:
                choice = _smallest(cells, (c for c in relation.cells if c not in hidden))
                if choice is not None:
                    hidden.add(choice)
                    changed = True


def _cover(cells: Mapping[K, CountedCell], relations: Sequence[Relation[K]], hidden: set[K],
           key: K) -> K | None:  # fmt: skip
    """The smallest non-zero published cell next to ``key``, searching outwards through
    relations that share suppressed cells."""
    reached, frontier = {key}, {key}
    while frontier:
        near = [r for r in relations if any(c in frontier for c in r.cells)]
        choice = _smallest(cells, (c for r in near for c in r.cells if c not in hidden))
        if choice is not None:
            return choice
        frontier = {c for r in near for c in r.cells if c in hidden and c not in reached}
        reached.update(frontier)
    return None


def _smallest(cells: Mapping[K, CountedCell], candidates: Iterable[K]) -> K | None:
    nonzero = [c for c in candidates if cells[c].value or cells[c].units]
    if not nonzero:
        return None
    return min(nonzero, key=lambda c: (cells[c].value, cells[c].units, repr(c)))
