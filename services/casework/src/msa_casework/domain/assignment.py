"""Which provider gets a case: region contract, free capacity, language; deterministic."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from msa_contracts.events import Reason, reason
from msa_contracts.reference import ProviderContract
from msa_contracts.values import Region


@dataclass(frozen=True)
class Placement:
    """The chosen provider with the reasons, or None (wait) with the reasons why."""

    provider_id: str | None
    reasons: list[Reason]


def choose_provider(
    region: Region,
    languages: Sequence[str],
    contracts: Sequence[ProviderContract],
    open_cases: Mapping[str, int],
) -> Placement:
    """Among providers contracted for ``region`` with a free place: a shared language first,
    then the most free places, then the lowest provider id."""
    contracted = [p for p in contracts if region in p.regions]
    if not contracted:
        message = f"no provider is contracted for region {region}"
        return Placement(None, [reason("no-provider-contracted", message)])
    free = {p.id: p.capacity - open_cases.get(p.id, 0) for p in contracted}
    available = [p for p in contracted if free[p.id] > 0]
    if not available:
        loads = ", ".join(f"{p.id} {open_cases.get(p.id, 0)}/{p.capacity}" for p in contracted)
        message = f"all providers of region {region} are full: {loads}"
        return Placement(None, [reason("no-capacity", message)])

    def rank(p: ProviderContract) -> tuple[bool, int, str]:
        return (not _shared(languages, p), -free[p.id], p.id)

    best = min(available, key=rank)
    reasons = [
        reason("region-contracted", f"{best.id} is contracted for region {region}"),
        _language_reason(best, languages),
        reason("capacity-remaining", f"{free[best.id]} of {best.capacity} places free"),
    ]
    tied = [p.id for p in available if p is not best and rank(p)[:2] == rank(best)[:2]]
    if tied:
        message = f"equal to {', '.join(tied)}: the lowest provider id was chosen"
        reasons.append(reason("tie-break", message))
    return Placement(best.id, reasons)


def _shared(languages: Sequence[str], provider: ProviderContract) -> list[str]:
    return [lang for lang in languages if lang in provider.languages]


def _language_reason(provider: ProviderContract, languages: Sequence[str]) -> Reason:
    shared = _shared(languages, provider)
    if shared:
        return reason("language-match", f"{provider.id} speaks {', '.join(shared)}")
    message = f"no provider with a free place speaks {', '.join(languages)}"
    return reason("no-language-match", message)
