from __future__ import annotations

import pytest
from msa_intake.bootstrap import Intake, build
from msa_intake.keys import LocalKeyPaths

from tests.intake.fakes import FakeUnits
from tests.intake.support import NOW, Issuer, settings


class Refs:
    """Predictable person references."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"P-{self.n:016x}"


@pytest.fixture
def units() -> FakeUnits:
    return FakeUnits(clock=lambda: NOW)


@pytest.fixture
async def intake(intake_keys: LocalKeyPaths, issuer: Issuer, units: FakeUnits) -> Intake:
    """The real composition root with in-memory units (the runtime is built, never started)."""
    return build(settings(intake_keys, issuer), units=units, new_ref=Refs(), clock=lambda: NOW)
