"""Add a provider to the provider registry (``providers.yaml``), keeping its comments."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from msa_contracts import reference
from msa_contracts.reference import ReferenceData, load_reference
from msa_contracts.reference.model import ProviderContract
from pydantic import ValidationError

from msa_ops.deploy.layout import PROVIDERS_FILE

LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class ProviderError(ValueError):
    """The new provider is invalid or clashes with the registry."""


@dataclass(frozen=True)
class NewProvider:
    id: str
    name: str
    regions: tuple[str, ...]
    capacity: int
    languages: tuple[str, ...]
    rate_cents: int
    rate_from: date


def fresh_reference(directory: Path) -> ReferenceData:
    """The reference data as on disk now (``load_reference`` caches per directory)."""
    reference._load.cache_clear()
    return load_reference(directory)


def overlapping(a: str, b: str) -> bool:
    """Whether ``provider-a-`` and ``provider-b-`` group prefixes overlap (a != b)."""
    return a != b and (a.startswith(f"{b}-") or b.startswith(f"{a}-"))


def validate(new: NewProvider, ref: ReferenceData) -> ProviderContract:
    if ref.provider(new.id) is not None:
        raise ProviderError(f"provider {new.id!r} already exists")
    clash = [p.id for p in ref.providers if overlapping(p.id, new.id)]
    if clash:
        raise ProviderError(
            f"provider id {new.id!r} and {clash[0]!r}: one is the other plus '-...', so the "
            f"consumer-group prefix ACL of one (provider-<id>-) would cover the other's groups"
        )
    known = {str(r.id) for r in ref.regions}
    unknown = sorted(set(new.regions) - known)
    if unknown:
        raise ProviderError(f"unknown region(s) {', '.join(unknown)}; known: {sorted(known)}")
    bad = [lang for lang in new.languages if not LANGUAGE.match(lang)]
    if bad or not new.languages:
        raise ProviderError(f"languages must be ISO 639 codes like de, ar; got {bad or 'none'}")
    try:
        return ProviderContract.model_validate({
            "id": new.id, "name": new.name, "regions": new.regions, "capacity": new.capacity,
            "languages": new.languages,
            "rates": [{"valid_from": new.rate_from, "cents_per_hour": new.rate_cents}],
        })  # fmt: skip
    except ValidationError as exc:
        raise ProviderError(f"invalid provider: {exc}") from exc


def entry_yaml(new: NewProvider) -> str:
    def flow(items: tuple[str, ...]) -> str:
        return "[" + ", ".join(items) + "]"

    return (
        f"  - id: {new.id}\n"
        f"    name: {json.dumps(new.name, ensure_ascii=False)}\n"
        f"    regions: {flow(new.regions)}\n"
        f"    capacity: {new.capacity}\n"
        f"    languages: {flow(new.languages)}\n"
        f"    rates:\n"
        f'      - {{valid_from: "{new.rate_from.isoformat()}", cents_per_hour: {new.rate_cents}}}\n'
    )


def add_provider(directory: Path, new: NewProvider) -> ReferenceData:
    """Append ``new`` to ``directory/providers.yaml``; the file is left unchanged when the
    result would not load. Returns the reference data with the new provider."""
    validate(new, fresh_reference(directory))
    path = directory / PROVIDERS_FILE
    before = path.read_text(encoding="utf-8")
    sep = "" if before.endswith("\n") else "\n"
    path.write_text(before + sep + entry_yaml(new), encoding="utf-8")
    try:
        return fresh_reference(directory)
    except ValueError as exc:
        path.write_text(before, encoding="utf-8")
        fresh_reference(directory)
        raise ProviderError(f"the registry would not load with {new.id!r}: {exc}") from exc
