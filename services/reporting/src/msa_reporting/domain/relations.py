"""What small-cell suppression works on: counted cells, and the additive relations that
tie them (``total = sum(parts)``)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class CountedCell:
    """A value and the number of distinct persons behind it (its units)."""

    value: int
    units: int


@dataclass(frozen=True)
class Relation(Generic[K]):
    """``total`` equals the sum of ``parts``."""

    total: K
    parts: tuple[K, ...]

    @property
    def cells(self) -> tuple[K, ...]:
        return (self.total, *self.parts)
