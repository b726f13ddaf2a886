"""The scheduler's settings: the kit's (Kafka, HTTP, logging), plus when and how it ticks."""

from __future__ import annotations

from datetime import date

from msa_kit.settings import KitSettings
from pydantic import Field


class SchedulerSettings(KitSettings):
    """Environment variables as in ``KitSettings`` (upper case, no prefix)."""

    service_name: str = "scheduler"
    scheduler_start_day: date | None = Field(
        default=None,
        description="first day to publish when msa.clock holds no tick yet (default: today); "
        "ignored once a tick was published",
    )
    scheduler_poll_s: float = Field(
        default=1.0, gt=0, description="how often the due days are checked (and wake at midnight)"
    )
    scheduler_transactional_id: str = Field(
        default="msa-scheduler",
        description="Kafka transactional.id shared by every instance: the newest fences the rest",
    )
    scheduler_now_file: str = Field(
        default="",
        description="TESTS AND REHEARSALS ONLY: read 'now' from this file (an RFC 3339 instant) "
        "instead of the system clock",
    )
