"""The stable reason codes of billing's answers (documented in the service's README)."""

from __future__ import annotations

CASE_NOT_ASSIGNED = "case-not-assigned"
CASE_CLOSED = "case-closed"
NO_ACTIVE_APPROVAL = "no-active-approval"
BUDGET_EXHAUSTED = "budget-exhausted"
FUTURE_DATE = "future-date"
ENTRY_ID_CONFLICT = "entry-id-conflict"
NO_RATE = "no-rate"
