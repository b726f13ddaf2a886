"""Look for a person's personal data everywhere a run left data: every record of every topic
(key, value, headers; dead-letter topics included), every document of the run's databases,
and the services' logs. Values are searched as bytes in the forms they could take: the
identity's (``needles``) and the special categories' (``special_needles``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bson import json_util
from msa_contracts.events import IdentityPayload, SealedIdentity
from msa_contracts.values import Vulnerability
from msa_ops.reading import read_to_end
from pydantic import BaseModel
from pymongo import AsyncMongoClient


def needles(identity: IdentityPayload) -> list[bytes]:
    """The identity's distinctive values: names, birth date (ISO and German), contacts."""
    born = identity.date_of_birth
    values = [identity.family_name, identity.given_names, born.isoformat(),
              born.strftime("%d.%m.%Y"), identity.phone, identity.email]  # fmt: skip
    return [v.encode() for v in values if v]


def special_needles(listed: Iterable[Vulnerability] = tuple(Vulnerability)) -> list[bytes]:
    """Vulnerabilities (special categories) as they would appear in clear: each value as a
    JSON string, and the field that carried them with a list in clear (an audit entry naming
    the field read, or the field's ciphertext, is no disclosure). No event, document or log
    holds either."""
    fields = [b'"vulnerabilities":[', b'"vulnerabilities": [']
    return [*fields, *(f'"{v.value}"'.encode() for v in listed)]


def _hit(blob: bytes, wanted: Iterable[bytes]) -> bytes | None:
    return next((n for n in wanted if n in blob), None)


async def scan_topics(bootstrap: str, wanted: list[bytes], prefix: str = "msa.") -> list[str]:
    """Every record of every topic starting with ``prefix``; returns where a value was found."""
    found: list[str] = []
    for r in await read_to_end(bootstrap, prefix=prefix):
        parts = [k.encode() + b"=" + (v or b"") for k, v in r.headers]
        blob = b"\0".join([r.key or b"", r.value or b"", *parts])
        if (n := _hit(blob, wanted)) is not None:
            found.append(f"{r.topic}@{r.offset}: {n!r}")
    return found


async def scan_sealed(
    bootstrap: str,
    opener: Callable[[SealedIdentity], IdentityPayload],
    wanted: list[bytes],
    prefix: str = "msa.",
    special: Callable[[SealedIdentity], BaseModel] | None = None,
) -> list[str]:
    """Every sealed identity (and, with ``special``, every sealed box of special categories)
    on every topic starting with ``prefix`` (notices, dead letters), opened with intake's own
    key: where one still reveals a value."""
    openers: dict[str, Callable[[SealedIdentity], BaseModel]] = {"identity": opener}
    if special is not None:
        openers["special_categories"] = special
    found: list[str] = []
    for r in await read_to_end(bootstrap, prefix=prefix):
        for field, opening in openers.items():
            try:
                sealed = SealedIdentity.model_validate(json.loads(r.value or b"")[field])
                opened = opening(sealed).model_dump_json().encode()
            except Exception:  # not a sealed box, or one that cannot be opened: nothing read
                continue
            if (n := _hit(opened, wanted)) is not None:
                found.append(f"{r.topic}@{r.partition}:{r.offset}: {n!r} (sealed {field})")
    return found


async def scan_databases(uri: str, run: str, wanted: list[bytes]) -> list[str]:
    """Every document of every collection of the databases named ``<run>_*``."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(uri)
    found: list[str] = []
    try:
        for name in await client.list_database_names():
            if not name.startswith(f"{run}_"):
                continue
            for coll in await client[name].list_collection_names():
                async for doc in client[name][coll].find({}):
                    blob = json_util.dumps(doc).encode() + _binaries(doc)
                    if (n := _hit(blob, wanted)) is not None:
                        found.append(f"{name}.{coll} {doc.get('_id')}: {n!r}")
    finally:
        await client.close()
    return found


def _binaries(value: Any) -> bytes:
    """Raw bytes inside a document (json_util shows them as base64, hiding clear text)."""
    if isinstance(value, bytes):
        return b"\0" + value
    if isinstance(value, dict):
        return b"".join(_binaries(v) for v in value.values())
    if isinstance(value, list):
        return b"".join(_binaries(v) for v in value)
    return b""


def scan_logs(paths: Iterable[Path], wanted: list[bytes]) -> list[str]:
    found: list[str] = []
    for path in paths:
        for number, line in enumerate(path.read_bytes().splitlines(), 1):
            if (n := _hit(line, wanted)) is not None:
                found.append(f"{path.name}:{number}: {n!r}")
    return found
