"""`msa token`: a signed bearer token for local runs (production uses the city's IdP)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from msa_kit.auth import Role

from msa_ops.infra.settings import InfraSettings
from msa_ops.keys import ensure_local_keys


def token(
    role: Annotated[Role, typer.Argument(help="The caller's role.")],
    provider: Annotated[str | None, typer.Option(help="Provider id (role provider).")] = None,
    subject: Annotated[str, typer.Option(help="Who the token is for.")] = "local-user",
) -> None:
    """Print a token for `Authorization: Bearer ...`, signed with the local issuer key."""
    if role is Role.PROVIDER and not provider:
        raise typer.BadParameter("a provider token needs --provider")
    keys = ensure_local_keys(Path(InfraSettings.from_env().var_dir) / "keys")
    typer.echo(keys.token(role, subject=subject, provider=provider))
