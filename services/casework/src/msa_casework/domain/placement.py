"""Places and the waiting list: assign or waitlist a case, free places, serve oldest first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from msa_contracts.events import CaseAssigned, CaseWaitlisted, Reason
from msa_contracts.reference import ReferenceData

from msa_casework.domain.assignment import Placement, choose_provider
from msa_casework.domain.case import Case, CaseStatus
from msa_casework.domain.facts import Outcome
from msa_casework.domain.state import State


class Caseload(State):
    """Open cases per provider (capacity = max open cases at once) and the queue counter."""

    open_cases: dict[str, int] = {}
    waiting_seq: int = 0

    def take(self, provider_id: str) -> None:
        self.open_cases[provider_id] = self.open_cases.get(provider_id, 0) + 1

    def free(self, provider_id: str) -> None:
        self.open_cases[provider_id] = max(0, self.open_cases.get(provider_id, 0) - 1)

    def next_seq(self) -> int:
        self.waiting_seq += 1
        return self.waiting_seq


@dataclass
class Capacity:
    """The caseload and the cases waiting for a place, loaded together."""

    caseload: Caseload = field(default_factory=Caseload)
    waiting: list[Case] = field(default_factory=list)


def place(case: Case, capacity: Capacity, reference: ReferenceData, on: date) -> Outcome:
    """Assign the case to the best provider of its region, or put it on the waiting list."""
    choice = _choose(case, capacity, reference)
    if choice.provider_id is None:
        return waitlist(case, capacity, choice.reasons, on)
    return _assign(case, capacity, choice.provider_id, choice.reasons, on)


def waitlist(case: Case, capacity: Capacity, reasons: list[Reason], on: date) -> Outcome:
    seq = case.waiting_seq if case.waiting_seq is not None else capacity.caseload.next_seq()
    case.waitlist(on, seq, reasons)
    if all(w is not case for w in capacity.waiting):
        capacity.waiting.append(case)
    outcome = Outcome()
    outcome.tell(CaseWaitlisted(case_id=case.case_id, region=case.region, waitlisted_on=on,
                                reasons=reasons))  # fmt: skip
    outcome.changed(case)
    return outcome


def release(case: Case, capacity: Capacity) -> None:
    """Free the place the case holds (before it closes or moves away)."""
    if case.assigned_to:
        capacity.caseload.free(case.assigned_to)


def serve_waiting(capacity: Capacity, reference: ReferenceData, on: date) -> Outcome:
    """Assign waiting cases where places are free, the longest waiting first."""
    outcome = Outcome()
    queue = sorted(
        (c for c in capacity.waiting if c.status is CaseStatus.WAITLISTED),
        key=lambda c: (c.waiting_since or on, c.waiting_seq or 0, c.case_id),
    )
    for case in queue:
        choice = _choose(case, capacity, reference)
        if choice.provider_id is not None:
            outcome.merge(_assign(case, capacity, choice.provider_id, choice.reasons, on))
    return outcome


def _choose(case: Case, capacity: Capacity, reference: ReferenceData) -> Placement:
    return choose_provider(
        case.region, case.known_needs.languages, reference.providers, capacity.caseload.open_cases
    )


def _assign(
    case: Case, capacity: Capacity, provider_id: str, reasons: list[Reason], on: date
) -> Outcome:
    capacity.caseload.take(provider_id)
    case.assign(provider_id, on, reasons)
    needs = case.known_needs
    outcome = Outcome()
    outcome.tell(
        CaseAssigned(
            case_id=case.case_id, person_ref=case.person_ref, provider_id=provider_id,
            region=case.region, district=case.district, assigned_on=on, module=case.module,
            reasons=reasons, age_band=needs.age_band,
            household_size=needs.household_size, languages=needs.languages,
            residence_status=case.assessment.residence_status,
        ),
        provider_id,
    )  # fmt: skip
    outcome.changed(case)
    return outcome
