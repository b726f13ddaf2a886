"""Detached server processes tracked by pid files, plus port probes."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

# Popen objects of servers started by this interpreter, so they can be reaped (no zombies).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}
_MAX_LOG_BYTES = 20 * 1024 * 1024  # rotate to <log>.1 at start beyond this size


def log_tail(path: Path, lines: int = 40) -> str:
    """Return the last lines of a log file (empty when it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _alive(pid: int) -> bool:
    child = _CHILDREN.get(pid)
    if child is not None:
        if child.poll() is None:
            return True
        _CHILDREN.pop(pid, None)
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie answers kill(0) but is gone...
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        threads = len(list(Path(f"/proc/{pid}/task").iterdir()))
    except (OSError, IndexError):
        return True
    # ...unless only its main thread is a zombie while other threads (holding its sockets)
    # are still exiting
    return state not in ("Z", "X") or threads > 1


class ManagedProcess:
    """One detached server process: its pid file, log file and a command-line marker.

    The marker (e.g. the path of its config) must appear in the process's command line, so a
    recycled pid belonging to an unrelated program is never mistaken for our server.
    """

    def __init__(self, pidfile: Path, logfile: Path, marker: str) -> None:
        self.pidfile = pidfile
        self.logfile = logfile
        self.marker = marker
        self.killed = False  # whether the last stop()/kill() needed SIGKILL

    def pid(self) -> int | None:
        """Return the pid of our running server, or None (stale pid files are removed)."""
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        if _alive(pid) and self._is_ours(pid):
            return pid
        self.pidfile.unlink(missing_ok=True)
        return None

    def _is_ours(self, pid: int) -> bool:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return True  # no /proc (not Linux): trust the pid file
        # Empty while the process execs (the java launcher may re-exec itself): trust it.
        return not cmdline or self.marker.encode() in cmdline.replace(b"\0", b" ")

    def cmdline(self) -> list[str]:
        """Return the running server's argv (empty when not running or unknown)."""
        pid = self.pid()
        if pid is None:
            return []
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return []
        return [part.decode() for part in raw.split(b"\0") if part]

    def spawn(self, argv: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> int:
        """Start argv detached (own session), appending its output to the log file."""
        self.pidfile.parent.mkdir(parents=True, exist_ok=True)
        if self.logfile.is_file() and self.logfile.stat().st_size > _MAX_LOG_BYTES:
            self.logfile.replace(self.logfile.with_name(self.logfile.name + ".1"))
        with self.logfile.open("ab") as log:
            child = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _CHILDREN[child.pid] = child
        self.pidfile.write_text(f"{child.pid}\n")
        return child.pid

    def _signal(self, pid: int, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            if os.getpgid(pid) == pid:  # we made it a session leader: reach its children too
                os.killpg(pid, sig)
            else:
                os.kill(pid, sig)

    def stop(self, timeout: float) -> bool:
        """SIGTERM, wait up to timeout, then SIGKILL. Return True if a process was stopped."""
        pid = self.pid()
        if pid is None:
            return False
        self._signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.killed = _alive(pid)
        if self.killed:
            self._signal(pid, signal.SIGKILL)
        self._wait_gone(pid)
        return True

    def kill(self) -> bool:
        """SIGKILL at once (a crash, for fault injection). Return True if a process was killed."""
        pid = self.pid()
        if pid is None:
            return False
        self.killed = True
        self._signal(pid, signal.SIGKILL)
        self._wait_gone(pid)
        return True

    def _wait_gone(self, pid: int) -> None:
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.pidfile.unlink(missing_ok=True)
