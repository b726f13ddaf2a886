"""Billing's exceptions: broken invariants and refused commands, never entry rejections
(those are answered to the provider as events)."""

from __future__ import annotations


class BillingError(Exception):
    """Base of billing's exceptions; ``code`` is machine-readable."""

    code = "billing-error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PeriodNotClosed(BillingError):
    """An invoice run was asked for a month that has not ended yet."""

    code = "period-not-closed"


class UnsupportedThreshold(BillingError):
    """The configured budget warning cannot be expressed by the contract's event."""

    code = "unsupported-threshold"
