"""Relocation: within the region only the district changes; into another region the case
is placed anew there (the place it held is freed first, so its provider competes too)."""

from __future__ import annotations

from msa_contracts.events import CaseReassigned, PersonRelocated, reason

from msa_casework.domain.facts import Outcome
from msa_casework.domain.persons import PersonFile
from msa_casework.domain.placement import Capacity, place, release, serve_waiting
from msa_casework.domain.rules import Rules


def relocate(file: PersonFile, moved: PersonRelocated, capacity: Capacity, rules: Rules) -> Outcome:
    """CaseReassigned (if the provider changes) then CaseAssigned, or CaseWaitlisted when
    the new region is full; the freed place then serves the waiting list."""
    outcome = Outcome()
    if file.person is not None:
        file.person.district = moved.to_district
        outcome.persons.append(file.person)
    case = file.case
    if case is None or not case.is_open:
        return outcome
    old_region, new_region = case.region, rules.reference.region_of(moved.to_district)
    case.district, case.region = moved.to_district, new_region
    outcome.changed(case)
    if new_region == old_region:
        return outcome
    provider = case.assigned_to
    release(case, capacity)
    placed = place(case, capacity, rules.reference, moved.moved_on)
    if provider is not None and case.assigned_to != provider:
        relocated = reason("relocated", f"moved from {moved.from_district} ({old_region}) "
                           f"to {moved.to_district} ({new_region})")  # fmt: skip
        outcome.tell(
            CaseReassigned(
                case_id=case.case_id, from_provider_id=provider, to_provider_id=case.assigned_to,
                reassigned_on=moved.moved_on, reasons=[relocated, *case.assignments[-1].reasons],
            ),
            provider, case.assigned_to,
        )  # fmt: skip
    outcome.merge(placed)
    return outcome.merge(serve_waiting(capacity, rules.reference, moved.moved_on))
