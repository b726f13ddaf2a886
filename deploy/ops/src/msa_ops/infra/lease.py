"""Coordination between processes sharing one var/: a start lock and usage leases.

Several test sessions may use the same servers at once. Each holds a lease (a file named by
its pid) while it runs; a session that started a server stops it on exit only when no other
live session holds a lease, else it leaves the stop to the last one out.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def infra_lock(var_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on var/infra.lock (serializes start and stop)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    with (var_dir / "infra.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Leases:
    """Lease files under var/leases, plus the components left for the last holder to stop."""

    def __init__(self, var_dir: Path) -> None:
        self.dir = var_dir / "leases"
        self.own = self.dir / str(os.getpid())
        self.pending_file = self.dir / "stop-when-idle"

    def acquire(self) -> None:
        """Register this process as a user of the servers."""
        self.dir.mkdir(parents=True, exist_ok=True)
        self.own.touch()

    def release(self) -> None:
        """Unregister this process."""
        self.own.unlink(missing_ok=True)

    def others_alive(self) -> bool:
        """True when another live process holds a lease (stale leases are removed)."""
        alive = False
        for lease in self.dir.glob("[0-9]*"):
            if lease == self.own:
                continue
            if _pid_alive(int(lease.name)):
                alive = True
            else:
                lease.unlink(missing_ok=True)
        return alive

    def pending(self) -> set[str]:
        """Components a session that has left wanted stopped once nobody uses them."""
        try:
            return set(self.pending_file.read_text().split())
        except OSError:
            return set()

    def set_pending(self, names: set[str]) -> None:
        """Record (or, when empty, clear) the components to stop when idle."""
        if names:
            self.dir.mkdir(parents=True, exist_ok=True)
            self.pending_file.write_text(" ".join(sorted(names)) + "\n")
        else:
            self.pending_file.unlink(missing_ok=True)
