"""Casework's settings: the kit's, plus the tolerances of report validation and the
case-file deletion period."""

from __future__ import annotations

from msa_kit.settings import KitSettings
from pydantic import Field


class CaseworkSettings(KitSettings):
    """Environment variables as in ``KitSettings`` (upper case, no prefix)."""

    service_name: str = "casework"
    report_tolerance_days: int = Field(
        default=2, ge=0, description="how far past the latest known day a report may be dated"
    )
    plan_max_target_months: int = Field(
        default=24, ge=1, description="how far after the agreement a goal's target date may lie"
    )
    case_file_retention_days: int = Field(
        default=1096, ge=1,
        description="days after a case closed until its file is deleted (default 3 years; "
        "see docs/DATA-PROTECTION.md)",
    )  # fmt: skip
