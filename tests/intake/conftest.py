from __future__ import annotations

from pathlib import Path

import pytest
from msa_intake.keys import LocalKeyPaths, generate_local_keys

from tests.intake.support import Issuer


@pytest.fixture(scope="session")
def intake_keys(tmp_path_factory: pytest.TempPathFactory) -> LocalKeyPaths:
    return generate_local_keys(tmp_path_factory.mktemp("intake-keys"))


@pytest.fixture(scope="session")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Issuer:
    return Issuer.create(Path(tmp_path_factory.mktemp("issuer")))
