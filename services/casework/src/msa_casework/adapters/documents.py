"""How domain state is stored: JSON-mode documents keyed by id (dates as ISO strings, which
sort and compare in date order)."""

from __future__ import annotations

from typing import Any

from msa_contracts.values import Vulnerability

from msa_casework.domain.case import Case
from msa_casework.domain.persons import Person
from msa_casework.domain.ticks import next_wake

Document = dict[str, Any]


def case_document(case: Case) -> Document:
    """The case plus ``wake_on``, the day its time-driven decisions are next due."""
    wake = next_wake(case)
    doc = case.model_dump(mode="json")
    return {"_id": case.case_id, **doc, "wake_on": wake.isoformat() if wake else None}


def case_from(doc: Document) -> Case:
    fields = {k: v for k, v in doc.items() if k not in ("_id", "wake_on")}
    if isinstance(needs := fields.get("needs"), dict) and LEGACY in needs:
        fields["needs"] = {k: v for k, v in needs.items() if k != LEGACY}
    return Case.model_validate(fields)


def person_document(person: Person) -> Document:
    return {"_id": person.person_ref, **person.model_dump(mode="json")}


def person_from(doc: Document) -> Person:
    fields = {k: v for k, v in doc.items() if k not in ("_id", LEGACY)}
    if LEGACY in doc:
        fields["unaccompanied_minor"] = Vulnerability.UNACCOMPANIED_MINOR in doc[LEGACY]
    return Person.model_validate(fields)


#: documents stored before vulnerabilities stayed in intake: read without them, and
#: rewritten so on start (``MongoStore.migrate``)
LEGACY = "vulnerabilities"
LEGACY_FILTERS = {"cases": {"needs.vulnerabilities": {"$exists": True}},
                  "persons": {LEGACY: {"$exists": True}}}  # fmt: skip
