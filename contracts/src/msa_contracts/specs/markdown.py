"""EVENTS.md: the provider-facing catalogue of topics and events, rendered from the code."""

from __future__ import annotations

from typing import Any

from msa_contracts.events import ALL_EVENTS, Event
from msa_contracts.specs.jsonschema import event_schema, schema_file_name
from msa_contracts.topics import DAY_MS, FOREVER, PROVIDER_TOPICS, Catalogue, Topic

Schema = dict[str, Any]

INTRO = """\
# MSA event catalogue

Generated from `msa_contracts` by `uv run python -m msa_contracts.specs generate`: do not
edit by hand. The machine-readable forms are [asyncapi.yaml](asyncapi.yaml) (AsyncAPI 3.0)
and the JSON Schemas in [schemas/events/](schemas/events/).

## Envelope

Every record is a CloudEvents 1.0 event in Kafka binary content mode: the value is the
event's JSON body (UTF-8, at most 1 MiB), the attributes are record headers.

| header | content |
| --- | --- |
| `ce_specversion` | `1.0` |
| `ce_id` | unique id of the event (at most 128 characters) |
| `ce_type` | `de.dresden.msa.<Event>.v<version>`, see each event below |
| `ce_source` | the producer (at most 256 characters) |
| `ce_time` | RFC 3339 timestamp with a time zone offset |
| `ce_subject` | the aggregate id, equal to the record key |
| `content-type` | `application/json` |
| `ce_correlationid` | the `ce_id` of the first event of the conversation (default: own `ce_id`) |
| `ce_causationid` | the `ce_id` of the event that caused this one (optional) |
| `ce_traceparent` | W3C trace context (distributed-tracing extension; optional, continued) |
| `ce_tracestate` | W3C tracestate for `ce_traceparent` (optional, passed on unchanged) |

The record key is the event's subject, so all events of one case stay in order. Validation
is strict: unknown fields, wrong types (`"5"` for a number) and unknown types are rejected.
A provider's identity is the topic it writes to (`msa.provider.<provider-id>.*`); no event
body names the sending provider. A published event version never changes incompatibly.

## Deletion periods

When a closed case's deletion period ends, casework deletes the case file and publishes
`CaseFileExpired` (on `msa.casework.cases` and to the provider that last held the case);
billing anonymises the case's hour entries and invoice lines and publishes `HoursAnonymised`
(on `msa.billing.ledger` and the provider's feedback topic). Both name the ids one last time
and the random replacement ids every holder puts in their place: a provider must delete or
anonymise its own copy of the case when it reads them. Each topic's retention answers the
periods: the provider topics keep 90 days (their consumers keep the state, so nothing about
a case is left there when its file expires); `msa.intake.persons`, `msa.casework.cases` and
`msa.billing.ledger` keep the pseudonymous history for reporting's rebuild; the
dead-letter topics and the clock keep 30 days. See docs/DATA-PROTECTION.md.

## Special categories (Art. 9 DSGVO)

A person's vulnerabilities (disability, serious illness, trauma, pregnancy, victim of
violence; also single parent, elderly, unaccompanied minor) are in no event any service
publishes. They stay in intake, encrypted under the person's key with the identity, and the
provider holding the person's case reads them there:
`GET /persons/{person_ref}/vulnerabilities?purpose=...` on intake's API with its provider
token (see [PROVIDERS.md](PROVIDERS.md)). Every read is audited before it is answered; to
any other provider the person does not exist (the same 404 as for an unknown reference);
after a reassignment or the case's closing the former holder gets 404 too, and after the
person's erasure nobody can read them.

Why not encrypted in the event, say under a per-case key wrapped to the provider's public
key: a record on a topic (kept for months) or copied into the provider's own systems, with
its wrapped key beside it, opens with the provider's private key for as long as both exist.
Destroying intake's key would not reach it, nor could access end with a reassignment. Kept
out of the event, erasure (destroying the person's key) destroys the only copy, and every
disclosure is a fact in intake's audit.
Casework decides with one consequence only: an unaccompanied minor is not matched with a
mentor, so `ArrivalRegistered` carries `unaccompanied_minor`. That is no special category
(age and family situation, no health data), unlike a flag such as "has a health need",
which would itself be health data and is therefore not published either.

- `ArrivalRegistered.v2` and `CaseAssigned.v2` replaced v1, which carried `vulnerabilities`
  in clear. A v1 record still on a topic is read as v2 through an upcaster beside the model:
  `unaccompanied_minor` is whether the list named it, the rest is dropped. Services that
  stored v1 data rewrite it on start (intake seals its clear copies, casework and reporting
  drop them); how to remove the v1 records from the topics is in
  [docs/DATA-PROTECTION.md](../docs/DATA-PROTECTION.md).
- `PersonAllocated.v2` (the allocation system's notice) carries them sealed to intake's key
  in `special_categories` (the sealed-box format of `identity`, plaintext
  `{"vulnerabilities": [...]}`), so no dead letter holds them in clear. Version 1, with them
  in clear, is still accepted from an allocation system that has not moved; no upcaster
  can seal, so intake reads both versions.
"""


