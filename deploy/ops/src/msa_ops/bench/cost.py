"""What a measurement cost: CPU seconds of each process (from ``/proc``), the store writes
a service reports on ``/metrics``, and the machine's load average beside every figure (the
machine may be shared: a figure is only comparable to ceilings of the same run)."""

from __future__ import annotations

import os
import re
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_TICKS = os.sysconf("SC_CLK_TCK")
_WRITES = re.compile(
    r'^msa_store_writes_total\{collection="([^"]*)",kind="([^"]*)"\} ([0-9.e+]+)$', re.M
)
_COMMANDS = re.compile(
    r'^msa_store_write_commands_total\{collection="([^"]*)",kind="([^"]*)"\} ([0-9.e+]+)$', re.M
)


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds of ``pid`` and its waited-for children (None once gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # the name may hold spaces
    utime, stime, cutime, cstime = (int(f) for f in fields[11:15])
    return (utime + stime + cutime + cstime) / _TICKS


def server_pids(infra: Any) -> dict[str, int]:
    """Pids of the local broker ("broker") and store ("store") that ``infra`` runs; servers
    in containers or elsewhere have none here and are left out."""
    found: dict[str, int] = {}
    for name, component in (("broker", infra.kafka), ("store", infra.mongo)):
        pid = component.pid() if callable(getattr(component, "pid", None)) else None
        if isinstance(pid, int):
            found[name] = pid
    return found


def load_average() -> float:
    """The one-minute load average."""
    return round(os.getloadavg()[0], 2)


@dataclass
class CpuMeter:
    """CPU seconds each named process spent between ``start`` and ``stop``."""

    pids: dict[str, int]

    def __post_init__(self) -> None:
        self._began: dict[str, float] = {}
        self.spent: dict[str, float] = {}

    def start(self) -> CpuMeter:
        self._began = {n: s for n, p in self.pids.items() if (s := cpu_seconds(p)) is not None}
        return self

    def stop(self) -> dict[str, float]:
        for name, began in self._began.items():
            now = cpu_seconds(self.pids[name])
            if now is not None:
                self.spent[name] = round(now - began, 2)
        return self.spent


def scrape_writes(port: int) -> tuple[dict[str, float], dict[str, float]]:
    """(documents, commands) written per ``collection/kind``, from a service's /metrics."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    docs = {f"{c}/{k}": float(v) for c, k, v in _WRITES.findall(text)}
    commands = {f"{c}/{k}": float(v) for c, k, v in _COMMANDS.findall(text)}
    return docs, commands


def scrape_processed(port: int, topic: str) -> float:
    """Records of ``topic`` a service processed so far, from its /metrics."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    found = re.search(r'^msa_messages_total\{outcome="processed",topic="' + re.escape(topic)
                      + r'"\} ([0-9.e+]+)$', text, re.M)  # fmt: skip
    return float(found[1]) if found else 0.0


def delta(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    keys = sorted(set(after) | set(before))
    return {k: after.get(k, 0.0) - before.get(k, 0.0) for k in keys}
