"""An approval's hour budget: usage counts billable minutes; thresholds are announced once."""

from __future__ import annotations

from msa_billing.domain.case_view import Approval
from msa_billing.domain.errors import UnsupportedThreshold

EXHAUSTED = 100
#: The thresholds ``BudgetThresholdReached`` can express (its ``threshold_percent``).
CONTRACT_THRESHOLDS = frozenset({80, 100})


def check_warning(percent: int) -> int:
    """The configured warning percentage, if the contract's event can carry it."""
    if percent not in CONTRACT_THRESHOLDS or percent == EXHAUSTED:
        raise UnsupportedThreshold(f"a budget warning at {percent} % cannot be announced")
    return percent


def charge(approval: Approval, minutes: int, warning_percent: int) -> list[int]:
    """Use ``minutes`` of the budget; returns the thresholds reached for the first time.

    The warning is reached at ``warning_percent`` of the budget, exhaustion when the whole
    budget is used (an entry that would go beyond it is rejected before it is charged).
    """
    approval.used_minutes += minutes
    reached = []
    for percent in (warning_percent, EXHAUSTED):
        used_enough = approval.used_minutes * 100 >= percent * approval.budget_minutes
        if used_enough and percent not in approval.thresholds:
            approval.thresholds.append(percent)
            reached.append(percent)
    return reached


def percent_used(approval: Approval) -> int:
    """Usage in whole percent, rounded down (99.9 % is not yet exhausted)."""
    return approval.used_minutes * 100 // approval.budget_minutes
