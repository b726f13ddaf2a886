"""Helpers for pure domain tests: open a case without any I/O."""

from __future__ import annotations

from typing import Any

from msa_casework.domain.case import Case
from msa_casework.domain.opening import case_id_for, open_case
from msa_casework.domain.placement import Capacity
from msa_casework.domain.reports import Sender
from msa_casework.domain.rules import Rules
from msa_contracts.reference import ReferenceData

from tests.casework.builders import arrival


def opened(rules: Rules, capacity: Capacity | None = None, **arrival_args: Any) -> Case:
    """A case opened (and placed) by the real opening decision."""
    event = arrival(**arrival_args)
    outcome = open_case(event, capacity or Capacity(), [], rules)
    return next(c for c in outcome.cases if c.case_id == case_id_for(event.person_ref))


def sender(provider_id: str, event_type: str = "de.dresden.msa.Report.v1") -> Sender:
    return Sender(provider_id, "event-1", event_type)


def rules_for(reference: ReferenceData, **tolerances: Any) -> Rules:
    return Rules(reference, **tolerances)
