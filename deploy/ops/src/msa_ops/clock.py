"""`msa clock status`: the scheduler's last tick, its age, and the day each service is on.

It reads the scheduler's ``/clock`` and every service's ``/metrics``
(``msa_clock_day_timestamp_seconds``, set when a service takes a tick), so it works against
any running deployment whose HTTP ports it can reach (locally, or through
``kubectl port-forward``). Exit code 1 when the scheduler is unreachable, fenced or stale, or
a service is behind it, so scripts and cron jobs can use it as a check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated

import httpx
import typer
from msa_contracts.topics import CLOCK, catalogue
from msa_kit.city_day import city_day
from rich.console import Console
from rich.table import Table

from msa_ops.stack import BASE_PORT, port_of

clock_app = typer.Typer(help="The daily clock: the scheduler and each service's day.")
STALE_AFTER_S = 25 * 3600  # a day and an hour: a tick missed, DST days included
_GAUGE = re.compile(r"^msa_clock_day_timestamp_seconds\s+(\S+)$", re.MULTILINE)
#: the services that take the clock's ticks (intake has no clock day)
SERVICES = tuple(s for s in catalogue(()).topic(CLOCK).consumers if s != "scheduler")


@dataclass(frozen=True)
class ServiceDay:
    name: str
    url: str
    day: date | None
    error: str | None = None


def service_day(name: str, url: str, timeout_s: float = 3.0) -> ServiceDay:
    """The clock day a service reports on ``/metrics`` (None before its first tick)."""
    try:
        answer = httpx.get(f"{url}/metrics", timeout=timeout_s)
        answer.raise_for_status()
    except httpx.HTTPError as exc:
        return ServiceDay(name, url, None, f"unreachable: {type(exc).__name__}")
    found = _GAUGE.search(answer.text)
    if not found or found[1] in ("nan", "NaN") or float(found[1]) <= 0:
        return ServiceDay(name, url, None)
    return ServiceDay(name, url, city_day(datetime.fromtimestamp(float(found[1]), UTC)))


def _default_url(name: str) -> str:
    return f"http://127.0.0.1:{port_of(name, BASE_PORT)}"


@clock_app.command("status")
def status(
    scheduler: Annotated[str | None, typer.Option(help="The scheduler's base URL.")] = None,
    service: Annotated[
        list[str] | None,
        typer.Option(
            help="NAME=URL of a service to ask (repeatable); default: casework, billing "
            "and reporting on the local live stack's ports 8102-8104."
        ),
    ] = None,
) -> None:
    """Print the last tick, its age and each service's latest day; exit 1 when not in step."""
    console = Console()
    scheduler = scheduler or _default_url("scheduler")
    targets = dict(s.split("=", 1) for s in service) if service else {
        n: _default_url(n) for n in SERVICES
    }  # fmt: skip
    healthy = True
    try:
        clock = httpx.get(f"{scheduler}/clock", timeout=3.0).json()
    except (httpx.HTTPError, ValueError) as exc:
        console.print(f"[red]✗[/red] scheduler at {scheduler} unreachable: {exc}")
        clock, healthy = {}, False
    last = date.fromisoformat(clock["last_day"]) if clock.get("last_day") else None
    if clock:
        age = clock.get("age_s")
        age_text = "–" if age is None else f"{age / 3600:.1f} h"
        stale = age is None or age > STALE_AFTER_S or clock.get("fenced")
        mark = "[red]✗[/red]" if stale else "[green]✓[/green]"
        console.print(
            f"{mark} scheduler {scheduler}: last tick {last or '–'} (age {age_text}, "
            f"now {clock.get('now')}, {clock.get('time_zone')})"
            + (" [red]FENCED[/red]" if clock.get("fenced") else "")
            + (f" error: {clock['error']}" if clock.get("error") else "")
        )
        healthy = healthy and not stale
    table = Table("service", "day", "behind the scheduler", "URL", title="Clock day per service")
    for name, url in targets.items():
        found = service_day(name, url)
        if found.error or found.day is None:
            behind = found.error or "no tick yet"
            healthy = healthy and bool(found.day) and not found.error
        else:
            lag = (last - found.day).days if last else 0
            behind = "in step" if lag <= 0 else f"{lag} day(s)"
            healthy = healthy and lag <= 0
        table.add_row(name, str(found.day or "–"), behind, url)
    console.print(table)
    raise typer.Exit(0 if healthy else 1)
