"""One valid body per event type we can build, keyed by ``ce_type``: hostile records start
from these, so that mutations reach deep into validation and handlers."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from msa_contracts.events import Event
from msa_contracts.values import District, ResidenceStatus

from tests.billing import builders as bill
from tests.casework import builders as case
from tests.contracts.contract_samples import sample_events

DAY = date(2026, 3, 2)


def _events() -> list[Event]:
    ref = case.person_ref()
    case_id = bill.new_case_id()
    return [
        *sample_events(),
        case.arrival(ref), case.status_changed(ref, ResidenceStatus.AE_25_2, DAY,
                                               ResidenceStatus.GESTATTUNG),
        case.relocated(ref, District.ALTSTADT, District.COTTA, DAY), case.departed(ref, DAY),
        case.erased(ref, DAY), case.plan(ref), case.reviewed(ref, DAY),
        case.progress(ref, "g1", "achieved", DAY), case.fachleistung(ref, 40),
        case.referral(ref), bill.opened(case_id, DAY), bill.assigned(case_id, "caritas", DAY),
        bill.reassigned(case_id, "caritas", "diakonie", DAY), bill.closed(case_id, DAY),
        bill.approved(case_id, "caritas", DAY, date(2027, 3, 1), 600),
        bill.expired(case_id, "caritas", f"{case_id}:A1", DAY), bill.logged(case_id, DAY),
    ]  # fmt: skip


def samples() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for event in _events():
        found.setdefault(event.ce_type(), json.loads(event.model_dump_json()))
    return found
