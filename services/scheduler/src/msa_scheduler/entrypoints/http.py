"""``GET /clock``: the last tick, its age and the scheduler's state (no authentication: it
shows no personal data, like the probes)."""

from __future__ import annotations

from fastapi import APIRouter

from msa_scheduler.ticker import Ticker


def clock_router(ticker: Ticker) -> APIRouter:
    router = APIRouter(tags=["clock"])

    @router.get("/clock")
    async def clock() -> dict[str, object]:
        status = ticker.status
        age = ticker.age_s()
        return {
            "last_day": status.last_day.isoformat() if status.last_day else None,
            "last_published_at": status.last_published_at.isoformat()
            if status.last_published_at
            else None,
            "age_s": None if age is None else round(age, 1),
            "now": ticker.clock().isoformat(),
            "time_zone": ticker.zone.key,
            "caught_up": status.caught_up,
            "fenced": status.fenced,
            "error": status.error,
        }

    return router
