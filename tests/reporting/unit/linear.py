"""An independent oracle for the suppression tests: which unknowns of a linear system of
additive relations are determined exactly, by Gaussian elimination over the rationals."""

from __future__ import annotations

from collections.abc import Hashable, Sequence, Set
from fractions import Fraction

from msa_reporting.domain.relations import Relation


def exactly_determined(
    relations: Sequence[Relation[Hashable]], hidden: Set[Hashable]
) -> set[Hashable]:
    unknowns = sorted(hidden, key=repr)
    column = {key: i for i, key in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    for r in relations:
        row = [Fraction(0)] * len(unknowns)
        for key, coefficient in ((r.total, -1), *((p, 1) for p in r.parts)):
            if key in column:
                row[column[key]] += coefficient
        if any(row):
            matrix.append(row)
    pivots: list[int] = []
    rank = 0
    for c in range(len(unknowns)):
        pivot = next((i for i in range(rank, len(matrix)) if matrix[i][c] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        lead = matrix[rank][c]
        matrix[rank] = [v / lead for v in matrix[rank]]
        for i in range(len(matrix)):
            if i != rank and matrix[i][c] != 0:
                factor = matrix[i][c]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[rank], strict=True)]
        pivots.append(c)
        rank += 1
    return {unknowns[c] for r, c in enumerate(pivots) if sum(1 for v in matrix[r] if v != 0) == 1}
