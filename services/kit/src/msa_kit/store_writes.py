"""Documents written to the store, counted from PyMongo's command monitoring.

The cost of a write path on a document store is mostly its document writes: every insert,
update and delete the server acknowledged is counted per collection and kind
(``msa_store_writes_total``), so "writes per accepted record" can be read off ``/metrics``
(the benchmark does) and a change that adds one shows up.
"""

from __future__ import annotations

from typing import Any

from pymongo import monitoring

from msa_kit.metrics import STORE_COMMANDS, STORE_WRITES

#: write command → the field that lists its documents or statements
_BATCHES = {"insert": "documents", "update": "updates", "delete": "deletes"}
_SINGLE = {"findAndModify": "update"}


class StoreWrites(monitoring.CommandListener):
    """Counts the documents of each acknowledged write command, by collection and kind."""

    def __init__(self) -> None:
        self._pending: dict[tuple[int, int], tuple[str, str, int]] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        name = event.command_name
        if name in _BATCHES:
            count = _count(event.command, _BATCHES[name])
            self._pending[(event.request_id, event.operation_id or 0)] = (
                str(event.command.get(name)), name, count,
            )  # fmt: skip
        elif name in _SINGLE:
            kind = "delete" if event.command.get("remove") else _SINGLE[name]
            self._pending[(event.request_id, event.operation_id or 0)] = (
                str(event.command.get(name)), kind, 1,
            )  # fmt: skip

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        found = self._pending.pop((event.request_id, event.operation_id or 0), None)
        if found is None:
            return
        collection, kind, count = found
        STORE_COMMANDS.labels(collection, kind).inc()
        STORE_WRITES.labels(collection, kind).inc(_acknowledged(event.reply, count))

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._pending.pop((event.request_id, event.operation_id or 0), None)


def _count(command: Any, field: str) -> int:
    items = command.get(field)
    return len(items) if isinstance(items, list) else 0


def _acknowledged(reply: Any, sent: int) -> int:
    """Documents the server reports as written (``n``: inserted, matched or upserted,
    deleted); what was sent when the reply does not say."""
    if not isinstance(reply, dict):
        return sent
    n = reply.get("n", (reply.get("lastErrorObject") or {}).get("n"))
    return n if isinstance(n, int) else sent
