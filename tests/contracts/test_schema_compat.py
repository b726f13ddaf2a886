"""breaking_changes: what breaks readers of an already published event version."""

from __future__ import annotations

from typing import Any

import pytest
from msa_contracts.events import ALL_EVENTS
from msa_contracts.specs import breaking_changes, event_schema

Schema = dict[str, Any]


def obj(required: tuple[str, ...] = (), extra: Any = False, **props: Schema) -> Schema:
    schema: Schema = {"type": "object", "properties": props, "required": list(required)}
    if extra is not None:
        schema["additionalProperties"] = extra
    return schema


STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}


def assert_breaks(old: Schema, new: Schema, *fragments: str) -> None:
    found = breaking_changes(old, new)
    assert found, f"expected a breaking change from {old} to {new}"
    text = "\n".join(found)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {found}"


def assert_compatible(old: Schema, new: Schema) -> None:
    assert breaking_changes(old, new) == []


@pytest.mark.parametrize("cls", ALL_EVENTS, ids=lambda c: c.name())
def test_every_event_schema_is_compatible_with_itself(cls: Any) -> None:
    assert_compatible(event_schema(cls), event_schema(cls))


def test_annotations_do_not_matter() -> None:
    old = obj(a={"type": "string", "title": "A", "description": "old", "default": "x"})
    new = obj(a={"type": "string", "title": "B", "description": "new", "x-note": 1})
    assert_compatible(old, new)


def test_removing_a_property_breaks() -> None:
    assert_breaks(obj(("a",), a=STR, b=STR), obj(("a",), a=STR), "property removed: b")


def test_adding_an_optional_property_is_compatible() -> None:
    assert_compatible(obj(("a",), a=STR), obj(("a",), a=STR, b=STR))


def test_adding_a_required_property_breaks() -> None:
    assert_breaks(obj(a=STR), obj(("b",), a=STR, b=STR), "new required property: b")


def test_making_an_optional_property_required_breaks_and_the_reverse_does_not() -> None:
    optional, required = obj(a=STR), obj(("a",), a=STR)
    assert_breaks(optional, required, "property became required: a")
    assert_compatible(required, optional)


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        (STR, INT, "type changed (['string'] -> ['integer'])"),
        ({"type": "number"}, INT, "type changed"),
        ({}, STR, "type restricted to ['string']"),
        ({"type": ["string", "null"]}, STR, "type changed"),
        ({"type": "string", "format": "date"}, {"type": "string", "format": "date-time"},
         "format changed ('date' -> 'date-time')"),
        (STR, {"type": "string", "format": "date"}, "format changed (none -> 'date')"),
        ({"type": "string", "pattern": "^a"}, {"type": "string", "pattern": "^b"},
         "pattern changed ('^a' -> '^b')"),
        (STR, {"type": "string", "pattern": "^a"}, "pattern changed"),
        ({"const": "a"}, {"const": "b"}, "const changed ('a' -> 'b')"),
        ({"enum": ["a", "b"]}, {"enum": ["a"]}, "enum values removed (['b'])"),
        (STR, {"type": "string", "enum": ["a"]}, "enum added"),
        ({"type": "integer", "minimum": 1}, {"type": "integer", "minimum": 2},
         "minimum tightened (1 -> 2)"),
        (INT, {"type": "integer", "maximum": 9}, "maximum tightened (none -> 9)"),
        ({"type": "string", "maxLength": 10}, {"type": "string", "maxLength": 5},
         "maxLength tightened (10 -> 5)"),
        ({"type": "array", "minItems": 0}, {"type": "array", "minItems": 1}, "minItems tightened"),
        ({"type": "integer", "exclusiveMaximum": 5}, {"type": "integer", "exclusiveMaximum": 4},
         "exclusiveMaximum tightened"),
        ({"type": "array"}, {"type": "array", "uniqueItems": True}, "uniqueItems added"),
    ],
)  # fmt: skip
def test_narrowing_a_value_breaks(old: Schema, new: Schema, fragment: str) -> None:
    assert_breaks(obj(("v",), v=old), obj(("v",), v=new), f"v: {fragment}")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (INT, {"type": "number"}),
        (STR, {"type": ["string", "null"]}),
        (STR, {}),
        ({"type": "string", "format": "date"}, STR),
        ({"type": "string", "pattern": "^a"}, STR),
        ({"const": "a"}, STR),
        ({"enum": ["a"]}, {"enum": ["a", "b"]}),
        ({"type": "integer", "minimum": 2}, {"type": "integer", "minimum": 1}),
        ({"type": "integer", "maximum": 5}, INT),
        ({"type": "string", "maxLength": 5}, {"type": "string", "maxLength": 10}),
        ({"type": "array", "uniqueItems": True}, {"type": "array"}),
    ],
)
def test_widening_a_value_is_compatible(old: Schema, new: Schema) -> None:
    assert_compatible(obj(("v",), v=old), obj(("v",), v=new))


