"""The `msa` command line: one typer app; each area adds its own command group."""

from __future__ import annotations

import typer

from msa_ops.backup import backup_app, intake_app
from msa_ops.bench.cli import bench
from msa_ops.clock import clock_app
from msa_ops.demo import demo
from msa_ops.deploy.cli import deploy_app, provider_app
from msa_ops.faults.cli import faults_app
from msa_ops.infra.cli import infra_app
from msa_ops.tokens import token

app = typer.Typer(help="Operate the migration social work platform.", no_args_is_help=True)
app.add_typer(infra_app, name="infra")
app.add_typer(deploy_app, name="deploy")
app.add_typer(provider_app, name="provider")
app.add_typer(faults_app, name="faults")
app.add_typer(clock_app, name="clock")
app.add_typer(backup_app, name="backup")
app.add_typer(intake_app, name="intake")
app.command()(demo)
app.command()(token)
app.command()(bench)


def main() -> None:
    """Entry point of the `msa` script."""
    app()
