"""Helpers for the offline deployment checks: the tools, rendering, and the trees checked."""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from msa_contracts.reference import load_reference
from msa_contracts.topics import Catalogue, catalogue
from msa_ops.deploy import layout

ROOT = Path(__file__).resolve().parents[2]
TOOLS_BIN = ROOT / "var" / "tools" / "bin"
ENSURE = ROOT / "scripts" / "ensure-deploy-tools.sh"
OVERLAYS = ("dev", "prod")
CRD_SCHEMAS = ROOT / "deploy" / "k8s" / "crd-schemas"
CUSTOM_KINDS = frozenset(p.stem for p in CRD_SCHEMAS.glob("*.json"))

Doc = dict[str, Any]


def run(cmd: list[str], cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)


@functools.cache
def kustomize_cmd() -> tuple[str, ...]:
    """`kubectl kustomize` when kubectl has it, else the kustomize binary (ours first)."""
    if shutil.which("kubectl") and run(["kubectl", "kustomize", "--help"]).returncode == 0:
        return ("kubectl", "kustomize")
    local = TOOLS_BIN / "kustomize"
    if local.is_file():
        return (str(local), "build")
    found = shutil.which("kustomize")
    if found:
        return (found, "build")
    raise RuntimeError("no kustomize: run scripts/ensure-deploy-tools.sh")


@functools.cache
def compose_cmd() -> tuple[str, ...]:
    if shutil.which("docker") and run(["docker", "compose", "version"]).returncode == 0:
        return ("docker", "compose")
    return (str(TOOLS_BIN / "docker-compose"),)


def checkov_cmd() -> tuple[str, ...]:
    return (str(TOOLS_BIN / "checkov"),)


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_docs(text: str) -> list[Doc]:
    return [d for d in yaml.load_all(text, Loader=_Loader) if d]


@dataclass
class Tree:
    """A repository tree to check: the real one, or a temporary copy with a new provider."""

    name: str
    root: Path
    reference_dir: Path
    rendered_dir: Path
    _texts: dict[str, str] = field(default_factory=dict)
    _docs: dict[str, list[Doc]] = field(default_factory=dict)

    @property
    def catalogue(self) -> Catalogue:
        return catalogue([p.id for p in load_reference(self.reference_dir).providers])

    def render(self, overlay: str) -> str:
        """`kustomize build` output of an overlay (cached); fails the test on error."""
        if overlay not in self._texts:
            path = self.root / "deploy" / "k8s" / "overlays" / overlay
            done = run([*kustomize_cmd(), str(path)])
            if done.returncode != 0:
                raise AssertionError(f"kustomize build {overlay} failed:\n{done.stderr}")
            self._texts[overlay] = done.stdout
            (self.rendered_dir / f"{overlay}.yaml").write_text(done.stdout, encoding="utf-8")
        return self._texts[overlay]

    def rendered_file(self, overlay: str) -> Path:
        self.render(overlay)
        return self.rendered_dir / f"{overlay}.yaml"

    def docs(self, overlay: str, kind: str | None = None) -> list[Doc]:
        if overlay not in self._docs:
            self._docs[overlay] = load_docs(self.render(overlay))
        return [d for d in self._docs[overlay] if kind is None or d["kind"] == kind]


def repo_tree(rendered_dir: Path) -> Tree:
    return Tree("repo", ROOT, ROOT / layout.REFERENCE_DIR, rendered_dir)


def copy_tree(dest: Path) -> tuple[Path, Path]:
    """A minimal copy of the repository for the generator: deploy/ (without the Kafka jars
    and the ops package) and the reference data. Returns (root, reference dir)."""
    for part in ("k8s", "compose", "docker"):
        shutil.copytree(ROOT / "deploy" / part, dest / "deploy" / part)
    ref = dest / "reference"
    shutil.copytree(ROOT / layout.REFERENCE_DIR, ref, ignore=shutil.ignore_patterns("*.py*"))
    return dest, ref
