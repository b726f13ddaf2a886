from __future__ import annotations

from pathlib import Path

import pytest

from tests.auth import Issuer


@pytest.fixture(scope="session")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Issuer:
    directory: Path = tmp_path_factory.mktemp("casework-auth")
    return Issuer.create(directory)