def events_markdown(catalogue: Catalogue) -> str:
    """The whole document, ending in a newline."""
    topics = list(catalogue.shared()) + list(PROVIDER_TOPICS)
    out = [INTRO, "## Topics\n"]
    if catalogue.providers:
        names = ", ".join(f"`{p}`" for p in catalogue.providers)
        out.append(f"Each `msa.provider.{{provider}}.*` topic exists once per provider: {names}.\n")
    out += [_topic(t) for t in topics]
    out.append("## Events\n")
    schemas = {cls: event_schema(cls) for cls in ALL_EVENTS}
    defs: Schema = {}
    for cls, schema in schemas.items():
        carried_by = [t.name for t in topics if cls in t.events]
        out.append(_event(cls, schema, carried_by))
        defs |= schema.get("$defs", {})
    out.append("## Parts\n\nObjects nested in events.\n")
    out += [_object(name, s, 3) for name, s in sorted(defs.items()) if "enum" not in s]
    out.append("## Value sets\n")
    for name, s in sorted(defs.items()):
        if "enum" in s:
            values = ", ".join(f"`{v}`" for v in s["enum"])
            out.append(f"### {name}\n\n{_doc(s)}{values}\n")
    return "\n".join(out).rstrip() + "\n"


def _topic(topic: Topic) -> str:
    days = topic.retention_ms / DAY_MS
    retention = "forever" if topic.retention_ms == FOREVER else f"{days:g} days"
    if topic.compacted:
        retention = f"compacted (latest record per key), {retention}"
    events = ", ".join(f"[{c.name()} v{c.schema_version}](#{_anchor(c)})" for c in topic.events)
    rows = [
        ("key", topic.key),
        ("partitions", str(topic.partitions)),
        ("retention", retention),
        ("producers", ", ".join(topic.producers)),
        ("consumers", ", ".join(topic.consumers)),
        ("events", events or "any record that could not be processed (dead letters)"),
    ]
    table = "\n".join(f"| {k} | {_cell(v)} |" for k, v in rows)
    return f"### `{topic.name}`\n\n{topic.description}\n\n| | |\n| --- | --- |\n{table}\n"


def _event(cls: type[Event], schema: Schema, topics: list[str]) -> str:
    carried = ", ".join(f"`{t}`" for t in topics) or "none"
    head = (
        f"- type: `{cls.ce_type()}`\n- schema: [{schema_file_name(cls)}]"
        f"(schemas/events/{schema_file_name(cls)})\n- topics: {carried}\n\n"
    )
    body = _object(f"{cls.name()} v{cls.schema_version}", schema, 3)
    title, _, rest = body.partition("\n\n")
    return f"{title}\n\n{head}{rest}"


def _object(title: str, schema: Schema, level: int) -> str:
    required = set(schema.get("required", []))
    rows = [
        f"| `{name}` | {_cell(_type(s))} | {'yes' if name in required else 'no'} | "
        f"{_cell(s.get('description', ''))} |"
        for name, s in schema.get("properties", {}).items()
    ]
    table = "| field | type | required | description |\n| --- | --- | --- | --- |\n"
    return f"{'#' * level} {title}\n\n{_doc(schema)}{table}" + "\n".join(rows) + "\n"


def _type(s: Schema) -> str:
    if "$ref" in s:
        name = s["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in s:
        return " or ".join(_type(v) for v in s["anyOf"])
    if "const" in s:
        return f"`{s['const']}`"
    if "enum" in s:
        return "one of " + ", ".join(f"`{v}`" for v in s["enum"])
    kind = str(s.get("type", "any"))
    if kind == "array":
        kind = f"array of {_type(s.get('items', {}))}"
    elif kind == "object" and "patternProperties" in s:
        pattern, value = next(iter(s["patternProperties"].items()))
        kind = f"object: keys `{pattern}`, values {_type(value)}"
    formats = {"date": "date (YYYY-MM-DD)", "date-time": "date-time (RFC 3339, with offset)"}
    if "format" in s:
        kind = formats.get(s["format"], f"{kind} ({s['format']})")
    notes = [f"`{s['pattern']}`"] if "pattern" in s else []
    bounds = {"minimum": "≥", "maximum": "≤", "minLength": "length ≥", "maxLength": "length ≤",
              "minItems": "items ≥", "maxItems": "items ≤"}  # fmt: skip
    notes += [f"{sign} {s[k]}" for k, sign in bounds.items() if k in s]
    return f"{kind} ({', '.join(notes)})" if notes else kind


def _doc(schema: Schema) -> str:
    return f"{schema['description']}\n\n" if schema.get("description") else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _anchor(cls: type[Event]) -> str:
    return f"{cls.name().lower()}-v{cls.schema_version}"
