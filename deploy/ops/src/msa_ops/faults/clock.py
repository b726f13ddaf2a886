"""The real scheduler as the fault run's clock: the run moves the scheduler's "now" (the
file its ``SCHEDULER_NOW_FILE`` names) to a day's local midnight and waits until that day's
tick is on the clock topic, so a scheduler killed in between must catch up on restart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from msa_contracts.events import DayStarted
from msa_contracts.topics import CLOCK
from msa_kit.city_day import city_midnight
from msa_scheduler.adapters.clocks import FileClock

from msa_ops.sim.bus import Bus

SCHEDULER = "scheduler"


@dataclass(frozen=True)
class SchedulerClock:
    now_file: Path
    bus: Bus
    wait_s: float

    def before(self, first: date) -> None:
        """Set the clock to the evening before ``first``: nothing is due until it moves."""
        FileClock.move(self.now_file, city_midnight(first) - timedelta(hours=1))

    async def __call__(self, day: date) -> None:
        FileClock.move(self.now_file, city_midnight(day) + timedelta(seconds=1))
        await self.bus.until(
            lambda: any(t == CLOCK and isinstance(e.event, DayStarted) and e.event.day == day
                        for t, e in self.bus.seen),
            timeout_s=self.wait_s,
            what=f"the scheduler's tick for {day}",
        )  # fmt: skip

    def settings(self, run_id: str, first: date) -> dict[str, str]:
        """The scheduler process's environment for this run."""
        return {
            "SCHEDULER_NOW_FILE": str(self.now_file),
            "SCHEDULER_POLL_S": "0.2",
            "SCHEDULER_TRANSACTIONAL_ID": f"{run_id}-scheduler",
            "SCHEDULER_START_DAY": first.isoformat(),
        }
