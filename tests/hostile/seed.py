"""Put facts into the assembled services the way production does: as events through the
kit's Processor and each service's real subscriptions (inbox, outbox, transactions)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from msa_contracts.envelope import encode
from msa_contracts.events import Event
from msa_contracts.values import District, Module

from tests.billing.builders import approved, assigned, logged, module_changed, opened, tick
from tests.casework.builders import arrival
from tests.hostile.services import Assembled

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
START = date(2026, 3, 2)


async def deliver(service: Assembled, topic: str, event: Event) -> None:
    record = encode(event, event_id=str(uuid.uuid4()), source="/tests/hostile", time=NOW)
    outcome = await service.process(topic, record.key, record.value, record.headers)
    assert outcome == "processed", (topic, type(event).__name__, outcome)


@dataclass(frozen=True)
class BillingSeed:
    """A caritas case invoiced for March, and a diakonie case with its own invoice."""

    mine: str
    theirs: str
    own_invoice: str
    their_invoice: str


async def seed_billing(billing: Assembled) -> BillingSeed:
    mine, theirs = f"C-{uuid.uuid4().hex[:16]}", f"C-{uuid.uuid4().hex[:16]}"
    await deliver(billing, "msa.clock", tick(date(2026, 3, 31)))
    for event in (
        opened(mine, START), assigned(mine, "caritas", START),
        approved(mine, "caritas", START, date(2027, 3, 1), 600),
        module_changed(mine, Module.FACHLEISTUNG, START),
        opened(theirs, START), assigned(theirs, "diakonie", START),
    ):  # fmt: skip
        await deliver(billing, "msa.casework.cases", event)
    await deliver(billing, "msa.provider.caritas.hours", logged(mine, date(2026, 3, 3), 60))
    await deliver(billing, "msa.provider.diakonie.hours", logged(theirs, date(2026, 3, 3), 30))
    await deliver(billing, "msa.clock", tick(date(2026, 4, 1)))
    invoices = billing.runtime.db["invoices"]
    numbers = {d["provider_id"]: d["_id"] async for d in invoices.find({})}
    assert {"caritas", "diakonie"} <= set(numbers), numbers
    return BillingSeed(mine, theirs, numbers["caritas"], numbers["diakonie"])


async def seed_casework(casework: Assembled) -> dict[str, str]:
    """Arrivals in Mitte until caritas and another provider hold a case: provider → case id."""
    held: dict[str, str] = {}
    for languages in (("ar",), ("uk",), ("ru",), ("ar",), ("uk",)):
        await deliver(casework, "msa.intake.persons",
                      arrival(district=District.ALTSTADT, languages=languages))  # fmt: skip
    async for case in casework.runtime.db["cases"].find({}):
        if case.get("provider_id"):
            held.setdefault(case["provider_id"], case["_id"])
    assert "caritas" in held and len(held) >= 2, held
    return held
