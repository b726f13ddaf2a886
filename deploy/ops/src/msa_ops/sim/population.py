"""A seeded, Dresden-like population of arrivals (pure: no I/O, no global randomness)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from msa_contracts.events import IdentityPayload
from msa_contracts.reference import ReferenceData
from msa_contracts.values import AccommodationType, District, ResidenceStatus, Vulnerability

RS = ResidenceStatus
T = TypeVar("T")
# nationality: (weight, languages, residence statuses with weights, given names, family names)
ORIGINS: dict[str, tuple[int, tuple[str, ...], dict[RS, int], tuple[str, ...], tuple[str, ...]]] = {
    "UKR": (
        25,
        ("uk", "ru"),
        {RS.AE_24: 95, RS.AE_FAMILY: 5},
        ("Olena", "Mykola", "Iryna", "Taras", "Oksana"),
        ("Kovalenko", "Shevchuk", "Melnyk"),
    ),
    "SYR": (
        22,
        ("ar", "ku"),
        {RS.AE_25_2: 60, RS.GESTATTUNG: 25, RS.AE_25_1: 10, RS.AE_25B: 5},
        ("Amira", "Yusuf", "Rania", "Khaled", "Lina"),
        ("Haddad", "Alkhatib", "Darwish"),
    ),
    "AFG": (
        20,
        ("prs", "ps"),
        {RS.GESTATTUNG: 45, RS.AE_25_2: 25, RS.DULDUNG: 15, RS.AE_25_3: 10, RS.AE_23_2: 5},
        ("Farid", "Mariam", "Zahra", "Ahmad", "Sediq"),
        ("Rahimi", "Noorzai", "Karimi"),
    ),
    "IRQ": (
        8,
        ("ar", "ku"),
        {RS.GESTATTUNG: 50, RS.DULDUNG: 30, RS.AE_25_2: 20},
        ("Hussein", "Noor", "Zainab"),
        ("Al-Jabouri", "Barzani", "Saleh"),
    ),
    "TUR": (
        8,
        ("tr", "ku"),
        {RS.GESTATTUNG: 70, RS.DULDUNG_TRAINING: 15, RS.AE_25_2: 15},
        ("Emre", "Zeynep", "Baran"),
        ("Yildiz", "Demir", "Aslan"),
    ),
    "ERI": (
        7,
        ("ti",),
        {RS.AE_25_2: 70, RS.GESTATTUNG: 30},
        ("Semhar", "Yonas", "Helen"),
        ("Tesfaye", "Berhane", "Gebremariam"),
    ),
    "SOM": (
        5,
        ("so",),
        {RS.GESTATTUNG: 60, RS.AE_25_2: 40},
        ("Hodan", "Abdi", "Ayaan"),
        ("Warsame", "Farah", "Mohamud"),
    ),
    "IRN": (
        5,
        ("fa",),
        {RS.GESTATTUNG: 50, RS.AE_25_1: 30, RS.DULDUNG_EMPLOYMENT: 20},
        ("Shirin", "Reza", "Parisa"),
        ("Moradi", "Tehrani", "Jafari"),
    ),
}


@dataclass(frozen=True)
class Arrival:
    """One person the allocation system will announce, with everything the notice carries."""

    notice_id: str
    allocated_on: date
    identity: IdentityPayload
    household_size: int
    languages: tuple[str, ...]
    residence_status: ResidenceStatus
    district: District
    accommodation: AccommodationType
    vulnerabilities: tuple[Vulnerability, ...]


def _pick(rng: random.Random, weights: dict[T, int]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def arrivals(
    reference: ReferenceData, *, seed: int, count: int, start: date, days: int
) -> list[Arrival]:
    """``count`` arrivals spread over ``days`` days from ``start``, reproducible by ``seed``."""
    rng = random.Random(seed)
    district_weights = {d.id: d.weight for d in reference.districts}
    out = [
        _arrival(rng, i, district_weights, start + timedelta(days=rng.randrange(days)), seed)
        for i in range(count)
    ]
    return sorted(out, key=lambda a: (a.allocated_on, a.notice_id))


def _arrival(
    rng: random.Random, n: int, districts: dict[District, int], day: date, seed: int
) -> Arrival:
    nationality = _pick(rng, {k: v[0] for k, v in ORIGINS.items()})
    _, languages, statuses, given, family = ORIGINS[nationality]
    age = rng.choice(
        [rng.randint(18, 30), rng.randint(25, 50), rng.randint(16, 17), rng.randint(50, 70)]
    )
    identity = IdentityPayload(
        family_name=f"{rng.choice(family)}-{seed}x{n:04d}",
        given_names=rng.choice(given),
        date_of_birth=day - timedelta(days=365 * age + rng.randrange(365)),
        nationality=nationality,
        phone=f"+49 351 {rng.randrange(1000000, 9999999)}",
    )
    vulnerable = rng.random() < 0.12
    pool = [v for v in Vulnerability if v is not Vulnerability.UNACCOMPANIED_MINOR or age < 18]
    return Arrival(
        notice_id=f"N-{seed}-{n:05d}",
        allocated_on=day,
        identity=identity,
        household_size=rng.choice([1, 1, 2, 3, 4, 5, 6]),
        languages=tuple(languages[: rng.randint(1, len(languages))])
        + (("en",) if rng.random() < 0.3 else ()),
        residence_status=_pick(rng, statuses),
        district=_pick(rng, districts),
        accommodation=rng.choice(list(AccommodationType)),
        vulnerabilities=(rng.choice(pool),) if vulnerable else (),
    )
