"""Topic namespaces: several environments (staging, production, a test run, a demo) on one
Kafka cluster without sharing a record.

Code speaks of *logical* names, as the catalogue has them (``msa.casework.cases``); on the
wire a topic of environment ``staging`` is ``msa.staging.casework.cases``. Without an
environment (the default) the two are the same. The mapping is applied at the Kafka edge
only (subscribing, publishing, topic creation, manifests), so services never see it.
Only the catalogue's names are mapped (``msa.`` followed by one of its second segments, e.g.
``intake``, ``clock``, ``provider``); any other name (e.g. a test's own topic
``msa.intake-3f2a.dead-letter``) is used as it is.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

ENV_VAR = "MSA_ENV"
ROOT = "msa."
_VALID = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
#: the second segments of the catalogue's names (an environment may not be named like one)
SEGMENTS = frozenset({"allocation", "intake", "casework", "billing", "reporting", "clock",
                      "provider"})  # fmt: skip


class InvalidNamespace(ValueError):
    """An environment name that cannot be part of a topic name."""


@dataclass(frozen=True)
class Namespace:
    """The environment's part of every topic, consumer group and Kafka user name."""

    env: str = ""

    def __post_init__(self) -> None:
        if self.env and (not _VALID.match(self.env) or self.env in SEGMENTS):
            raise InvalidNamespace(
                f"{ENV_VAR}={self.env!r}: use lower-case letters, digits and '-', starting "
                f"with a letter, at most 40 characters, none of {sorted(SEGMENTS)}"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Namespace:
        """The namespace ``MSA_ENV`` names (none when unset or empty)."""
        environ = os.environ if environ is None else environ
        return cls(environ.get(ENV_VAR, "").strip())

    @property
    def prefix(self) -> str:
        """What every topic of this namespace starts with: ``msa.`` or ``msa.<env>.``."""
        return f"{ROOT}{self.env}." if self.env else ROOT

    def topic(self, logical: str) -> str:
        """The topic on the wire for a logical name."""
        if not self.env or not logical.startswith(ROOT) or not _in_catalogue(logical[len(ROOT) :]):
            return logical
        return self.prefix + logical.removeprefix(ROOT)

    def logical(self, physical: str) -> str:
        """The logical name of a topic on the wire (other namespaces' topics unchanged)."""
        rest = physical.removeprefix(self.prefix)
        if not self.env or rest == physical or not _in_catalogue(rest):
            return physical
        return ROOT + rest

    def name(self, base: str) -> str:
        """A consumer group or Kafka user: ``msa-intake`` becomes ``msa-<env>-intake``,
        ``provider-caritas`` becomes ``provider-<env>-caritas``."""
        if not self.env:
            return base
        head, sep, rest = base.partition("-")
        return f"{head}-{self.env}-{rest}" if sep else f"{base}-{self.env}"


def _in_catalogue(rest: str) -> bool:
    """``rest`` (a name after ``msa.``) starts with one of the catalogue's segments."""
    head, _, _ = rest.partition(".")
    return head in SEGMENTS


#: no environment: logical and wire names are the same
NO_NAMESPACE = Namespace()
