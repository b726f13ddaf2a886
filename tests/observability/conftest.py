from __future__ import annotations

from pathlib import Path

import pytest

from tests.auth import Issuer


@pytest.fixture(scope="session")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Issuer:
    return Issuer.create(Path(tmp_path_factory.mktemp("obs-issuer")))


@pytest.fixture(autouse=True)
def _no_otel_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests start from no OTEL_* settings (a developer's shell may have some)."""
    import os

    for name in list(os.environ):
        if name.startswith("OTEL_"):
            monkeypatch.delenv(name)


@pytest.fixture(params=[1, 100], ids=["per-record", "batched"])
def batch_max(request: pytest.FixtureRequest) -> int:
    """Tests that take it run with one transaction per record and with batches."""
    return int(request.param)
