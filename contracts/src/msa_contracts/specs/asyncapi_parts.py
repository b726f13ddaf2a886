"""Reusable pieces of the AsyncAPI document: servers, headers and the event components."""

from __future__ import annotations

import inspect
import json
from typing import Any

from msa_contracts.envelope import CONTENT_TYPE, REQUIRED_HEADERS, SPECVERSION
from msa_contracts.events import Event
from msa_contracts.specs.jsonschema import event_schema

Doc = dict[str, Any]
SCHEMAS = "#/components/schemas/"

NAMESPACES = (
    "Channel addresses are the logical names; in a topic namespace (MSA_ENV=<env>) every "
    "topic is msa.<env>. followed by the rest of the address, e.g. "
    "msa.staging.provider.caritas.hours, and Kafka users and consumer groups carry the "
    "environment too (provider-staging-caritas, provider-staging-caritas-...)."
)
SERVERS: Doc = {
    "local": {
        "host": "127.0.0.1:19092",
        "protocol": "kafka",
        "description": "The single-node broker of the local development stack: topics without "
        "a namespace; each demo run and each test session uses its own (msa.<run>.…). "
        + NAMESPACES,
    },
    "staging": {
        "host": "kafka.msa.dresden.example:9093",
        "protocol": "kafka",
        "description": "Placeholder: staging shares the production cluster in the topic "
        "namespace 'staging' (topics msa.staging.…, users and groups with '-staging-'). "
        + NAMESPACES,
    },
    "production": {
        "host": "kafka.msa.dresden.example:9093",
        "protocol": "kafka",
        "description": "Placeholder for the production cluster, topic namespace 'prod' "
        "(topics msa.prod.…). Every service and every provider connects as its own Kafka "
        "user; access control lets a provider write only its own topics. " + NAMESPACES,
    },
}
CORRELATION: Doc = {
    "description": "The conversation an event belongs to: the ce_id of its first event.",
    "location": "$message.header#/ce_correlationid",
}


def _text(description: str, **constraints: Any) -> Doc:
    return {"type": "string", "description": description} | constraints


CE_HEADERS: Doc = {
    "type": "object",
    "description": "CloudEvents 1.0 attributes as Kafka record headers (binary content mode).",
    "required": list(REQUIRED_HEADERS),
    "properties": {
        "ce_specversion": _text("The CloudEvents version.", const=SPECVERSION),
        "ce_id": _text("Unique id of this event.", minLength=1, maxLength=128),
        "ce_type": _text("The event type and version; selects the payload schema.",
                         pattern=r"^de\.dresden\.msa\.[A-Za-z0-9]+\.v[0-9]+$"),
        "ce_source": _text("The producer: a URI reference naming the service or provider.",
                           minLength=1, maxLength=256),
        "ce_time": _text("When it happened, RFC 3339 with an offset.", format="date-time"),
        "ce_subject": _text("The aggregate id; equals the record key."),
        "content-type": _text("The media type of the value.", pattern="^application/json(;.*)?$"),
        "ce_correlationid": _text("The ce_id of the first event of the conversation."),
        "ce_causationid": _text("The ce_id of the event that caused this one."),
        "ce_traceparent": _text(
            "W3C trace context (CloudEvents distributed-tracing extension), optional; "
            "an answer or consequence carries the same trace id.",
            pattern="^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-.*)?$",
        ),
        "ce_tracestate": _text("W3C tracestate belonging to ce_traceparent, optional; passed on."),
    },
}  # fmt: skip
DLQ_HEADERS: Doc = {
    "type": "object",
    "description": "The original record's headers, kept, plus dlq_* headers with the reason.",
    "patternProperties": {"^dlq_": {"type": "string"}},
}
DEAD_LETTER: Doc = {
    "name": "DeadLetter",
    "title": "Dead letter",
    "summary": "A record a service could not process, kept unchanged for operations.",
    "contentType": "application/octet-stream",
    "headers": {"$ref": SCHEMAS + "DeadLetterHeaders"},
    "payload": {"description": "The original record value, unchanged: any bytes."},
    "bindings": {"kafka": {"key": _text("The original record key."), "bindingVersion": "0.5.0"}},
}


def provider_parameter(providers: tuple[str, ...]) -> Doc:
    param: Doc = {"description": "A provider id from the provider registry."}
    return param | ({"enum": list(providers), "examples": [providers[0]]} if providers else {})


def key_binding(binding_version: str) -> Doc:
    key = _text("The event's subject (aggregate id), equal to the ce_subject header.")
    return {"key": key, "bindingVersion": binding_version}


def message_id(cls: type[Event]) -> str:
    return f"{cls.name()}.v{cls.schema_version}"


def event_components(events: tuple[type[Event], ...]) -> tuple[Doc, Doc]:
    """Component schemas and messages for ``events``.

    Each event's ``$defs`` move to ``components/schemas`` under their own name (prefixed
    with the event's name if another event defines the same name differently), and the
    payload's ``$ref``s are rewritten to point there.
    """
    schemas: Doc = {"CloudEventsHeaders": CE_HEADERS, "DeadLetterHeaders": DLQ_HEADERS}
    messages: Doc = {"DeadLetter": DEAD_LETTER}
    raw_defs: dict[str, str] = {}
    for cls in events:
        body = event_schema(cls)
        defs: Doc = body.pop("$defs", {})
        del body["$schema"], body["$id"]  # an embedded $id would change the base of $refs
        names: dict[str, str] = {}
        for name, schema in defs.items():
            raw = json.dumps(schema, sort_keys=True)
            unique = name if raw_defs.setdefault(name, raw) == raw else f"{cls.name()}.{name}"
            names[f"#/$defs/{name}"] = SCHEMAS + unique
        for name, schema in defs.items():
            unique = names[f"#/$defs/{name}"].removeprefix(SCHEMAS)
            moved = _rewrite(schema, names)
            if schemas.setdefault(unique, moved) != moved:
                raise ValueError(f"{cls.name()}: component schema {unique!r} defined twice")
        schemas[message_id(cls)] = _rewrite(body, names)
        messages[message_id(cls)] = _message(cls)
    return dict(sorted(schemas.items())), dict(sorted(messages.items()))


def _rewrite(node: Any, names: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {k: names[v] if k == "$ref" else _rewrite(v, names) for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite(v, names) for v in node]
    return node


def _message(cls: type[Event]) -> Doc:
    summary, _, description = inspect.cleandoc(cls.__doc__ or cls.name()).partition("\n")
    message: Doc = {
        "name": cls.name(),
        "title": f"{cls.name()} v{cls.schema_version}",
        "summary": summary,
        "contentType": CONTENT_TYPE,
        "headers": {
            "type": "object",
            "allOf": [{"$ref": SCHEMAS + "CloudEventsHeaders"}],
            "properties": {"ce_type": {"type": "string", "const": cls.ce_type()}},
        },
        "payload": {"$ref": SCHEMAS + message_id(cls)},
        "correlationId": {"$ref": "#/components/correlationIds/correlation"},
        "bindings": {"$ref": "#/components/messageBindings/eventKey"},
    }
    return message | ({"description": description.strip()} if description.strip() else {})
