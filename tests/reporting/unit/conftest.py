from __future__ import annotations

import pytest
from msa_contracts.reference import ReferenceData, load_reference


@pytest.fixture(scope="session")
def reference() -> ReferenceData:
    return load_reference()
