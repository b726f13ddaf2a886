"""The MongoDB-wire server as a local process: a `mongod` replica set, else SecantusDB."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from msa_ops.infra.errors import InfraError, port_conflict
from msa_ops.infra.java import Reporter
from msa_ops.infra.mongo_rs import ensure_primary, local_uri, ping
from msa_ops.infra.ports import wait_port_free
from msa_ops.infra.procs import ManagedProcess, log_tail
from msa_ops.infra.settings import MONGO_PORT_ENV, InfraSettings


def _print(message: str) -> None:
    print(message, flush=True)


def find_secantusd() -> str | None:
    """Path of `secantusd-py`: next to this interpreter first, then on PATH."""
    beside = Path(sys.executable).parent / "secantusd-py"
    return str(beside) if beside.is_file() else shutil.which("secantusd-py")


class LocalMongo:
    """`mongod --replSet rs0` under var/mongo if mongod is on PATH, else SecantusDB (var/secantus).

    A server of either kind that is already running (our pid file) is reused.
    """

    name = "mongo"

    def __init__(self, settings: InfraSettings, report: Reporter = _print) -> None:
        self.settings = settings
        self.report = report
        var = settings.var_dir
        self.mongod = ManagedProcess(
            var / "mongo" / "mongod.pid", var / "mongo" / "mongod.log", str(var / "mongo" / "data")
        )
        self.secantus = ManagedProcess(
            var / "secantus" / "secantus.pid",
            var / "secantus" / "secantus.log",
            str(var / "secantus" / "data"),
        )

    @property
    def address(self) -> str:
        """Connection URI for clients."""
        return local_uri(self.settings.mongo_port)

    @property
    def backend(self) -> str:
        """'mongod' or 'secantusdb': what runs now, else what the next start would run."""
        if self.mongod.pid() is not None:
            return "mongod"
        if self.secantus.pid() is not None or shutil.which("mongod") is None:
            return "secantusdb"
        return "mongod"

    def _process(self) -> ManagedProcess:
        return self.mongod if self.backend == "mongod" else self.secantus

    def pid(self) -> int | None:
        """The running server's pid (None when not running)."""
        return self._process().pid()

    def running_port(self) -> int | None:
        """Port of our running server (from its command line), or None if not running."""
        argv = self._process().cmdline()
        return int(argv[argv.index("--port") + 1]) if "--port" in argv else None

    def ensure_started(self) -> bool:
        """Start the server unless ours already runs; wait until ready. True if started now."""
        port = self.settings.mongo_port
        running = self.running_port()
        if running is not None and running != port:
            raise InfraError(
                f"our {self.backend} already runs on port {running}, not "
                f"{MONGO_PORT_ENV}={port}; run `msa infra down` first"
            )
        if running is None:
            if not wait_port_free(port, self.settings.port_grace_s):
                raise port_conflict(port, MONGO_PORT_ENV, "MongoDB-wire server")
            self._spawn(port)
        try:
            self.wait_ready()
        except BaseException:
            if running is None:
                self.kill()  # leave no half-started server behind
            raise
        return running is None

    def _spawn(self, port: int) -> None:
        proc = self._process()
        data = Path(proc.marker)
        data.mkdir(parents=True, exist_ok=True)
        self.report(f"starting {self.backend} on {self.address} (logs: {proc.logfile})")
        if self.backend == "mongod":
            mongod = shutil.which("mongod") or "mongod"
            argv = [
                mongod,
                "--replSet",
                "rs0",
                "--bind_ip",
                "127.0.0.1",
                "--port",
                str(port),
                "--dbpath",
                str(data),
                "--wiredTigerCacheSizeGB",
                "0.25",
            ]
        else:
            secantusd = find_secantusd()
            if secantusd is None:
                raise InfraError(
                    "neither `mongod` nor `secantusd-py` was found: run `uv sync` "
                    "(secantusdb is a dependency of msa-ops) or set MONGODB_URI"
                )
            argv = [
                secantusd,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--storage-path",
                str(data),
                "--cache-size",
                "256M",
            ]
            if self.settings.sync_on_commit:
                argv.append("--sync-on-commit")
        proc.spawn(argv, cwd=data.parent)

    def wait_ready(self) -> None:
        """Block until `ping` answers (and, for mongod, the replica set has a primary)."""
        proc = self._process()
        deadline = time.monotonic() + self.settings.start_timeout
        while not ping(self.address, timeout_s=1.0):
            if proc.pid() is None or time.monotonic() > deadline:
                state = "exited" if proc.pid() is None else "did not answer ping"
                raise InfraError(
                    f"{self.backend} on {self.address} {state}; last lines of "
                    f"{proc.logfile}:\n{log_tail(proc.logfile)}"
                )
            time.sleep(0.2)
        if self.backend == "mongod":
            member = f"127.0.0.1:{self.settings.mongo_port}"
            ensure_primary(self.address, "rs0", member, self.settings.start_timeout)

    def healthy(self) -> bool:
        """True when the server answers `ping`."""
        return ping(self.address, timeout_s=1.0)

    def stop(self) -> bool:
        """Clean shutdown (SIGTERM, then SIGKILL after the stop timeout)."""
        return self._process().stop(self.settings.stop_timeout)

    def kill(self) -> bool:
        """Crash the server (SIGKILL)."""
        return self._process().kill()

    def restart(self, hard: bool = False) -> None:
        """Stop (SIGKILL when hard, else SIGTERM) and start again on the same data."""
        if hard:
            self.kill()
        else:
            self.stop()
        self.ensure_started()
