"""A validator for the part of JSON Schema that ``geonotice schema`` uses, so tests can check that
the schemas editors get accept the shipped files (no JSON Schema library is a dependency)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from geonotice.yamlcheck import load_marked, to_plain


def as_editors_see(text: str) -> Any:
    """The YAML as plain data, dates as the text they were written as (editors read them so)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value.isoformat() if isinstance(value, dt.date) else value

    root, problems = load_marked(text, "f.yaml")
    assert problems == []
    return plain(to_plain(root))


_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
}


def errors(schema: dict[str, Any], value: Any, where: str = "$") -> list[str]:
    """What in ``value`` the schema refuses, one line per refusal (empty when it is valid)."""
    found: list[str] = []
    if "anyOf" in schema and all(errors(option, value, where) for option in schema["anyOf"]):
        found.append(f"{where}: matches none of anyOf")
    if "oneOf" in schema and sum(not errors(option, value, where) for option in schema["oneOf"]) != 1:
        found.append(f"{where}: matches not exactly one of oneOf")
    if "const" in schema and value != schema["const"]:
        found.append(f"{where}: is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in {schema['enum']}")
    kinds = schema.get("type")
    if kinds is not None:
        allowed = tuple(_TYPES[kind] for kind in ([kinds] if isinstance(kinds, str) else kinds))
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            return [*found, f"{where}: is not {kinds}"]
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        found.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        found.append(f"{where}: too short")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found.append(f"{where}: too few items")
        for index, item in enumerate(value):
            found += errors(schema.get("items", {}), item, f"{where}[{index}]")
    if isinstance(value, dict):
        if len(value) < schema.get("minProperties", 0):
            found.append(f"{where}: too few keys")
        found += [f"{where}: missing {key!r}" for key in schema.get("required", []) if key not in value]
        properties = schema.get("properties", {})
        for key, item in value.items():
            found += errors(schema.get("propertyNames", {}), key, f"{where} key {key!r}")
            if key in properties:
                found += errors(properties[key], item, f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{where}: unknown key {key!r}")
            elif isinstance(schema.get("additionalProperties"), dict):
                found += errors(schema["additionalProperties"], item, f"{where}.{key}")
    return found
