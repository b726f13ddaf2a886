"""Which suppressed cells the published cells and the relations still determine exactly.

The relations ``sum(parts) - total = 0``, restricted to the suppressed cells (published
cells are known constants), form a linear system A·x = b. A suppressed cell x_s is
determined iff the unit vector e_s lies in the row space of A; in the reduced row-echelon
form that means: s is a pivot column whose row has no other entry. Arithmetic is modulo
the Mersenne prime 2^61 - 1: the relations have coefficients 0 and ±1, so their minors are
far smaller than the modulus and the answer equals the one over the rationals.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence, Set
from typing import TypeVar

from msa_reporting.domain.relations import Relation

K = TypeVar("K", bound=Hashable)
P = (1 << 61) - 1


def determined(relations: Sequence[Relation[K]], hidden: Set[K]) -> set[K]:
    """The hidden cells whose value follows exactly from the published ones."""
    index = {key: i for i, key in enumerate(sorted(hidden, key=repr))}
    basis: dict[int, dict[int, int]] = {}  # pivot column -> fully reduced row
    for relation in relations:
        row: dict[int, int] = {}
        for key, coefficient in ((relation.total, -1), *((p, 1) for p in relation.parts)):
            if key in index:
                column = index[key]
                row[column] = (row.get(column, 0) + coefficient) % P
        _insert(basis, {c: v for c, v in row.items() if v})
    keys = list(index)
    return {keys[c] for c, row in basis.items() if len(row) == 1}


def _insert(basis: dict[int, dict[int, int]], row: dict[int, int]) -> None:
    for pivot in [c for c in row if c in basis]:
        factor = row.get(pivot, 0)
        if factor:
            _axpy(row, basis[pivot], -factor)
    if not row:
        return
    pivot = min(row)
    inverse = pow(row[pivot], P - 2, P)
    for c in row:
        row[c] = row[c] * inverse % P
    for other in basis.values():
        factor = other.get(pivot, 0)
        if factor:
            _axpy(other, row, -factor)
    basis[pivot] = row


def _axpy(target: dict[int, int], source: dict[int, int], factor: int) -> None:
    """target += factor * source, dropping zeros."""
    for c, v in source.items():
        value = (target.get(c, 0) + factor * v) % P
        if value:
            target[c] = value
        else:
            target.pop(c, None)
