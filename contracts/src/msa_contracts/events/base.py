"""The base of every event: frozen, strict, versioned, past-tense."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

TYPE_PREFIX = "de.dresden.msa"


class Event(BaseModel):
    """A fact that happened, published on a topic of the catalogue.

    Subclasses set ``schema_version``. The CloudEvents ``type`` is
    ``de.dresden.msa.<ClassName>.v<version>``; a breaking change is a new class (``...V2``
    name kept, new version number) with an upcaster, never an edit of a published one.
    Validation is strict: unknown fields and wrong types are rejected.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    schema_version: ClassVar[int] = 1
    event_name: ClassVar[str] = ""

    @classmethod
    def name(cls) -> str:
        return cls.event_name or cls.__name__

    @classmethod
    def ce_type(cls) -> str:
        return f"{TYPE_PREFIX}.{cls.name()}.v{cls.schema_version}"

    def subject(self) -> str:
        """The aggregate id: record key and ``ce_subject``. Subclasses override."""
        raise NotImplementedError(f"{type(self).__name__} names no subject")


class Part(BaseModel):
    """A frozen, strict value object nested in an event."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)
