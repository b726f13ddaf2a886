"""Reference data as data files, with a loader.

The YAML files beside this module are the seed; point ``MSA_REFERENCE_DIR`` at another
directory with the same files to replace them (e.g. with the official measure catalogue).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]
from pydantic import ValidationError

from msa_contracts.reference.model import (
    BillingRules,
    DistrictInfo,
    FieldOfAction,
    Measure,
    ProviderContract,
    ReferenceData,
    StatusRule,
)

SEED_DIR = Path(__file__).parent
FILES = ("measures", "places", "domains", "residence", "billing", "providers")

__all__ = [
    "SEED_DIR",
    "BillingRules",
    "DistrictInfo",
    "FieldOfAction",
    "Measure",
    "ProviderContract",
    "ReferenceData",
    "StatusRule",
    "load_reference",
]


class ReferenceDataError(ValueError):
    """The reference data files are missing or inconsistent."""


def load_reference(directory: Path | str | None = None) -> ReferenceData:
    """Load and validate the reference data (``MSA_REFERENCE_DIR`` or the seed)."""
    chosen = directory or os.environ.get("MSA_REFERENCE_DIR") or SEED_DIR
    return _load(Path(chosen).resolve())


# The file each top-level field of ReferenceData comes from, to name it in errors.
SOURCES = {
    "fields": ("measures", "fields"),
    "measures": ("measures", "measures"),
    "regions": ("places", "regions"),
    "districts": ("places", "districts"),
    "domains": ("domains", "domains"),
    "course_measures": ("domains", "course_measures"),
    "mentoring": ("domains", "mentoring"),
    "statuses": ("residence", "statuses"),
    "billing": ("billing", None),
    "providers": ("providers", "providers"),
}


@lru_cache(maxsize=8)
def _load(directory: Path) -> ReferenceData:
    raw = {name: _read(directory / f"{name}.yaml") for name in FILES}
    data: dict[str, Any] = {}
    for field, (name, key) in SOURCES.items():
        if key is not None and key not in raw[name]:
            raise ReferenceDataError(f"{directory / name}.yaml: missing top-level key {key!r}")
        data[field] = raw[name] if key is None else raw[name][key]
    try:
        return ReferenceData(**data)
    except ValidationError as exc:
        fields = {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
        files = [str(directory / f"{SOURCES[f][0]}.yaml") for f in SOURCES if f in fields]
        raise ReferenceDataError(
            f"invalid reference data in {', '.join(files) or directory}: {exc}"
        ) from exc


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ReferenceDataError(f"reference data file missing: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ReferenceDataError(f"{path}: expected a mapping at the top level")
    return data