def test_refusing_extra_properties_breaks_and_allowing_them_does_not() -> None:
    closed, open_ = obj(a=STR), obj(extra=None, a=STR)
    assert_breaks(open_, closed, "(root): additionalProperties tightened")
    assert_breaks(obj(extra=True, a=STR), closed, "additionalProperties tightened")
    assert_compatible(closed, open_)


def test_narrowing_the_schema_of_extra_properties_breaks() -> None:
    assert_breaks(obj(extra=True), obj(extra=INT), "*: type restricted")
    assert_breaks(obj(extra={"type": "number"}), obj(extra=STR), "*: type changed")
    assert_compatible(obj(extra=INT), obj(extra={"type": "number"}))


def test_changes_inside_nested_objects_are_found_with_their_path() -> None:
    old = obj(("outer",), outer=obj(("inner",), inner=obj(leaf=STR, gone=STR)))
    new = obj(("outer",), outer=obj(("inner",), inner=obj(("new",), leaf=INT, new=STR)))
    assert breaking_changes(old, new) == [
        "outer.inner.leaf: type changed (['string'] -> ['integer'])",
        "property removed: outer.inner.gone",
        "new required property: outer.inner.new",
    ]


def test_array_items_are_compared() -> None:
    old = obj(v={"type": "array", "items": obj(code=STR)})
    new = obj(v={"type": "array", "items": obj(code={"type": "string", "maxLength": 3})})
    assert_breaks(old, new, "v[].code: maxLength tightened (none -> 3)")
    assert_compatible(new, old)


def test_local_refs_and_defs_are_resolved_on_both_sides() -> None:
    def with_reason(code: Schema) -> Schema:
        schema = obj(("reasons",), reasons={"type": "array", "items": {"$ref": "#/$defs/Reason"}})
        return schema | {"$defs": {"Reason": obj(("code",), code=code)}}

    old, new = with_reason(STR), with_reason({"type": "string", "pattern": "^[a-z]+$"})
    assert_breaks(old, new, "reasons[].code: pattern changed (none -> '^[a-z]+$')")
    assert_compatible(new, old)


def test_an_inlined_definition_is_compared_with_its_ref() -> None:
    inline = obj(("d",), d={"enum": ["a", "b"]})
    via_ref = obj(("d",), d={"$ref": "#/$defs/D"}) | {"$defs": {"D": {"enum": ["a"]}}}
    assert_breaks(inline, via_ref, "d: enum values removed (['b'])")
    assert_compatible(via_ref, inline)


def test_recursive_definitions_terminate() -> None:
    def tree(leaf: Schema) -> Schema:
        node = obj(value=leaf, children={"type": "array", "items": {"$ref": "#/$defs/Node"}})
        return {"$ref": "#/$defs/Node", "$defs": {"Node": node}}

    assert_compatible(tree(STR), tree(STR))
    assert_breaks(tree(STR), tree(INT), "value: type changed")


def test_an_unresolvable_ref_is_an_error() -> None:
    with pytest.raises(ValueError, match="unresolvable"):
        breaking_changes(obj(a={"$ref": "#/$defs/Nope"}), obj(a=STR))


def test_optional_becoming_non_nullable_breaks_and_the_reverse_does_not() -> None:
    nullable = obj(v={"anyOf": [{"type": "string", "maxLength": 9}, {"type": "null"}]})
    plain = obj(v={"type": "string", "maxLength": 9})
    assert_breaks(nullable, plain, "v: type changed (['null'] -> ['string'])")
    assert_compatible(plain, nullable)


def test_a_constraint_tightened_inside_a_variant_is_reported_in_detail() -> None:
    old = obj(v={"anyOf": [{"type": "string", "maxLength": 9}, {"type": "null"}]})
    new = obj(v={"anyOf": [{"type": "string", "maxLength": 5}, {"type": "null"}]})
    assert breaking_changes(old, new) == ["v: maxLength tightened (9 -> 5)"]


def test_a_removed_variant_breaks_and_an_added_one_does_not() -> None:
    two = obj(v={"oneOf": [STR, INT]})
    three = obj(v={"oneOf": [STR, INT, {"type": "boolean"}]})
    assert_compatible(two, three)
    assert_breaks(three, two, "v: no longer accepts type 'boolean'")


def test_boolean_schemas_are_understood() -> None:
    assert_compatible(obj(v=False), obj(v=STR))
    assert_breaks(obj(v=True), obj(v=False), "v: no longer accepts any value")
    assert_breaks(obj(v={"type": "array", "items": True}),
                  obj(v={"type": "array", "items": INT}), "v[]: type restricted")  # fmt: skip


def test_changes_to_a_real_event_are_judged() -> None:
    from msa_contracts.events import CaseAssigned

    old = event_schema(CaseAssigned)
    new = event_schema(CaseAssigned)
    new["properties"]["household_size"] = {"type": "integer", "minimum": 2}
    new["$defs"]["Region"]["enum"] = ["nord", "west", "mitte"]
    del new["properties"]["languages"]
    new["required"].remove("languages")
    assert breaking_changes(old, new) == [
        "region: enum values removed (['sued'])",
        "household_size: minimum tightened (1 -> 2)",
        "property removed: languages",
    ]
