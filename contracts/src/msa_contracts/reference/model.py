"""Typed, validated reference data: the measure plan, places, statuses, billing rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from msa_contracts.values import District, GoalDomain, Region, ResidenceStatus


class _Ref(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldOfAction(_Ref):
    id: str = Field(pattern=r"^T(0[1-9]|1[0-2])$")
    de: str
    en: str


class Measure(_Ref):
    id: str = Field(pattern=r"^M(0[1-9]|[1-5][0-9]|6[0-6])$")
    field: str
    title: str


class RegionInfo(_Ref):
    id: Region
    de: str


class DistrictInfo(_Ref):
    id: District
    de: str
    kind: Literal["stadtbezirk", "ortschaft"]
    region: Region
    weight: int = Field(ge=0)


class DomainInfo(_Ref):
    id: GoalDomain
    de: str
    field: str


class StatusRule(_Ref):
    id: ResidenceStatus
    group: str
    de: str
    course: Literal["entitled", "admissible-if-places", "not-eligible"]
    course_rule: str
    perspective: Literal["lasting", "temporary"]
    perspective_rule: str


class Rate(_Ref):
    valid_from: date
    cents_per_hour: int = Field(gt=0)


class ProviderContract(_Ref):
    id: str = Field(pattern=r"^[a-z][a-z0-9]{1,31}$")
    name: str
    regions: tuple[Region, ...] = Field(min_length=1)
    capacity: int = Field(ge=0)
    languages: tuple[str, ...]
    rates: tuple[Rate, ...] = Field(min_length=1)

    def rate_on(self, day: date) -> int | None:
        """The hourly rate in cents in force on ``day``, or None before the first rate."""
        valid = [r for r in sorted(self.rates, key=lambda r: r.valid_from) if r.valid_from <= day]
        return valid[-1].cents_per_hour if valid else None


class Rounding(_Ref):
    exact_first_minutes: int = Field(ge=0)
    step_minutes: int = Field(ge=1)


class ModuleRules(_Ref):
    willkommen_months: int = Field(ge=1)
    fachleistung_threshold_hours: int = Field(ge=1)
    fachleistung_max_months: int = Field(ge=1)
    plan_review_months: int = Field(ge=1)
    review_before_expiry_days: int = Field(ge=0)


class BillingRules(_Ref):
    rounding: Rounding
    factors: dict[Literal["direct", "indirect", "missed-appointment"], Decimal]
    amount_rounding: Literal["half-up", "half-even"]
    budget_warning_percent: int = Field(ge=1, le=100)
    modules: ModuleRules


class Mentoring(_Ref):
    measure: str
    min_months_since_arrival: int = Field(ge=0)
    max_mentees: int = Field(ge=1)


class ReferenceData(_Ref):
    """Everything the services treat as configurable data rather than code."""

    fields: tuple[FieldOfAction, ...]
    measures: tuple[Measure, ...]
    regions: tuple[RegionInfo, ...]
    districts: tuple[DistrictInfo, ...]
    domains: tuple[DomainInfo, ...]
    course_measures: tuple[str, ...]
    mentoring: Mentoring
    statuses: tuple[StatusRule, ...]
    billing: BillingRules
    providers: tuple[ProviderContract, ...]

    @model_validator(mode="after")
    def _consistent(self) -> ReferenceData:
        field_ids = {f.id for f in self.fields}
        for m in self.measures:
            if m.field not in field_ids:
                raise ValueError(f"measure {m.id} names unknown field {m.field}")
        for d in self.domains:
            if d.field not in field_ids:
                raise ValueError(f"domain {d.id} names unknown field {d.field}")
        for kind, items in (("measure", self.measures), ("provider", self.providers)):
            ids = [i.id for i in items]
            if len(ids) != len(set(ids)):
                raise ValueError(f"duplicate {kind} ids")
        if {d.id for d in self.districts} != set(District):
            raise ValueError("districts must list every Stadtbezirk and Ortschaft exactly once")
        if {s.id for s in self.statuses} != set(ResidenceStatus):
            raise ValueError("statuses must cover every residence-status category")
        return self

    def measure(self, measure_id: str) -> Measure | None:
        return next((m for m in self.measures if m.id == measure_id), None)

    def region_of(self, district: District) -> Region:
        return next(d.region for d in self.districts if d.id == district)

    def status_rule(self, status: ResidenceStatus) -> StatusRule:
        return next(s for s in self.statuses if s.id == status)

    def provider(self, provider_id: str) -> ProviderContract | None:
        return next((p for p in self.providers if p.id == provider_id), None)
