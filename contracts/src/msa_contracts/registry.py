"""Look up event classes by CloudEvents type, and upcast old versions to current ones."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from msa_contracts.events import ALL_EVENTS, SUPERSEDED, UPCASTERS, Event

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class Registry:
    """Maps ``ce_type`` to the model that validates it.

    An old version of an event is accepted when an upcaster turns its JSON body into the
    body of the next version; upcasters chain until the current version is reached.
    """

    def __init__(
        self,
        events: tuple[type[Event], ...] = ALL_EVENTS,
        upcasters: Mapping[tuple[str, int], Upcaster] | None = None,
    ) -> None:
        self._by_type = {cls.ce_type(): cls for cls in events}
        self._current = {cls.name(): cls for cls in sorted(events, key=_version)}
        self._upcasters = dict(upcasters or {})

    def resolve(self, ce_type: str) -> tuple[type[Event], list[Upcaster]] | None:
        """The current model for ``ce_type`` and the upcasters to apply, or None if unknown."""
        if ce_type in self._by_type:
            return self._by_type[ce_type], []
        name, version = _split(ce_type)
        if name is None or version is None or name not in self._current:
            return None
        cls = self._current[name]
        chain: list[Upcaster] = []
        while version < cls.schema_version:
            step = self._upcasters.get((name, version))
            if step is None:
                return None
            chain.append(step)
            version += 1
        return (cls, chain) if version == cls.schema_version else None

    def known_types(self) -> list[str]:
        return sorted(self._by_type)


def _version(cls: type[Event]) -> int:
    return cls.schema_version


def _split(ce_type: str) -> tuple[str | None, int | None]:
    parts = ce_type.rsplit(".", 2)
    if len(parts) != 3 or not parts[2].startswith("v") or not parts[2][1:].isdigit():
        return None, None
    return parts[1], int(parts[2][1:])


DEFAULT_REGISTRY = Registry((*SUPERSEDED, *ALL_EVENTS), upcasters=UPCASTERS)
