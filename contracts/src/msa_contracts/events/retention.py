"""Deletion periods: what was deleted or anonymised because its period ended.

Each event names the ids it concerns for the last time, so that every holder of a copy can
act on it, and the replacement ids the holders put in their place: drawn at random when the
period ended and kept nowhere beside the original, so an anonymised record links to no
person or case, while records anonymised together still belong together (figures joined
by case stay the same). See docs/DATA-PROTECTION.md for the periods and their legal ground.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from msa_contracts.events.base import Event
from msa_contracts.events.billing import InvoiceNumber
from msa_contracts.values import CaseId, PersonRef


class CaseFileExpired(Event):
    """A closed case's deletion period ended (``closed_on`` plus the case-file period) and
    casework deleted the case file: the case, its placements, modules, plans, goals, reviews,
    approvals, referrals and mentoring. Every holder deletes its copy now: billing replaces
    the case in hour entries and invoice lines by ``replacement_case_id`` (amounts stay),
    reporting replaces case and person in the facts it keeps (its figures do not move),
    intake erases the person, and the provider deletes its own copy of the case."""

    case_id: CaseId
    person_ref: PersonRef
    closed_on: date
    expired_on: date
    replacement_case_id: CaseId
    replacement_person_ref: PersonRef

    def subject(self) -> str:
        return self.case_id


class HoursAnonymised(Event):
    """The hour entries and invoice lines of a case reached the end of their period (or the
    case file expired): billing replaced the case and the workers in them by
    ``replacement_case_id`` and a fixed token. Minutes and amounts stay until the invoice's
    statutory period ends; reporting replaces the case in the facts it keeps."""

    case_id: CaseId
    replacement_case_id: CaseId
    anonymised_on: date
    entries: Annotated[int, Field(ge=0)]
    invoice_numbers: list[InvoiceNumber]

    def subject(self) -> str:
        return self.case_id
