from __future__ import annotations

import pytest
from msa_contracts.reference import ReferenceData, load_reference

from tests.auth import Issuer


@pytest.fixture(scope="session")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Issuer:
    return Issuer.create(tmp_path_factory.mktemp("billing-auth"))


@pytest.fixture(scope="session")
def reference() -> ReferenceData:
    """The seed reference data: caritas 68.00 €/h, from 2026-07-01 71.50 €/h; diakonie 72.00."""
    return load_reference()
