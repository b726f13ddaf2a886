"""The simulator's placement model, the oracle for open cases and the waiting list: the
documented rules (region contract, free place, language, most free places, lowest id; FIFO
waiting list; what frees a place), checked on small cases and as properties."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from msa_contracts.reference import ReferenceData, load_reference
from msa_ops.sim.placement import PlacementModel

# seed regions: caritas mitte+sued (de ar fa en fr), diakonie nord+mitte (de uk ru en),
# awo west+sued (de ar ti so en), drk nord+west (de prs ps tr en)
SEED = load_reference()
DAY = date(2026, 3, 2)


def reference(**capacities: int) -> ReferenceData:
    providers = tuple(p.model_copy(update={"capacity": capacities.get(p.id, p.capacity)})
                      for p in SEED.providers)  # fmt: skip
    return SEED.model_copy(update={"providers": providers})


def model(**capacities: int) -> PlacementModel:
    return PlacementModel(reference(**capacities))


def test_a_shared_language_comes_before_more_free_places() -> None:
    m = model(caritas=10, diakonie=2)
    m.arrive("n1", "altstadt", ("uk",), DAY)  # mitte: caritas has more places, diakonie speaks uk
    assert m.stays["n1"].place == "diakonie"


def test_without_a_shared_language_the_most_free_places_win() -> None:
    m = model(caritas=3, diakonie=5)
    m.arrive("n1", "altstadt", ("ti",), DAY)
    assert m.stays["n1"].place == "diakonie"


def test_equal_free_places_go_to_the_lowest_provider_id() -> None:
    m = model(caritas=4, diakonie=4)
    m.arrive("n1", "plauen", ("en",), DAY)  # both speak en, both have 4 free
    assert m.stays["n1"].place == "caritas"


def test_only_providers_contracted_for_the_region_are_considered() -> None:
    m = model()
    m.arrive("n1", "cotta", ("uk",), DAY)  # west: awo and drk; diakonie (uk) is not contracted
    assert m.stays["n1"].place == "awo"  # 30 free places against drk's 25


def test_a_full_region_puts_the_case_on_the_waiting_list() -> None:
    m = model(awo=1, drk=0)
    m.arrive("n1", "cotta", ("de",), DAY)
    m.arrive("n2", "gompitz", ("de",), DAY)
    assert (m.stays["n1"].place, m.stays["n2"].place) == ("awo", None)
    assert m.stays["n2"].holder_on(DAY) is None
    assert m.stays["n2"].waiting == (DAY, 1)


def test_a_departure_frees_the_place_for_the_longest_waiting_case() -> None:
    m = model(awo=1, drk=0)
    m.arrive("n1", "cotta", ("de",), DAY)
    m.arrive("n2", "cotta", ("de",), DAY)
    m.arrive("n3", "cotta", ("de",), DAY)  # same day as n2, joined later
    later = DAY + timedelta(days=9)
    m.depart("n1", later)
    assert m.stays["n2"].place == "awo"
    assert m.stays["n2"].waits == [(DAY, later)]
    assert m.stays["n3"].place is None
    assert [s.key for s in m.open_cases(later)] == ["n2", "n3"]
    assert [s.key for s in m.open_cases(later - timedelta(days=1))] == ["n1", "n2", "n3"]


def test_a_freed_place_goes_to_a_waiting_case_of_a_region_where_it_counts() -> None:
    m = model(awo=1, drk=0, caritas=0)
    m.arrive("n1", "cotta", ("de",), DAY)  # west: awo's only place
    m.arrive("n2", "prohlis", ("de",), DAY)  # sued: caritas 0, awo full -> waits first
    m.arrive("n3", "cotta", ("de",), DAY)
    m.depart("n1", DAY + timedelta(days=3))
    assert m.stays["n2"].place == "awo"  # awo serves sued too; n2 waited longest
    assert m.stays["n3"].place is None


def test_a_move_to_another_region_frees_the_place_and_places_the_case_anew() -> None:
    m = model(awo=1, drk=0, diakonie=1)
    m.arrive("n1", "cotta", ("de",), DAY)
    m.arrive("n2", "cotta", ("de",), DAY)
    moved = DAY + timedelta(days=5)
    m.relocate("n1", "neustadt", moved)  # nord: diakonie's place
    assert m.stays["n1"].place == "diakonie"
    assert m.stays["n1"].holder_on(moved - timedelta(days=1)) == "awo"
    assert m.stays["n2"].place == "awo"
    assert m.stays["n2"].waits == [(DAY, moved)]


def test_a_move_inside_the_region_changes_only_the_district() -> None:
    m = model()
    m.arrive("n1", "cotta", ("de",), DAY)
    m.relocate("n1", "gompitz", DAY + timedelta(days=2))
    assert m.stays["n1"].place == "awo"
    assert m.stays["n1"].district_on(DAY) == "cotta"
    assert m.stays["n1"].district_on(DAY + timedelta(days=2)) == "gompitz"


def test_a_waiting_case_moving_to_a_full_region_keeps_its_place_in_the_queue() -> None:
    m = model(awo=1, drk=0, diakonie=0)
    m.arrive("n1", "cotta", ("de",), DAY)
    m.arrive("n2", "cotta", ("de",), DAY)
    m.arrive("n3", "pieschen", ("de",), DAY + timedelta(days=1))
    m.relocate("n2", "pieschen", DAY + timedelta(days=2))  # nord full as well
    assert m.stays["n2"].waiting == (DAY, 1)


def test_a_repeated_arrival_changes_nothing() -> None:
    m = model()
    m.arrive("n1", "cotta", ("de",), DAY)
    m.arrive("n1", "altstadt", ("uk",), DAY + timedelta(days=1))
    assert m.stays["n1"].place == "awo"
    assert sum(m.held.values()) == 1


DISTRICTS = [d.id.value for d in SEED.districts]
LANGUAGES = ["de", "ar", "uk", "ti", "prs", "fa", "so"]
NONE: list[str] = []
Step = tuple[str, int, str, list[str]]  # (operation, which case, district, languages)
arrive = st.tuples(
    st.just("arrive"),
    st.just(0),
    st.sampled_from(DISTRICTS),
    st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True),
)
depart = st.tuples(st.just("depart"), st.integers(0, 60), st.just(""), st.just(NONE))
move = st.tuples(st.just("relocate"), st.integers(0, 60), st.sampled_from(DISTRICTS), st.just(NONE))
steps = st.lists(st.tuples(st.integers(0, 3), st.one_of(arrive, arrive, depart, move)),
                 min_size=1, max_size=60)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(steps, st.dictionaries(st.sampled_from(["caritas", "diakonie", "awo", "drk"]),
                              st.integers(0, 3)))  # fmt: skip
def test_places_and_the_waiting_list_keep_their_invariants(
    script: list[tuple[int, Step]], capacities: dict[str, int]
) -> None:
    m, day = model(**{"caritas": 2, "diakonie": 2, "awo": 2, "drk": 2, **capacities}), DAY
    capacity = {p.id: p.capacity for p in m.providers}
    for n, (gap, (op, which, district, languages)) in enumerate(script):
        day += timedelta(days=gap)
        keys = sorted(m.stays)
        before = {k: s.waiting for k, s in m.stays.items() if s.waiting is not None}
        if op == "arrive":
            m.arrive(f"n{n:03d}", district, tuple(languages), day)
        elif keys and op == "depart":
            m.depart(keys[which % len(keys)], day)
        elif keys:
            m.relocate(keys[which % len(keys)], district, day)
        open_now = [s for s in m.stays.values() if s.closed_on is None]
        for p, cap in capacity.items():
            assert m.held[p] == sum(1 for s in open_now if s.place == p) <= cap
        for s in open_now:
            region = m.region[s.district_on(day)]
            assert (s.place is None) == (s.waiting is not None)
            if s.place is None:
                assert m.choose(region, s.languages) is None, "a case waits beside a free place"
            else:
                assert region in next(p.regions for p in m.providers if p.id == s.place)
            assert s.holder_on(day) == s.place
        served = [k for k in before if m.stays[k].waiting is None and m.stays[k].closed_on is None]
        still = [s.waiting for s in m.stays.values() if s.waiting is not None]
        for k in served:  # FIFO: nobody who joined earlier keeps waiting in the same region
            region = m.region[m.stays[k].district_on(day)]
            assert all(w > before[k] for s in open_now if s.waiting is not None
                       and m.region[s.district_on(day)] == region
                       for w in [s.waiting])  # fmt: skip
        assert all(w[0] <= day for w in still)
    for s in m.stays.values():
        assert all((assigned - joined).days >= 0 for joined, assigned in s.waits)
