"""`msa backup dump|restore|prune` and `msa intake reapply-erasures`: a service's backups
(the kit's ``msa_kit.backup``, as the CronJobs run it) and the erasure re-application after
a restore of intake. Connections come from the environment, as for the services
(``MONGODB_URI``, ``KAFKA_*``, ``MSA_ENV``). The runbook: deploy/README.md, "Restore"."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import typer
from msa_contracts.topics import SERVICES
from msa_intake.settings import IntakeSettings
from msa_kit.backup.offsets import BeyondRetention
from msa_kit.backup.run import prune, restore_backup, take
from msa_kit.settings import KitSettings

backup_app = typer.Typer(help="Backups of a service's databases and their consumer offsets.",
                         no_args_is_help=True)  # fmt: skip
intake_app = typer.Typer(help="Intake's operations.", no_args_is_help=True)

ServiceOpt = Annotated[str, typer.Option("--service", help=f"one of {', '.join(SERVICES)}")]
NoOffsetsOpt = Annotated[
    bool, typer.Option("--no-offsets", help="leave the consumer group's offsets alone")
]


def databases_of(settings: KitSettings) -> list[str]:
    """A service's databases (``MONGODB_DATABASE``): its own, and intake's key database."""
    if isinstance(settings, IntakeSettings):
        return [settings.database, settings.keys_database]
    return [settings.database]


def _say(message: str) -> None:
    typer.echo(message, err=True)


def _settings(service: str) -> KitSettings:
    if service not in SERVICES:
        raise typer.BadParameter(f"unknown service {service!r}")
    return IntakeSettings() if service == "intake" else KitSettings(service_name=service)


@backup_app.command("dump")
def dump_cmd(
    service: ServiceOpt,
    root: Annotated[Path, typer.Option("--root", help="folder of the service's backups")],
    keep: Annotated[int, typer.Option("--keep", min=1, help="complete backups kept")] = 7,
    no_offsets: NoOffsetsOpt = False,
    no_gzip: Annotated[bool, typer.Option("--no-gzip", help="uncompressed files")] = False,
) -> None:
    """Back up the service's databases into ROOT/<UTC stamp> (mongodump's layout, plus the
    group's offsets), then keep the KEEP newest backups."""
    settings = _settings(service)
    work = take(settings, root, databases_of(settings), keep=keep,
                with_offsets=not no_offsets, compress=not no_gzip, say=_say)  # fmt: skip
    typer.echo(asyncio.run(work).path)


@backup_app.command("restore")
def restore_cmd(
    service: ServiceOpt,
    backup: Annotated[Path, typer.Option("--from", help="one backup: ROOT/<UTC stamp>")],
    no_offsets: NoOffsetsOpt = False,
    accept_loss: Annotated[
        bool,
        typer.Option(
            "--accept-loss",
            help="restore although the topics no longer hold all that followed "
            "the backup (older than their retention)",
        ),
    ] = False,
) -> None:
    """Replace the service's databases by the backup's and set its consumer group back to
    the offsets saved with it. Stop the service first (its group must have no members).
    A backup older than the topics' retention is refused unless --accept-loss."""
    settings = _settings(service)
    try:
        asyncio.run(restore_backup(settings, backup, databases_of(settings),
                                   with_offsets=not no_offsets, accept_loss=accept_loss,
                                   say=_say))  # fmt: skip
    except BeyondRetention as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


@backup_app.command("prune")
def prune_cmd(
    root: Annotated[Path, typer.Option("--root", help="folder of one service's backups")],
    keep: Annotated[int, typer.Option("--keep", min=1, help="complete backups kept")],
) -> None:
    """Remove all but the KEEP newest complete backups (and leftovers of killed runs)."""
    prune(root, keep, say=_say)


@intake_app.command("reapply-erasures")
def reapply_erasures_cmd() -> None:
    """Re-apply every PersonErased on the persons topic to intake's stores (after a restore;
    intake also does it on every start). Prints the counts; exit 0 when done."""
    from msa_intake.bootstrap import build

    async def run() -> dict[str, object]:
        intake = build(IntakeSettings())
        try:
            return (await intake.erasures.run()).as_dict()
        finally:  # built, never started: only the connections to close
            await intake.runtime.producer.stop()
            await intake.runtime.client.close()

    report = asyncio.run(run())
    typer.echo(" ".join(f"{k}={v}" for k, v in report.items()))
    sys.stdout.flush()
