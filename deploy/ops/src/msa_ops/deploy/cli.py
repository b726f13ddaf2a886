"""``msa deploy generate|check`` and ``msa deploy provider add``."""

from __future__ import annotations

import importlib
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from msa_contracts.namespace import InvalidNamespace, Namespace
from msa_contracts.reference import load_reference
from msa_contracts.topics import Catalogue, catalogue

from msa_ops.deploy import layout
from msa_ops.deploy.kafka import kafka_topics, kafka_users
from msa_ops.deploy.naming import kafka_user
from msa_ops.deploy.providers import NewProvider, ProviderError, add_provider
from msa_ops.deploy.render import check, write, yaml_documents

deploy_app = typer.Typer(help="Deployment artefacts generated from the topic catalogue.",
                         no_args_is_help=True)  # fmt: skip
provider_app = typer.Typer(help="The provider registry.", no_args_is_help=True)
deploy_app.add_typer(provider_app, name="provider")

RootOpt = Annotated[
    Path | None, typer.Option("--root", help="repository root to write to (default: found)")
]
RefOpt = Annotated[
    Path | None,
    typer.Option("--reference-dir", help="reference data dir (default: the repo's seed)"),
]


def _dirs(root: Path | None, reference_dir: Path | None) -> tuple[Path, Path]:
    base = (root or layout.repo_root()).resolve()
    return base, (reference_dir or base / layout.REFERENCE_DIR).resolve()


def _catalogue(reference_dir: Path) -> Catalogue:
    return catalogue([p.id for p in load_reference(reference_dir).providers])


def _write(root: Path, cat: Catalogue) -> None:
    for path in write(root, cat):
        typer.echo(f"wrote {path.relative_to(root)}")


@deploy_app.command("generate")
def generate_cmd(root: RootOpt = None, reference_dir: RefOpt = None) -> None:
    """Write the generated manifests and the Compose topic script."""
    base, ref = _dirs(root, reference_dir)
    _write(base, _catalogue(ref))
    typer.echo("deployment artefacts up to date")


@deploy_app.command("check")
def check_cmd(root: RootOpt = None, reference_dir: RefOpt = None) -> None:
    """Exit non-zero, listing the files, when generated files drifted from the catalogue."""
    base, ref = _dirs(root, reference_dir)
    drift = check(base, _catalogue(ref))
    for line in drift:
        typer.echo(line)
    if drift:
        typer.echo(f"deployment artefacts drifted: run `{layout.GENERATE}`", err=True)
        raise typer.Exit(1)
    typer.echo("deployment artefacts up to date")


@deploy_app.command("kafka")
def kafka_cmd(
    env: Annotated[str, typer.Option("--env", help="topic namespace, e.g. staging")],
    out: Annotated[
        Path | None, typer.Option("--out", help="folder to write to (default: deploy/k8s/envs/ENV)")
    ] = None,
    root: RootOpt = None,
    reference_dir: RefOpt = None,
) -> None:
    """Write the KafkaTopic and KafkaUser resources of one environment (topics msa.ENV.…,
    users and groups with -ENV-), so environments can share one Kafka cluster."""
    try:
        ns = Namespace(env)
    except InvalidNamespace as exc:
        raise typer.BadParameter(str(exc)) from None
    base, ref = _dirs(root, reference_dir)
    cat = _catalogue(ref)
    target = out or base / "deploy" / "k8s" / "envs" / env
    target.mkdir(parents=True, exist_ok=True)
    files = {
        "kafka-topics.yaml": yaml_documents(kafka_topics(cat, ns), f"KafkaTopics of {env}."),
        "kafka-users.yaml": yaml_documents(kafka_users(cat, ns), f"KafkaUsers of {env}."),
    }
    for name, text in files.items():
        (target / name).write_text(text, encoding="utf-8")
        typer.echo(f"wrote {target / name}")


def _csv(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _contract_artifacts(root: Path, cat: Catalogue) -> None:
    """Regenerate the contract artefacts (AsyncAPI lists provider channels), if available."""
    try:
        generate = importlib.import_module("msa_contracts.specs.generate")
    except ImportError:
        typer.echo("msa_contracts.specs.generate not available: contract artefacts skipped")
        return
    for path in generate.write_artifacts(root, cat):
        typer.echo(f"wrote {Path(path).relative_to(root)}")


@provider_app.command("add")
def add_cmd(
    id: Annotated[str, typer.Option("--id", help="lower-case id, e.g. malteser")],
    name: Annotated[str, typer.Option("--name", help="display name")],
    regions: Annotated[str, typer.Option("--regions", help="comma-separated: nord,mitte")],
    capacity: Annotated[int, typer.Option("--capacity", min=0, help="caseload capacity")],
    languages: Annotated[str, typer.Option("--languages", help="comma-separated: de,ar")],
    rate_cents: Annotated[int, typer.Option("--rate-cents", min=1, help="cents per hour")],
    rate_from: Annotated[
        datetime | None, typer.Option("--rate-from", formats=["%Y-%m-%d"], help="default: today")
    ] = None,
    root: RootOpt = None,
    reference_dir: RefOpt = None,
) -> None:
    """Register a provider and regenerate its topics, Kafka user, ACLs and contracts."""
    base, ref = _dirs(root, reference_dir)
    new = NewProvider(id=id, name=name, regions=_csv(regions), capacity=capacity,
                      languages=_csv(languages), rate_cents=rate_cents,
                      rate_from=rate_from.date() if rate_from else date.today())  # fmt: skip
    try:
        data = add_provider(ref, new)
    except ProviderError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    cat = catalogue([p.id for p in data.providers])
    typer.echo(f"added provider {id} to {ref / layout.PROVIDERS_FILE}")
    _write(base, cat)
    _contract_artifacts(base, cat)
    user = kafka_user(f"provider:{id}")
    typer.echo(
        f"topics: {', '.join(t.name for t in cat.for_provider(id))}\n"
        f"Kafka user {user}: after `kubectl apply -k`, its password is in Secret {user} "
        f"(key `password`); hand it over out of band (see deploy/README.md)."
    )
