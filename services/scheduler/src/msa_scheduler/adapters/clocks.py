"""Where the scheduler's "now" comes from: the system clock, or a file a test moves."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path


def system_clock() -> datetime:
    return datetime.now(UTC)


class FileClock:
    """ "Now" is the RFC 3339 instant written in a file, read at every call: lets a test or
    a rehearsal move a scheduler running in another process through days (never set in
    production). Until the file holds a valid instant, the system clock's time is used."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._last: datetime | None = None

    def __call__(self) -> datetime:
        try:
            text = self.path.read_text(encoding="utf-8").strip()
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except (OSError, ValueError):
            return self._last or system_clock()
        if parsed.tzinfo is None:
            return self._last or system_clock()
        self._last = parsed
        return parsed

    @staticmethod
    def move(path: Path, to: datetime) -> None:
        """Set the file's instant atomically (write aside, then rename)."""
        if to.tzinfo is None:
            raise ValueError("the instant must carry a time zone offset")
        aside = path.with_name(path.name + ".tmp")
        aside.write_text(to.isoformat(), encoding="utf-8")
        aside.replace(path)
