"""Value types shared by many events: identifiers, codes and enumerations."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints

PersonRef = Annotated[
    str,
    StringConstraints(pattern=r"^P-[0-9a-f]{16}$"),
    Field(description="Pseudonymous person reference issued by intake, e.g. P-1a2b3c4d5e6f7a8b."),
]
CaseId = Annotated[
    str,
    StringConstraints(pattern=r"^C-[0-9a-f]{16}$"),
    Field(description="Case id issued by casework, e.g. C-0f1e2d3c4b5a6978."),
]
ProviderId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9]{1,31}$"),
    Field(
        description="Provider id from the provider registry: lower-case letters and digits, "
        "no '-' (Kafka ACL prefixes must not overlap), e.g. 'caritas'."
    ),
]
MeasureId = Annotated[
    str,
    StringConstraints(pattern=r"^M(0[1-9]|[1-5][0-9]|6[0-6])$"),
    Field(description="Measure of the measure plan, M01..M66."),
]
FieldId = Annotated[
    str,
    StringConstraints(pattern=r"^T(0[1-9]|1[0-2])$"),
    Field(description="Field (Teilbereich) of the measure plan, T01..T12."),
]
ExternalId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"),
    Field(description="An id chosen by the sender (1-64 chars of letters, digits, . _ : -)."),
]
Period = Annotated[
    str,
    StringConstraints(pattern=r"^(20[0-9]{2}-(0[1-9]|1[0-2])|cumulative)$"),
    Field(description="A calendar month YYYY-MM, or 'cumulative'."),
]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Minutes = Annotated[int, Field(ge=1, le=24 * 60, description="Duration in whole minutes.")]
Cents = Annotated[int, Field(description="An amount of money in euro cents.")]


class District(StrEnum):
    """The 10 Stadtbezirke and 9 Ortschaften of Dresden."""

    ALTSTADT = "altstadt"
    NEUSTADT = "neustadt"
    PIESCHEN = "pieschen"
    KLOTZSCHE = "klotzsche"
    LOSCHWITZ = "loschwitz"
    BLASEWITZ = "blasewitz"
    LEUBEN = "leuben"
    PROHLIS = "prohlis"
    PLAUEN = "plauen"
    COTTA = "cotta"
    ALTFRANKEN = "altfranken"
    COSSEBAUDE = "cossebaude"
    GOMPITZ = "gompitz"
    LANGEBRUECK = "langebrueck"
    MOBSCHATZ = "mobschatz"
    OBERWARTHA = "oberwartha"
    SCHOENBORN = "schoenborn"
    SCHOENFELD_WEISSIG = "schoenfeld-weissig"
    WEIXDORF = "weixdorf"


class Region(StrEnum):
    """The four MSA regions (Integrationsbüros)."""

    NORD = "nord"
    WEST = "west"
    MITTE = "mitte"
    SUED = "sued"


class ResidenceStatus(StrEnum):
    """Residence-status categories (AufenthG, AsylG). Rules about them are reference data."""

    ANKUNFTSNACHWEIS = "ankunftsnachweis"
    GESTATTUNG = "gestattung-55-asylg"
    DULDUNG = "duldung-60a"
    DULDUNG_IDENTITY_UNCLEAR = "duldung-60a-2-s3"
    DULDUNG_TRAINING = "duldung-60c"
    DULDUNG_EMPLOYMENT = "duldung-60d"
    AE_25_1 = "ae-25-1"
    AE_25_2 = "ae-25-2"
    AE_25_3 = "ae-25-3"
    AE_25_4 = "ae-25-4"
    AE_25_5 = "ae-25-5"
    AE_25A = "ae-25a"
    AE_25B = "ae-25b"
    AE_104C = "ae-104c"
    AE_23_1 = "ae-23-1"
    AE_23_2 = "ae-23-2"
    AE_23_4 = "ae-23-4"
    AE_24 = "ae-24"
    AE_EMPLOYMENT = "ae-employment"
    AE_FAMILY = "ae-family"
    NIEDERLASSUNG = "niederlassungserlaubnis"
    DAUERAUFENTHALT_EU = "daueraufenthalt-eu"
    NATURALISED = "naturalised"
    OBLIGED_TO_LEAVE = "obliged-to-leave"


class GoalDomain(StrEnum):
    """The nine MSA goal domains (Dresden Leistungskatalog 2019)."""

    VALUES_EVERYDAY = "values-everyday-skills"
    MATERIAL_SECURITY = "material-security"
    LANGUAGE = "language"
    SOCIAL_CONTACTS = "social-contacts"
    WORK_EDUCATION = "work-education"
    HEALTH = "health"
    HOUSING = "housing"
    CRISIS = "crisis-management"
    SPECIAL_CIRCUMSTANCES = "special-circumstances"


class Module(StrEnum):
    """The MSA module a case is in."""

    WILLKOMMEN = "willkommensleistung"
    FACHLEISTUNG = "fachleistung"
    INTEGRATIONSBUERO = "integrationsbuero"


class AgeBand(StrEnum):
    UNDER_6 = "0-5"
    CHILD = "6-17"
    YOUNG_ADULT = "18-26"
    ADULT = "27-49"
    OLDER = "50-64"
    SENIOR = "65+"


class AccommodationType(StrEnum):
    INITIAL_RECEPTION = "initial-reception"
    SHARED = "shared-accommodation"
    APARTMENT = "apartment"
    OTHER = "other"


class Vulnerability(StrEnum):
    UNACCOMPANIED_MINOR = "unaccompanied-minor"
    SINGLE_PARENT = "single-parent"
    DISABILITY = "disability"
    SERIOUS_ILLNESS = "serious-illness"
    TRAUMA = "trauma"
    PREGNANCY = "pregnancy"
    ELDERLY = "elderly"
    VICTIM_OF_VIOLENCE = "victim-of-violence"


Language = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2,3}$"),
    Field(description="ISO 639-1/-3 language code, lower case, e.g. 'ar', 'uk', 'prs'."),
]
