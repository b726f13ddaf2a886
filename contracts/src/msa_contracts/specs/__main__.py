"""``python -m msa_contracts.specs generate|check [--root DIR]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from msa_contracts.specs.generate import GENERATE, check_artifacts, write_artifacts


def _repo_root() -> Path:
    """The nearest directory upwards from the working directory that holds this package."""
    here = Path.cwd().resolve()
    marker = Path("contracts/src/msa_contracts")
    return next((p for p in (here, *here.parents) if (p / marker).is_dir()), here)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m msa_contracts.specs")
    parser.add_argument("command", choices=["generate", "check"])
    parser.add_argument("--root", type=Path, default=None, help="repository root")
    args = parser.parse_args(argv)
    root: Path = args.root or _repo_root()
    if args.command == "generate":
        changed = write_artifacts(root)
        for path in changed:
            print(f"wrote {path.relative_to(root)}")
        print(f"{len(changed)} file(s) changed" if changed else "contract artefacts up to date")
        return 0
    drift = check_artifacts(root)
    for line in drift:
        print(line)
    if drift:
        print(f"contract artefacts drifted from the code: run `{GENERATE}`", file=sys.stderr)
        return 1
    print("contract artefacts up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
