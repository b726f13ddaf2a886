"""Where a person's allocation notices lie on the notices topic, and what to trim after the
person's erasure.

A notice carries the identity sealed to intake's key, and the topic keeps it for days. After
an erasure the person's data key is gone, but intake's own key would still open that notice.
So intake deletes the records of the notice's partition up to and including it (Kafka
DeleteRecords), and only once its consumer group has processed the notice: every record
before it in that partition is then processed too, and the topic is a hand-over that nobody
else reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class NoticeAt:
    """The position of one consumed notice."""

    topic: str
    partition: int
    offset: int

    @property
    def key(self) -> str:
        return f"{self.topic}/{self.partition}/{self.offset}"


Partition = tuple[str, int]


def trims(due: Iterable[NoticeAt], committed: Mapping[Partition, int]) -> dict[Partition, int]:
    """Per partition, the offset to delete records before: one past the latest due notice
    the group has processed (its committed offset lies beyond it). A notice not processed
    yet, or in a partition the group has no offset for, waits for a later round."""
    plan: dict[Partition, int] = {}
    for at in due:
        part = (at.topic, at.partition)
        if at.offset < committed.get(part, 0):
            plan[part] = max(plan.get(part, 0), at.offset + 1)
    return plan


def trimmed(due: Iterable[NoticeAt], plan: Mapping[Partition, int]) -> list[NoticeAt]:
    """The due notices a trim by ``plan`` removes."""
    return [at for at in due if at.offset < plan.get((at.topic, at.partition), 0)]
