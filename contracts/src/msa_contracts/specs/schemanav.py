"""Navigating JSON Schemas: local ``$ref``s, boolean schemas, variants and types."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]
NOTHING: Schema = {"not": {}}


def resolve(node: Any, root: Schema) -> tuple[Schema, str | None]:
    """Follow local ``$ref``s (keeping their siblings) and unwrap a one-element ``allOf``."""
    node, ref = as_schema(node), None
    while isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        ref, target = node["$ref"], root
        try:
            for part in ref[1:].split("/")[1:]:
                target = target[part.replace("~1", "/").replace("~0", "~")]
        except (KeyError, IndexError, TypeError) as exc:
            raise ValueError(f"unresolvable $ref {ref!r}") from exc
        node = as_schema(target) | {k: v for k, v in node.items() if k != "$ref"}
    if len(node.get("allOf", [])) == 1:
        inner, inner_ref = resolve(node["allOf"][0], root)
        return inner | {k: v for k, v in node.items() if k != "allOf"}, ref or inner_ref
    return node, ref


def as_schema(node: Any) -> Schema:
    """Boolean schemas as objects: ``true`` accepts anything, ``false`` nothing."""
    return {} if node is True else dict(NOTHING) if node is False else dict(node)


def variants(node: Schema, root: Schema) -> list[Schema]:
    """The alternatives of an ``anyOf``/``oneOf`` node (resolved), else the node itself."""
    key = "anyOf" if "anyOf" in node else "oneOf" if "oneOf" in node else None
    return [resolve(v, root)[0] for v in node[key]] if key else [node]


def types(node: Schema) -> list[str] | None:
    """The JSON types a node allows (implied by ``const``/``enum`` too), or None for any."""
    if "type" in node:
        return [node["type"]] if isinstance(node["type"], str) else list(node["type"])
    values = [node["const"]] if "const" in node else node.get("enum")
    return None if values is None else list(dict.fromkeys(json_type(v) for v in values))


def json_type(value: Any) -> str:
    """The JSON type name of a Python value decoded from JSON."""
    kinds = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"),
             (list, "array"), (dict, "object"))  # fmt: skip
    return next((name for kind, name in kinds if isinstance(value, kind)), "null")
