"""`msa demo --live` (`scripts/run.sh --live`): the system on real days, on one machine.

Broker, store, the four services and the scheduler, in the namespace ``live`` (topics
``msa.live.…``, databases ``live_<service>``, the services' own consumer groups
``msa-live-<service>``, so intake trims its notices as deployed) so that its state survives
a restart and no simulated run or test session mixes with it. The scheduler publishes
today's tick at once and each following day at local midnight (Europe/Berlin). It prints
where everything is, then keeps running; a service that dies is restarted.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

from msa_contracts.namespace import Namespace
from msa_kit.auth import Role
from rich.console import Console

from msa_ops.infra.cli import start_for_command
from msa_ops.infra.settings import InfraSettings
from msa_ops.keys import ensure_local_keys
from msa_ops.stack import SCHEDULER, Stack

LIVE = "live"
MAX_RESTARTS = 5


def run_live(console: Console, services: list[str]) -> None:
    settings = InfraSettings.from_env()
    infra = start_for_command(settings, console, namespace=LIVE)
    keys = ensure_local_keys(Path(settings.var_dir) / "keys")
    names = [*services, SCHEDULER]
    per_service = {n: {"MONGODB_DATABASE": f"{LIVE}_{n}"} for n in services}
    per_service[SCHEDULER] = {"SCHEDULER_TRANSACTIONAL_ID": f"{LIVE}-scheduler"}
    logs = Path(settings.var_dir) / "logs" / LIVE
    stack = Stack.create(names, env={**infra.env(), **keys.service_env()}, log_dir=logs,
                         extra=per_service)  # fmt: skip
    if busy := stack.busy_ports():
        ports = ", ".join(f"{name} {port}" for name, port in busy)
        console.print(f"[bold red]error:[/bold red] HTTP ports in use ({ports}): is another "
                      "run of the services still up? Stop it and start again.")  # fmt: skip
        raise SystemExit(1)
    console.print(f"Dienste starten: {', '.join(names)} (Echtzeit, Protokolle in {logs})")
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the services like Ctrl-C
    try:
        stack.start()
        _where(console, stack, infra.kafka_bootstrap, infra.mongodb_uri, keys.directory)
        _keep_running(console, stack)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _where(console: Console, stack: Stack, bootstrap: str, mongo: str, keys: Path) -> None:
    ns = Namespace(LIVE)
    console.print(f"[green]✓[/green] Kafka {bootstrap}, Topics {ns.topic('msa.clock')} …")
    console.print(f"[green]✓[/green] MongoDB {mongo}, Datenbanken {LIVE}_*")
    for p in stack.processes.values():
        console.print(f"[green]✓[/green] {p.name} bereit unter {p.url} (/readyz, /metrics)")
    rows = [
        ("Uhr (letzter Tag, Alter)", f"{stack[SCHEDULER].url}/clock · uv run msa clock status"),
        ("Empfang (intake)", f"{stack['intake'].url}/docs"),
        ("Finanzen (billing)", f"{stack['billing'].url}/invoices"),
        ("Dashboard (reporting)", f"{stack['reporting'].url}/dashboard"),
        ("Token", f"uv run msa token {Role.FINANCE.value}  (Schlüssel in {keys})"),
        ("Träger (kcat)", f"contracts/PROVIDERS.md mit BROKER={bootstrap} MSA_ENV={LIVE}, "
                          f"z. B. Topic {ns.topic('msa.provider.caritas.hours')}"),
    ]  # fmt: skip
    for what, where in rows:
        console.print(f"  {what}: [bold]{where}[/bold]")
    console.print("Das System läuft in Echtzeit; Strg-C beendet die Dienste "
                  "(Broker und Datenbank bleiben: `uv run msa infra down`).")  # fmt: skip


def _keep_running(console: Console, stack: Stack) -> None:
    while True:
        time.sleep(1)
        for p in stack.processes.values():
            if p.alive():
                continue
            if p.restarts >= MAX_RESTARTS:
                raise SystemExit(f"{p.name} stopped {p.restarts + 1} times; see {p.log_path}")
            console.print(f"[yellow]![/yellow] {p.name} beendet, Neustart ({p.log_path})")
            p.restart()
