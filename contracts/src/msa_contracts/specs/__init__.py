"""Machine-readable contract artefacts generated from the event models and the catalogue.

``jsonschema`` gives each event's JSON Schema, ``asyncapi`` the AsyncAPI 3.0 document of
all topics, ``compat`` finds backward-incompatible schema changes, and ``generate`` writes
and checks the committed artefacts (``python -m msa_contracts.specs generate|check``).
"""

from msa_contracts.specs.asyncapi import asyncapi_document
from msa_contracts.specs.compat import breaking_changes
from msa_contracts.specs.generate import check_artifacts, write_artifacts
from msa_contracts.specs.jsonschema import event_schema, schema_file_name

__all__ = [
    "asyncapi_document",
    "breaking_changes",
    "check_artifacts",
    "event_schema",
    "schema_file_name",
    "write_artifacts",
]
