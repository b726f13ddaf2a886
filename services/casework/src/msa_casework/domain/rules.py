"""The rules casework decides by: reference data plus two validation tolerances."""

from __future__ import annotations

from dataclasses import dataclass

from msa_contracts.reference import ReferenceData
from msa_contracts.reference.model import Mentoring, ModuleRules


@dataclass(frozen=True)
class Rules:
    """Reference data (replaceable YAML) and the tolerances from the service's settings."""

    reference: ReferenceData
    report_tolerance_days: int = 2
    max_target_months: int = 24

    @property
    def modules(self) -> ModuleRules:
        return self.reference.billing.modules

    @property
    def mentoring(self) -> Mentoring:
        return self.reference.mentoring

    @property
    def course_measures(self) -> frozenset[str]:
        return frozenset(self.reference.course_measures)

    def measure_exists(self, measure_id: str) -> bool:
        return self.reference.measure(measure_id) is not None

    def domain_exists(self, domain: str) -> bool:
        return any(d.id == domain for d in self.reference.domains)
