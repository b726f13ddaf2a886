"""Assignment: region contract, free capacity, language; tie-breaks; the waiting list."""

from __future__ import annotations

from datetime import date

from msa_casework.domain.assignment import choose_provider
from msa_casework.domain.case import CaseStatus
from msa_casework.domain.placement import Capacity, Caseload, serve_waiting
from msa_contracts.reference import ReferenceData
from msa_contracts.values import District, Region

from tests.casework.builders import contract
from tests.casework.unit.domain_support import opened, rules_for

CARITAS = contract("caritas", [Region.MITTE, Region.SUED], 3, ["de", "ar"])
DIAKONIE = contract("diakonie", [Region.NORD, Region.MITTE], 3, ["de", "uk"])
AWO = contract("awo", [Region.WEST, Region.SUED], 3, ["de", "ar"])


def codes(reasons: list) -> list[str]:  # type: ignore[type-arg]
    return [r.code for r in reasons]


def test_only_providers_contracted_for_the_region_are_chosen() -> None:
    choice = choose_provider(Region.NORD, ["ar"], [CARITAS, DIAKONIE, AWO], {})
    assert choice.provider_id == "diakonie"
    assert codes(choice.reasons) == ["region-contracted", "no-language-match", "capacity-remaining"]


def test_a_shared_language_beats_more_free_places() -> None:
    choice = choose_provider(Region.MITTE, ["uk"], [CARITAS, DIAKONIE], {"diakonie": 2})
    assert choice.provider_id == "diakonie"
    assert "language-match" in codes(choice.reasons)
    assert "diakonie speaks uk" in choice.reasons[1].message


def test_among_equal_language_fit_the_most_free_places_win() -> None:
    choice = choose_provider(Region.SUED, ["ar"], [CARITAS, AWO], {"caritas": 1})
    assert choice.provider_id == "awo"
    assert choice.reasons[2].message == "3 of 3 places free"


def test_equal_providers_are_tie_broken_by_the_lowest_id_and_the_reason_says_so() -> None:
    choice = choose_provider(Region.SUED, ["ar"], [CARITAS, AWO], {})
    assert choice.provider_id == "awo"
    assert codes(choice.reasons)[-1] == "tie-break"
    assert "caritas" in choice.reasons[-1].message


def test_a_full_provider_is_skipped_even_if_it_speaks_the_language() -> None:
    choice = choose_provider(Region.MITTE, ["uk"], [CARITAS, DIAKONIE], {"diakonie": 3})
    assert choice.provider_id == "caritas"
    assert "no-language-match" in codes(choice.reasons)


def test_full_capacity_everywhere_means_waiting_with_the_loads_as_reason() -> None:
    choice = choose_provider(Region.SUED, ["ar"], [CARITAS, AWO], {"caritas": 3, "awo": 5})
    assert choice.provider_id is None
    assert codes(choice.reasons) == ["no-capacity"]
    assert "caritas 3/3" in choice.reasons[0].message


def test_a_region_without_any_contract_waits() -> None:
    choice = choose_provider(Region.WEST, ["ar"], [CARITAS, DIAKONIE], {})
    assert choice.provider_id is None
    assert codes(choice.reasons) == ["no-provider-contracted"]


def test_the_waiting_list_is_served_oldest_first_per_region(reference: ReferenceData) -> None:
    rules = rules_for(reference)  # caritas 2 + awo 1 places in Süd
    capacity = Capacity(Caseload(open_cases={"caritas": 2, "awo": 1}))
    late = opened(rules, capacity, district=District.PROHLIS, allocated_on=date(2026, 2, 1))
    early = opened(rules, capacity, district=District.LEUBEN, allocated_on=date(2026, 1, 10))
    also_early = opened(rules, capacity, district=District.LEUBEN, allocated_on=date(2026, 1, 10))
    assert all(c.status is CaseStatus.WAITLISTED for c in (late, early, also_early))
    capacity.caseload.free("awo")
    capacity.caseload.free("caritas")

    served = serve_waiting(capacity, reference, date(2026, 3, 1))

    assert [c.case_id for c in served.cases] == [early.case_id, also_early.case_id]
    assert late.status is CaseStatus.WAITLISTED
    assert (early.assigned_to, also_early.assigned_to) == ("awo", "caritas")


def test_a_full_region_does_not_hold_up_waiting_cases_of_another(reference: ReferenceData) -> None:
    rules = rules_for(reference)
    full = {"caritas": 2, "awo": 1, "diakonie": 2, "drk": 2}
    capacity = Capacity(Caseload(open_cases=dict(full)))
    sued = opened(rules, capacity, district=District.LEUBEN, allocated_on=date(2026, 1, 1))
    nord = opened(rules, capacity, district=District.PIESCHEN, allocated_on=date(2026, 1, 20))
    capacity.caseload.free("drk")

    served = serve_waiting(capacity, reference, date(2026, 3, 1))

    assert [c.case_id for c in served.cases] == [nord.case_id]
    assert sued.status is CaseStatus.WAITLISTED
