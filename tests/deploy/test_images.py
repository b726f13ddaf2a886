"""The service image: one multi-stage Dockerfile, pinned bases, a non-root runtime without
build tools, and a build context (.dockerignore) holding exactly what it copies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from msa_ops.deploy.naming import DEPLOYED

from tests.deploy.support import ROOT, run

DOCKERFILE = ROOT / "deploy" / "docker" / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    out = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    start = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[start:]


def test_base_images_are_pinned_python_3_11_slim() -> None:
    bases = [args.split()[0] for word, args in instructions() if word == "FROM"]
    assert len(bases) == 2, "a builder and a runtime stage"
    for base in bases:
        assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?", base), base


def test_runtime_stage_runs_as_non_root_with_healthcheck_and_entrypoint() -> None:
    stage = dict(final_stage())
    user = stage["USER"].split(":")
    assert all(part.isdigit() and int(part) >= 10000 for part in user)
    assert stage["EXPOSE"] == "8000"
    assert "/healthz" in stage["HEALTHCHECK"]
    assert stage["ENTRYPOINT"].startswith("[")
    copied = [args for word, args in final_stage() if word == "COPY"]
    assert copied == ["--from=builder /opt/venv /opt/venv"]
    runs = " ".join(args for word, args in final_stage() if word == "RUN")
    assert not re.search(r"apt-get|pip install|gcc|build-essential|uv ", runs)


def test_the_launcher_execs_the_services_module() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert "exec python -m msa_%s" in text
    assert "importlib.import_module('msa_${SERVICE}')" in text


def _ignored(patterns: list[tuple[bool, re.Pattern[str]]], rel: str) -> bool:
    parts = rel.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for negated, rx in patterns:
        if any(rx.fullmatch(p) for p in prefixes):
            ignored = not negated
    return ignored


def dockerignore() -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pat = line.lstrip("!").rstrip("/")
        rx = (
            re.escape(pat)
            .replace(r"\*\*/", "(.*/)?")
            .replace(r"\*", "[^/]*")
            .replace(r"\?", "[^/]")
        )
        rules.append((negated, re.compile(rx)))
    return rules


@pytest.mark.parametrize("service", DEPLOYED)
def test_build_context_holds_every_file_the_dockerfile_copies(service: str) -> None:
    rules = dockerignore()
    sources = []
    for word, args in instructions():
        if word == "COPY" and not args.startswith("--from"):
            sources += [s.replace("${SERVICE}", service) for s in args.split()[:-1]]
    assert f"services/{service}/src" in sources
    for source in sources:
        path = ROOT / source
        assert path.exists(), source
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        files = [f for f in files if "__pycache__" not in f.parts]
        assert files, source
        for f in files:
            assert not _ignored(rules, f.relative_to(ROOT).as_posix()), f"{f} is in .dockerignore"


def test_build_context_leaves_out_tests_deploy_and_local_state() -> None:
    rules = dockerignore()
    for rel in ("tests/conftest.py", "deploy/k8s/base/kustomization.yaml", ".venv/bin/python",
                "var/tools/bin/checkov", "deploy/ops/src/msa_ops/cli.py", ".git/HEAD"):  # fmt: skip
        assert _ignored(rules, rel), rel


@pytest.mark.parametrize("service", DEPLOYED)
def test_the_lock_file_resolves_the_services_runtime_dependencies(
    service: str, tmp_path: Path
) -> None:
    """What the builder's `uv sync --frozen --no-dev --package msa-<service>` installs."""
    out = tmp_path / "requirements.txt"
    done = run(["uv", "export", "--frozen", "--no-dev", "--package", f"msa-{service}",
                "--no-emit-workspace", "--no-hashes", "-o", str(out)])  # fmt: skip
    assert done.returncode == 0, done.stderr
    names = {re.split(r"[=\[ ;]", line)[0].lower() for line in out.read_text().splitlines()
             if line and not line.startswith(("#", " "))}  # fmt: skip
    assert {"faststream", "pymongo", "uvicorn"} <= names
    assert not names & {"pytest", "mypy", "ruff", "checkov", "typer", "secantusdb"}
