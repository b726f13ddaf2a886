"""Billing's database as the handlers' ``Store``: plain repositories for a session, or the
buffered unit of a transaction (``adapters.unit_of_work``)."""

from __future__ import annotations

from typing import Any

from msa_kit.day_store import MongoDays

from msa_billing.adapters.indexes import ensure_indexes
from msa_billing.adapters.mongo import (
    Db,
    MongoCases,
    MongoCounters,
    MongoEntries,
    MongoInvoices,
    MongoRuns,
)
from msa_billing.adapters.retention import MongoRetention
from msa_billing.adapters.unit_of_work import buffered_unit
from msa_billing.ports import BufferedUnit, Unit


class MongoStore:
    """Billing's collections: cases, entries, invoices, runs, counters and the clock day."""

    def __init__(self, db: Db) -> None:
        self._db = db

    def unit(self, session: Any) -> Unit:
        db = self._db
        return Unit(MongoCases(db, session), MongoEntries(db, session),
                    MongoInvoices(db, session), MongoRuns(db, session),
                    MongoCounters(db, session), MongoDays(db, session))  # fmt: skip

    def retention(self, session: Any) -> MongoRetention:
        return MongoRetention(self._db, session)

    def buffered_unit(self, session: Any) -> BufferedUnit:
        return buffered_unit(self._db, session)

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self._db)
