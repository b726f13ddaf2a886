"""How far the allocation notices can be deleted from their topic.

A notice carries the identity sealed to intake's key. Once intake has registered the person
(the identity then lives encrypted under the person's own key, which an erasure destroys),
the notice on the topic is only a second copy that intake's key would still open. So the
notices topic is a hand-over: intake deletes what its consumer group has committed (Kafka
DeleteRecords), and nothing beyond. This presumes that intake's group is the topic's only
reader, as the catalogue and the broker's ACLs make it in a deployment; copies of the
system on a shared broker keep trimming off (``IntakeSettings.trims_notices``).
"""

from __future__ import annotations

from collections.abc import Mapping

Partition = tuple[str, int]
Offsets = Mapping[Partition, int]


def trim_points(committed: Offsets, start: Offsets) -> dict[Partition, int]:
    """Per partition, the offset to delete records before: intake's committed offset, where
    it lies past the partition's current start (``start``; 0 when not known)."""
    return {part: offset for part, offset in committed.items() if offset > start.get(part, 0)}
