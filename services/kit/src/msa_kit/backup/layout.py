"""Where a backup keeps what: mongodump's directory layout plus two files of ours.

``<backup>/<database>/<collection>.bson`` (the documents back to back, as BSON) and
``<collection>.metadata.json`` (options, indexes, uuid, canonical extended JSON), each with
``.gz`` when compressed, exactly as ``mongodump --out <backup> [--gzip]`` writes them, so
``mongorestore`` restores either tool's backups. Ours adds ``offsets.json`` (the consumer
group's committed offsets, taken before the first document was read) and ``backup.json``
(what was dumped, when, by which tool). A backup in progress lives in ``.partial-<name>``
and is renamed when complete, so a directory named like a stamp is always whole.
"""

from __future__ import annotations

import gzip
import re
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, cast

OFFSETS = "offsets.json"
MANIFEST = "backup.json"
PARTIAL = ".partial-"
STAMP = "%Y%m%dT%H%M%SZ"
STAMP_PATTERN = re.compile(r"^\d{8}T\d{6}Z$")


def stamp(at: datetime) -> str:
    return at.strftime(STAMP)


def data_file(backup: Path, database: str, collection: str, compressed: bool) -> Path:
    return backup / database / (f"{collection}.bson" + (".gz" if compressed else ""))


def metadata_file(backup: Path, database: str, collection: str, compressed: bool) -> Path:
    return backup / database / (f"{collection}.metadata.json" + (".gz" if compressed else ""))


def fresh(path: Path) -> None:
    """Make ``path`` an empty directory (removing what a killed run left there)."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)


def open_write(path: Path) -> IO[bytes]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return cast(IO[bytes], gzip.open(path, "wb") if path.suffix == ".gz" else path.open("wb"))


def open_read(path: Path) -> IO[bytes]:
    return cast(IO[bytes], gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb"))


def collections_in(backup: Path, database: str) -> Iterator[tuple[str, Path]]:
    """(collection, data file) of every collection dumped of ``database``."""
    for path in sorted((backup / database).glob("*.bson*")):
        name = path.name.removesuffix(".gz").removesuffix(".bson")
        if path.name.endswith((".bson", ".bson.gz")):
            yield name, path


def complete_backups(root: Path) -> list[Path]:
    """The complete backups under ``root``, oldest first (their names are UTC stamps)."""
    found = [p for p in root.iterdir() if p.is_dir() and STAMP_PATTERN.match(p.name)]
    return sorted(found, key=lambda p: p.name)
