"""The AsyncAPI 3.0.0 document of the topic catalogue: channels, messages and operations."""

from __future__ import annotations

import re
from importlib.metadata import version
from typing import Any

from msa_contracts.events import ALL_EVENTS
from msa_contracts.specs import asyncapi_parts as parts
from msa_contracts.topics import PROVIDER_TOPICS, SERVICES, Catalogue, Topic, consumer_group

Doc = dict[str, Any]
KAFKA = "0.5.0"

DESCRIPTION = """\
The events of the MSA case management of Dresden (Migrationssozialarbeit), on Kafka.

**CloudEvents 1.0, binary content mode.** The record value is the event's JSON body and
nothing else (UTF-8, `content-type: application/json`, at most 1 MiB). The CloudEvents
attributes travel as record headers: `ce_specversion` (`1.0`), `ce_id` (unique per event,
at most 128 characters), `ce_type` (`de.dresden.msa.<Event>.v<version>`, which selects the
schema), `ce_source` (the producer, at most 256 characters), `ce_time` (RFC 3339 with a
time zone offset) and `ce_subject`. Validation is strict: unknown fields, wrong types and
unknown `ce_type`s are rejected.

**Key rule.** The record key is the event's subject, the id of the aggregate it is about
(mostly `case_id`), and equals `ce_subject`. All events of one aggregate therefore share a
partition and stay in order.

**Correlation and causation.** `ce_correlationid` names the conversation an event belongs
to (the first event's `ce_id`; defaults to the event's own `ce_id`), `ce_causationid` the
`ce_id` of the event that caused it (absent for a first event).

**Trace context.** `ce_traceparent` (and `ce_tracestate`), the CloudEvents
distributed-tracing extension, carry W3C trace context. Optional: a sender may set it, and
every event the services publish because of a record continues that record's trace (an
invalid value is ignored).

**Provider identity comes from the topic.** A provider writes only to its own
`msa.provider.{provider}.*` topics (access control lets it write nowhere else) and reads
only its own `assignments` and `feedback` topics. No event body names the sending provider:
whoever writes to `msa.provider.caritas.reports` is `caritas`.

**Versions.** A published `ce_type` version never changes incompatibly. A breaking change
is a new version (`.v2`) and old versions are upcast by the readers.
"""


def asyncapi_document(catalogue: Catalogue, doc_version: str | None = None) -> Doc:
    """The AsyncAPI document for ``catalogue``; per-provider topics become one channel each."""
    schemas, messages = parts.event_components(ALL_EVENTS)
    topics = list(catalogue.shared()) + list(PROVIDER_TOPICS)
    channels = {_channel_id(t): _channel(t, catalogue.providers) for t in topics}
    operations: Doc = {}
    for topic in topics:
        operations |= _operations(topic)
    return {
        "asyncapi": "3.0.0",
        "id": "urn:de:dresden:msa:events",
        "info": {
            "title": "MSA Dresden events",
            "version": doc_version or version("msa-contracts"),
            "description": DESCRIPTION,
        },
        "defaultContentType": "application/json",
        "servers": parts.SERVERS,
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": schemas,
            "messages": messages,
            "parameters": {"provider": parts.provider_parameter(catalogue.providers)},
            "correlationIds": {"correlation": parts.CORRELATION},
            "messageBindings": {"eventKey": {"kafka": parts.key_binding(KAFKA)}},
        },
    }


def _channel_id(topic: Topic) -> str:
    """``msa.provider.{provider}.reports`` -> ``providerReports``."""
    words = [w for w in re.split(r"[.\-]", topic.name) if w not in ("msa", "{provider}")]
    return words[0] + "".join(w.capitalize() for w in words[1:])


def _actor(name: str) -> str:
    return "provider" if name.startswith("provider:") else name


def _message_ids(topic: Topic) -> list[str]:
    return [parts.message_id(cls) for cls in topic.events] or ["DeadLetter"]


def _channel(topic: Topic, providers: tuple[str, ...]) -> Doc:
    config: dict[str, Any] = {
        k: int(v) if v.lstrip("-").isdigit() else v for k, v in topic.config.items()
    }
    config["cleanup.policy"] = ["compact"] if topic.compacted else ["delete"]
    channel: Doc = {
        "address": topic.name,
        "title": topic.name,
        "description": f"{topic.description}\n\nRecord key: {topic.key}.",
        "messages": {m: {"$ref": f"#/components/messages/{m}"} for m in _message_ids(topic)},
    }
    if "{provider}" in topic.name:
        channel["parameters"] = {"provider": {"$ref": "#/components/parameters/provider"}}
    binding: Doc = {"partitions": topic.partitions, "topicConfiguration": config}
    channel["bindings"] = {"kafka": binding | {"bindingVersion": KAFKA}}
    return channel


def _operations(topic: Topic) -> Doc:
    cid = _channel_id(topic)
    refs = [{"$ref": f"#/channels/{cid}/messages/{m}"} for m in _message_ids(topic)]
    ops: Doc = {}
    for action, actors, verb in (("send", topic.producers, "writes to"),
                                 ("receive", topic.consumers, "reads")):  # fmt: skip
        for actor in map(_actor, actors):
            op: Doc = {
                "action": action,
                "channel": {"$ref": f"#/channels/{cid}"},
                "summary": f"{actor} {verb} {topic.name}.",
                "messages": [dict(r) for r in refs],
            }
            if action == "receive" and actor in SERVICES:
                group = {"type": "string", "enum": [consumer_group(actor)]}
                op["bindings"] = {"kafka": {"groupId": group, "bindingVersion": KAFKA}}
            ops[f"{actor}.{action}.{cid}"] = op
    return ops
