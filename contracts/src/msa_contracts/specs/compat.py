"""Backward-incompatible changes between two JSON Schemas of the same published event version.

Compatible means: every body the old schema accepted is still accepted by the new one, so
stored events replay and old producers keep working. Removing a property, requiring a new
one, changing ``type``/``format``/``pattern``/``const``, removing enum values, refusing extra
properties or narrowing a ``min*``/``max*`` bound breaks; adding an optional property or an
enum value, or loosening a constraint, does not. Local ``$ref``s are followed, so nested
objects and ``$defs`` are compared where they are used; each ``anyOf``/``oneOf`` variant of
the old schema must be accepted by a variant of the new one. Annotations are ignored.
"""

from __future__ import annotations

from typing import Any

from msa_contracts.specs.schemanav import NOTHING, Schema, as_schema, resolve, types, variants

EXACT = ("format", "pattern", "const", "multipleOf", "contentEncoding", "contentMediaType")
LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "none"})()


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """Human-readable descriptions of the changes from ``old`` to ``new`` that break readers."""
    return list(dict.fromkeys(_Diff(old, new, set()).compare(old, new, "")))


class _Diff:
    def __init__(self, old_root: Schema, new_root: Schema, seen: set[tuple[str, str]]) -> None:
        self.old_root, self.new_root, self.seen = old_root, new_root, seen

    def compare(self, old: Any, new: Any, path: str) -> list[str]:
        (old, old_ref), (new, new_ref) = resolve(old, self.old_root), resolve(new, self.new_root)
        if old_ref and new_ref:  # each pair of definitions once: ends recursion, no repeats
            if (old_ref, new_ref) in self.seen:
                return []
            self.seen.add((old_ref, new_ref))
        if old == NOTHING:
            return []
        if new == NOTHING:
            return [f"{_where(path)}: no longer accepts any value"]
        olds, news = variants(old, self.old_root), variants(new, self.new_root)
        if len(olds) > 1 or len(news) > 1:
            return self._matchvariants(olds, news, path)
        return _keywords(old, new, _where(path)) + self._children(old, new, path)

    def _matchvariants(self, olds: list[Schema], news: list[Schema], path: str) -> list[str]:
        """Each old variant must be accepted by a new one; else explain the closest miss."""
        out: list[str] = []
        for old in olds:
            trials = [_Diff(self.old_root, self.new_root, set(self.seen)).compare(old, new, path)
                      for new in news]  # fmt: skip
            if all(trials):
                kinds = zip(trials, news, strict=True)
                alike = [t for t, new in kinds if types(new) == types(old)]
                if len(alike) == 1 or len(news) == 1:
                    out += alike[0] if alike else trials[0]
                else:
                    out.append(f"{_where(path)}: no longer accepts {_describe(old)}")
        return out

    def _children(self, old: Schema, new: Schema, path: str) -> list[str]:
        out: list[str] = []
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        for name, schema in old_props.items():
            if name in new_props:
                out += self.compare(schema, new_props[name], _join(path, name))
            else:
                out.append(f"property removed: {_join(path, name)}")
        for name in new.get("required", []):
            if name not in old.get("required", []):
                what = "property became required" if name in old_props else "new required property"
                out.append(f"{what}: {_join(path, name)}")
        old_extra = as_schema(old.get("additionalProperties", True))
        new_extra = as_schema(new.get("additionalProperties", True))
        if new_extra == NOTHING and old_extra != NOTHING:
            out.append(f"{_where(path)}: additionalProperties tightened (extra properties refused)")
        elif old_extra != NOTHING and "additionalProperties" in new:
            out += self.compare(old_extra, new_extra, _join(path, "*"))
        old_patterns = old.get("patternProperties", {})
        for pattern, schema in new.get("patternProperties", {}).items():
            if pattern in old_patterns:
                out += self.compare(old_patterns[pattern], schema, _join(path, f"/{pattern}/"))
            else:
                out.append(f"{_where(path)}: patternProperties added ({pattern!r})")
        if "propertyNames" in new:
            out += self.compare(old.get("propertyNames", {}), new["propertyNames"], path + "{}")
        if "items" in old or "items" in new:
            out += self.compare(old.get("items", True), new.get("items", True), path + "[]")
        return out


def _keywords(old: Schema, new: Schema, where: str) -> list[str]:
    """Changes of the keywords that constrain this node's own value."""
    out: list[str] = []
    old_types, new_types = types(old), types(new)
    if new_types is not None and old_types is None:
        out.append(f"{where}: type restricted to {_fmt(new_types)}")
    elif new_types is not None and old_types is not None:
        widened = new_types + (["integer"] if "number" in new_types else [])
        if any(t not in widened for t in old_types):
            out.append(f"{where}: type changed ({_fmt(old_types)} -> {_fmt(new_types)})")
    for key in EXACT:
        before = old.get(key, MISSING)
        if key in new and before != new[key]:
            out.append(f"{where}: {key} changed ({_fmt(before)} -> {_fmt(new[key])})")
    if "enum" in new and "enum" not in old:
        out.append(f"{where}: enum added ({_fmt(new['enum'])})")
    elif "enum" in new and (removed := [v for v in old["enum"] if v not in new["enum"]]):
        out.append(f"{where}: enum values removed ({_fmt(removed)})")
    for key in (k for k in LOWER + UPPER if k in new):
        before = old.get(key, MISSING)
        if before is MISSING or (new[key] > before if key in LOWER else new[key] < before):
            out.append(f"{where}: {key} tightened ({_fmt(before)} -> {new[key]})")
    if new.get("uniqueItems") is True and old.get("uniqueItems") is not True:
        out.append(f"{where}: uniqueItems added")
    return out


def _describe(node: Schema) -> str:
    if "const" in node:
        return f"the value {_fmt(node['const'])}"
    return f"type {_fmt(node['type'])}" if "type" in node else f"the variant {_fmt(node)}"


def _fmt(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return "null" if value is None else repr(value)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _where(path: str) -> str:
    return path or "(root)"
