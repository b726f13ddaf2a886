"""No event a service publishes carries a vulnerability (a special category, Art. 9 DSGVO),
and the v1 bodies that did are read as v2 without them."""

from __future__ import annotations

import json

import pytest
from contract_samples import CASE, case_assigned
from msa_contracts.envelope import decode, encode
from msa_contracts.events import ALL_EVENTS, ArrivalRegistered, CaseAssigned, Event
from msa_contracts.specs.jsonschema import event_schema
from msa_contracts.values import Vulnerability

from tests.contracts.test_envelope import AT

#: the one event that still names vulnerabilities: the allocation system's inbound notice,
#: a hand-over that intake deletes from its topic once processed (docs/DATA-PROTECTION.md)
INBOUND = {"PersonAllocated"}
V1_ARRIVAL = {
    "person_ref": "P-00000000000000a1", "allocated_on": "2026-03-01",
    "registered_at": "2026-03-02T09:30:00Z", "registered_via": "allocation-notice",
    "age_band": "6-17", "household_size": 1, "languages": ["ar"],
    "residence_status": "ae-25-2", "status_valid_from": "2026-03-01", "district": "cotta",
    "accommodation_type": "apartment", "vulnerabilities": ["trauma", "unaccompanied-minor"],
}  # fmt: skip


def v1(event: Event, body: dict[str, object]) -> tuple[list[tuple[str, bytes]], bytes]:
    """``event``'s record as a v1 producer sent it: v1 type header, ``body`` as value."""
    rec = encode(event, event_id="evt-1", source="/casework", time=AT)
    current, old = event.ce_type().encode(), event.ce_type().replace(".v2", ".v1").encode()
    headers = [(k, old if v == current else v) for k, v in rec.headers]
    return headers, json.dumps(body).encode()


def _names_vulnerabilities(schema: object) -> bool:
    """A property named so, or a vulnerability among enum values (prose does not count)."""
    text = json.dumps(_without_prose(schema))
    return '"vulnerabilities"' in text or any(f'"{v.value}"' in text for v in Vulnerability)


def _without_prose(node: object) -> object:
    if isinstance(node, dict):
        return {k: _without_prose(v) for k, v in node.items() if k not in ("description", "title")}
    if isinstance(node, list):
        return [_without_prose(v) for v in node]
    return node


@pytest.mark.parametrize("cls", ALL_EVENTS, ids=lambda c: c.name())
def test_no_published_event_has_a_field_or_value_for_vulnerabilities(cls: type[Event]) -> None:
    if cls.name() in INBOUND:
        return
    assert not _names_vulnerabilities(event_schema(cls)), f"{cls.name()} carries vulnerabilities"


def test_a_v1_arrival_is_read_as_v2_with_only_the_minor_flag() -> None:
    sample = ArrivalRegistered.model_validate(
        {**{k: v for k, v in V1_ARRIVAL.items() if k != "vulnerabilities"},
         "unaccompanied_minor": False}, strict=False)  # fmt: skip
    headers, value = v1(sample, V1_ARRIVAL)
    event = decode(headers, value).event
    assert isinstance(event, ArrivalRegistered) and event.schema_version == 2
    assert event.unaccompanied_minor is True
    assert b"trauma" not in event.model_dump_json().encode()


def test_a_v1_arrival_without_vulnerabilities_is_no_minor() -> None:
    body = {k: v for k, v in V1_ARRIVAL.items() if k != "vulnerabilities"}
    sample = ArrivalRegistered.model_validate(body | {"unaccompanied_minor": True}, strict=False)
    event = decode(*v1(sample, body)).event
    assert isinstance(event, ArrivalRegistered) and event.unaccompanied_minor is False


def test_a_v1_assignment_is_read_as_v2_without_vulnerabilities() -> None:
    sample = case_assigned()
    body = json.loads(sample.model_dump_json()) | {"vulnerabilities": ["pregnancy"]}
    envelope = decode(*v1(sample, body), allowed_types={CaseAssigned.ce_type()})
    assert envelope.event == sample and envelope.subject == CASE
    assert envelope.type == "de.dresden.msa.CaseAssigned.v2"
