"""Poison messages of known kinds on inbound topics, and the dead letters they must become.

Each poison record carries a ``ce_id`` of its own (``poison-...``); a dead letter keeps the
original headers, so the letter of each poison is found by that id.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from aiokafka import AIOKafkaProducer
from msa_contracts.envelope import Record, encode
from msa_contracts.events import HoursLogged, PersonAllocated
from msa_contracts.namespace import NO_NAMESPACE, Namespace
from msa_contracts.reference import ReferenceData
from msa_contracts.sealing import seal_identity
from msa_contracts.topics import NOTICES, catalogue, dead_letter_topic

from msa_ops.keys import LocalKeys
from msa_ops.sim.population import arrivals

# kind -> (consuming service, expected dlq_code)
KINDS: dict[str, tuple[str, str]] = {
    "invalid-json": ("intake", "invalid-json"),
    "born-after-allocation": ("intake", "born-after-allocation"),
    "unknown-type": ("casework", "type-not-allowed"),
    "schema-violation": ("billing", "schema-violation"),
}


@dataclass(frozen=True)
class Poison:
    """One injected record and the dead letter it must turn into."""

    kind: str
    ce_id: str
    topic: str
    dead_letter_topic: str
    code: str


class Poisoner:
    """Sends poison records with its own producer; remembers what it sent."""

    def __init__(
        self, bootstrap: str, keys: LocalKeys, reference: ReferenceData,
        namespace: Namespace = NO_NAMESPACE,
    ) -> None:  # fmt: skip
        self._ns = namespace  # what it sends and expects is named as on the wire
        self._producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
        self._keys = keys
        self._reference = reference
        self._provider = reference.providers[0].id
        self.sent: list[Poison] = []

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def inject(self, kind: str, day: date) -> Poison:
        service, code = KINDS[kind]
        ce_id = f"poison-{kind}-{uuid.uuid4().hex[:12]}"
        logical, record = self._record(kind, ce_id, day)
        topic = self._ns.topic(logical)
        await self._producer.send_and_wait(
            topic, record.value, key=record.key, headers=list(record.headers)
        )
        poison = Poison(kind, ce_id, topic, self._ns.topic(dead_letter_topic(service)), code)
        self.sent.append(poison)
        return poison

    def _record(self, kind: str, ce_id: str, day: date) -> tuple[str, Record]:
        at = datetime.combine(day, time(9), tzinfo=UTC)
        notice = self._notice(ce_id, day)
        if kind == "born-after-allocation":
            return NOTICES, encode(notice, event_id=ce_id, source="/faults", time=at)
        if kind == "invalid-json":
            valid = encode(notice, event_id=ce_id, source="/faults", time=at)
            return NOTICES, Record(valid.key, b'{"notice_id": ', valid.headers)
        if kind in ("unknown-type", "schema-violation"):
            valid = encode(notice, event_id=ce_id, source="/faults", time=at)
            unknown = kind == "unknown-type"
            ce_type = "msa.faults.NoSuchReport.v1" if unknown else HoursLogged.ce_type()
            headers = tuple((k, ce_type.encode() if k == "ce_type" else v)
                            for k, v in valid.headers if k != "ce_subject")  # fmt: skip
            value = valid.value if unknown else b'{"entry_id": "x", "minutes": -5}'
            topic = catalogue().provider_topic(self._provider, "reports" if unknown else "hours")
            return topic, Record(valid.key, value, headers)
        raise ValueError(f"unknown poison kind {kind!r}")

    def _notice(self, ce_id: str, day: date) -> PersonAllocated:
        """A well-formed notice whose person is born after the allocation date."""
        a = arrivals(self._reference, seed=len(self.sent), count=1, start=day, days=1)[0]
        identity = a.identity.model_copy(update={"date_of_birth": day + timedelta(days=400)})
        return PersonAllocated(
            notice_id=f"N-{ce_id}",
            allocated_on=day,
            identity=seal_identity(
                self._keys.intake_public.read_text(), self._keys.intake_key_id, identity
            ),
            household_size=a.household_size,
            languages=list(a.languages),
            residence_status=a.residence_status,
            status_valid_from=day,
            district=a.district,
            accommodation_type=a.accommodation,
        )
