"""The JSON Schema (draft 2020-12) of each event's JSON body, as the record value carries it."""

from __future__ import annotations

import inspect
from typing import Any

from msa_contracts.events import Event

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_BASE = "https://schemas.msa.dresden.example/events/"


def schema_file_name(cls: type[Event]) -> str:
    """``<Name>.v<N>.json``: the file, and the last segment of ``$id``, of an event's schema."""
    return f"{cls.name()}.v{cls.schema_version}.json"


def event_schema(cls: type[Event]) -> dict[str, Any]:
    """The validation schema of ``cls`` with its identity: ``$id``, CloudEvents type, version.

    Shared parts and enumerations stay in ``$defs`` so that the file is self-contained.
    """
    body = cls.model_json_schema(mode="validation")
    doc = inspect.cleandoc(cls.__doc__ or "")
    header: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": SCHEMA_BASE + schema_file_name(cls),
        "title": cls.name(),
        "description": doc,
        "x-ce-type": cls.ce_type(),
        "x-schema-version": cls.schema_version,
    }
    body.pop("title", None)
    body.pop("description", None)
    return header | body
