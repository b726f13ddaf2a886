"""Fixtures of the offline deployment checks: the tools (installed once per session) and the
trees checked: the repository, and a copy where `msa deploy provider add` added a provider."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from msa_ops.deploy.cli import deploy_app
from typer.testing import CliRunner

from tests.deploy.support import ENSURE, Tree, copy_tree, repo_tree, run

NEW_PROVIDER = "malteser"
ADD_ARGS = [
    "deploy", "provider", "add", "--id", NEW_PROVIDER, "--name", "Malteser Hilfsdienst (Beispiel)",
    "--regions", "nord,mitte", "--capacity", "20", "--languages", "de,ar,uk",
    "--rate-cents", "7000", "--rate-from", "2027-01-01",
]  # fmt: skip


def msa_app() -> typer.Typer:
    """The `msa` app as the lead wires it: `app.add_typer(deploy_app, name="deploy")`."""
    app = typer.Typer()
    app.add_typer(deploy_app, name="deploy")
    return app


def invoke(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(msa_app(), args)
    return result.exit_code, result.output


@pytest.fixture(scope="session")
def deploy_tools() -> None:
    """kustomize, checkov, Docker Compose and promtool, installed by the ensure script when
    missing (a first build of promtool takes minutes)."""
    done = run(["bash", str(ENSURE)], timeout=1800)
    if done.returncode != 0:
        pytest.fail(
            "scripts/ensure-deploy-tools.sh could not install the deployment check tools "
            f"(exit {done.returncode}):\n{done.stdout}\n{done.stderr}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def repo(deploy_tools: None, tmp_path_factory: pytest.TempPathFactory) -> Tree:
    return repo_tree(tmp_path_factory.mktemp("rendered-repo"))


@pytest.fixture(scope="session")
def with_new_provider(deploy_tools: None, tmp_path_factory: pytest.TempPathFactory) -> Tree:
    """A copy of the repository after `msa deploy provider add --id malteser ...`."""
    root, ref = copy_tree(tmp_path_factory.mktemp("provider-add"))
    code, output = invoke([*ADD_ARGS, "--root", str(root), "--reference-dir", str(ref)])
    assert code == 0, output
    return Tree("with-new-provider", root, ref, tmp_path_factory.mktemp("rendered-new"))


@pytest.fixture(scope="session", params=["repo", "with-new-provider"])
def tree(request: pytest.FixtureRequest) -> Iterator[Tree]:
    """Each check runs on the repository and on the copy with a provider added."""
    yield request.getfixturevalue("repo" if request.param == "repo" else "with_new_provider")


@pytest.fixture
def scratch(tmp_path: Path) -> tuple[Path, Path]:
    return copy_tree(tmp_path)
