"""Taking, pruning and restoring one service's backups (the CLI and `msa backup` call these)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from msa_kit.backup import layout, offsets
from msa_kit.backup.dump import DumpResult, dump, write_manifest
from msa_kit.backup.restore import RestoreResult, restore
from msa_kit.mongo import connect
from msa_kit.settings import KitSettings

TOOL = "msa_kit.backup"
Say = Callable[[str], None]


@dataclass(frozen=True)
class Taken:
    path: Path
    dumped: DumpResult
    partitions: int
    pruned: list[Path]


#: complete backups kept when BACKUP_KEEP is not set (the history topics keep far longer)
DEFAULT_KEEP = 7


async def take(settings: KitSettings, root: Path, databases: list[str], *, keep: int,
               with_offsets: bool = True, compress: bool = True, now: datetime | None = None,
               say: Say = lambda _m: None) -> Taken:  # fmt: skip
    """A complete backup ``root/<UTC stamp>``: the group's offsets first, then the databases
    at one point in time; then all but the ``keep`` newest complete backups are removed."""
    at = now or datetime.now(UTC)
    name = layout.stamp(at)
    partial = root / f"{layout.PARTIAL}{name}"
    group = settings.consumer_group
    found: offsets.Offsets = {}
    if with_offsets:
        found = await offsets.committed(settings.kafka_bootstrap_servers,
                                        settings.kafka_security, group)  # fmt: skip
    client = connect(settings.mongodb_uri, app_name=f"msa-{settings.service_name}-backup")
    try:
        dumped = await dump(client, databases, partial, compress=compress)
    finally:
        await client.close()
    if with_offsets:
        offsets.write(partial / layout.OFFSETS, group, found)
    write_manifest(partial, at, databases, dumped, TOOL)
    final = _complete(partial, root / name)
    partitions = sum(len(p) for p in found.values())
    say(f"backup {final}: {dumped.total} documents of {', '.join(databases)}, "
        f"offsets of {group} on {partitions} partitions")  # fmt: skip
    return Taken(final, dumped, partitions, prune(root, keep, say=say))


def prune(root: Path, keep: int, *, say: Say = lambda _m: None) -> list[Path]:
    """Remove all but the ``keep`` newest complete backups, and leftovers of killed runs."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    backups = layout.complete_backups(root)
    doomed = backups[:-keep] + [p for p in root.glob(f"{layout.PARTIAL}*") if p.is_dir()]
    newest = backups[-1].name if backups else ""
    doomed = [p for p in doomed if p.name != f"{layout.PARTIAL}{newest}"]
    for path in doomed:
        shutil.rmtree(path)
        say(f"pruned {path}")
    return doomed


class NoBackup(RuntimeError):
    """The backup asked for is not there."""


def chosen(root: Path | None, name: str) -> Path:
    """The backup ``name`` names: a folder, or under ``root`` a stamp or ``latest``."""
    if root is None:
        path = Path(name)
    elif name == "latest":
        backups = layout.complete_backups(root) if root.is_dir() else []
        if not backups:
            raise NoBackup(f"no complete backup under {root}")
        path = backups[-1]
    else:
        path = root / name
    if not path.is_dir():
        raise NoBackup(f"no backup {path}")
    return path


@dataclass(frozen=True)
class Restored:
    restored: RestoreResult
    partitions: int


async def restore_backup(
    settings: KitSettings, backup: Path, databases: list[str], *,
    with_offsets: bool = True, accept_loss: bool = False, say: Say = lambda _m: None,
) -> Restored:  # fmt: skip
    """Replace ``databases`` by ``backup``'s and set the group back to the offsets saved
    with it (the service must be stopped: no member may be in its group). Refused, before
    anything changes, when the topics no longer hold what came after the backup (it is
    older than their retention), unless ``accept_loss``."""
    if with_offsets:
        _group, saved = offsets.read(backup / layout.OFFSETS)
        gaps = await offsets.missing_since(settings.kafka_bootstrap_servers,
                                           settings.kafka_security, saved)  # fmt: skip
        if gaps and not accept_loss:
            raise offsets.BeyondRetention(
                f"backup {backup.name} is older than the topics' retention; records it would "
                f"need are gone: {'; '.join(gaps)} (choose a newer backup, or --accept-loss)"
            )
        for gap in gaps:
            say(f"missing, accepted: {gap}")
    client = connect(settings.mongodb_uri, app_name=f"msa-{settings.service_name}-restore")
    try:
        restored = await restore(client, backup, databases)
    finally:
        await client.close()
    partitions = 0
    if with_offsets:
        group, saved = offsets.read(backup / layout.OFFSETS)
        partitions = await offsets.set_committed(
            settings.kafka_bootstrap_servers, settings.kafka_security, group, saved
        )
    say(f"restored {sum(restored.documents.values())} documents of {', '.join(databases)} "
        f"from {backup}; offsets set on {partitions} partitions")  # fmt: skip
    return Restored(restored, partitions)


def _complete(partial: Path, final: Path) -> Path:
    partial.rename(final)
    return final
