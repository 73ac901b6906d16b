"""Checking one YAML value against the type ``schema.py`` declares for its key.

The first pass of the validator: every key of a mapping against its fields (with "did you mean"),
then each value by its declared type. Checkers never stop at the first problem; a value that
fails is reported and replaced by ``INVALID``, which the builders skip. Text values are checked by
the rules of ``shapes.py``; the types with structure (dates, placements, texts) are methods here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from geonotice.rules import schema
from geonotice.rules.html import html_problems
from geonotice.rules.model import LanguageRule, Placement, PlacementKind
from geonotice.rules.problems import Level, Problem
from geonotice.rules.shapes import (
    LANGUAGE_TAG,
    LIST_RULES,
    SLUG,
    TEXT_RULES,
    ListRule,
    TextRule,
    as_moment,
    did_you_mean,
    join,
    language_problem,
)
from geonotice.rules.yamlsafe import Marked, MarkedMapping, MarkedScalar, MarkedSequence, Positioned, describe

_ELEMENT_ID = re.compile(schema.ELEMENT_ID_PATTERN)


class _Invalid:
    """A value that failed its check (and was reported); builders skip it."""


INVALID: Any = _Invalid()


@dataclass(slots=True)
class Section:
    """A checked mapping: parsed values by key, plus the node for positions."""

    path: str
    node: MarkedMapping
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key, default)
        return default if value is INVALID else value


class ValueChecker:
    """Checks mappings and values against ``schema`` fields, collecting problems in ``problems``."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._checkers: dict[str, Callable[[str, Marked, str], Any]] = {
            "integer": self._integer,
            "date": self._date,
            "moment": self._moment,
            "html-by-language": self._texts,
            "placement": self._placement,
            "prefix-languages": self._prefix_languages,
        }

    def report(self, path: str, at: Positioned, code: str, message: str, level: Level = "error") -> None:
        self.problems.append(Problem(path, at.line, at.column, level, message, code))

    # -- structure ---------------------------------------------------------------------------------

    def section(
        self, path: str, node: MarkedMapping, fields: tuple[schema.Field, ...], where: str
    ) -> Section:
        """Check a mapping's keys against ``fields`` and each value by its type."""
        result = Section(path, node)
        known = {f.key: f for f in fields}
        prefix = f"{where}: " if where else ""
        for key, value in node.entries:
            spec = known.get(key.name)
            if spec is None:
                hint = did_you_mean(key.name, known) or f" (expected one of: {', '.join(known)})"
                self.report(path, key, "unknown-key", f"{prefix}unknown key {key.name!r}{hint}")
                continue
            result.values[key.name] = self.value(path, spec, value, join(where, key.name))
        for spec in fields:
            if spec.required and spec.key not in result.values:
                self.report(path, node, "missing-key", f"{prefix}missing key {spec.key!r}: {spec.help}")
        return result

    def value(self, path: str, spec: schema.Field, node: Marked, where: str) -> Any:
        if spec.type == "section":
            if isinstance(node, MarkedScalar) and node.value is None:
                return Section(path, MarkedMapping((), node.line, node.column))
            mapping = self.mapping(path, node, where)
            return INVALID if mapping is None else self.section(path, mapping, spec.fields, where)
        if spec.type == "named-sections":
            mapping = self.mapping(path, node, where, allow_empty=True)
            if mapping is None:
                return INVALID
            named = []
            for key, value in mapping.entries:
                inner = self.mapping(path, value, f"{where} {key.name!r}", allow_empty=True)
                if inner is not None:
                    named.append((key, inner))
            return named
        if spec.type == "section-list":
            items = self.sequence(path, node, where)
            return [
                inner
                for index, item in enumerate(items)
                if (inner := self.mapping(path, item, f"{where}[{index}]")) is not None
            ]
        if spec.type in TEXT_RULES:
            return self.text(path, node, where, TEXT_RULES[spec.type])
        if spec.type in LIST_RULES:
            return self.texts(path, node, where, LIST_RULES[spec.type])
        return self._checkers[spec.type](path, node, where)

    def mapping(
        self, path: str, node: Marked, where: str, *, allow_empty: bool = False
    ) -> MarkedMapping | None:
        if isinstance(node, MarkedMapping):
            return node
        if allow_empty and isinstance(node, MarkedScalar) and node.value is None:
            return MarkedMapping((), node.line, node.column)
        self.report(
            path, node, "wrong-type", f"{where}: expected a mapping (key: value lines), got {describe(node)}"
        )
        return None

    def sequence(self, path: str, node: Marked, where: str) -> tuple[Marked, ...]:
        """A list; one value stands for a list of one, and an empty value for an empty list."""
        if isinstance(node, MarkedSequence):
            return node.items
        if isinstance(node, MarkedScalar):
            return () if node.value is None else (node,)
        self.report(path, node, "wrong-type", f"{where}: expected a list, got {describe(node)}")
        return ()

    def string(self, path: str, node: Marked, where: str, what: str) -> str | None:
        """A text value; what YAML turned into a boolean, number or date is reported with "quote it"."""
        if isinstance(node, MarkedScalar):
            if isinstance(node.value, str):
                return node.value
            if node.value is None:
                self.report(path, node, "wrong-type", f"{where}: no value given; expected {what}")
                return None
            self.report(
                path,
                node,
                "quote-it",
                f"{where}: YAML read {node.text} as {describe(node).split(' (')[0]}; "
                f'write it in quotes ("{node.text}") if you mean the text',
            )
            return None
        self.report(path, node, "wrong-type", f"{where}: expected {what}, got {describe(node)}")
        return None

    # -- value checkers, one per type in schema.py -------------------------------------------------

    def text(self, path: str, node: Marked, where: str, rule: TextRule) -> Any:
        text = self.string(path, node, where, rule.what)
        if text is None:
            return INVALID
        problem = rule.problem(text)
        if problem is not None:
            self.report(path, node, rule.code, f"{where}: {problem}")
            return INVALID
        return text

    def texts(self, path: str, node: Marked, where: str, rule: ListRule) -> list[Any]:
        kept = []
        for index, item in enumerate(self.sequence(path, node, where)):
            text = self.text(path, item, f"{where}[{index}]", rule.item)
            if text is not INVALID:
                kept.append(rule.keep(text, item, path))
        return kept

    def _integer(self, path: str, node: Marked, where: str) -> Any:
        if (
            isinstance(node, MarkedScalar)
            and isinstance(node.value, int)
            and not isinstance(node.value, bool)
        ):
            return node.value
        self.report(path, node, "wrong-type", f"{where}: expected a whole number, got {describe(node)}")
        return INVALID

    def _date(self, path: str, node: Marked, where: str) -> Any:
        if isinstance(node, MarkedScalar):
            if isinstance(node.value, dt.date) and not isinstance(node.value, dt.datetime):
                return node.value
            if isinstance(node.value, str):
                try:
                    return dt.date.fromisoformat(node.value.strip())
                except ValueError:
                    pass
        self.report(
            path, node, "invalid-date", f"{where}: expected a date like 2025-01-31, got {describe(node)}"
        )
        return INVALID

    def _moment(self, path: str, node: Marked, where: str) -> Any:
        value = as_moment(node.value) if isinstance(node, MarkedScalar) else None
        if isinstance(value, dt.datetime):
            offset = value.utcoffset()
            if offset is None or offset:
                written = node.text if isinstance(node, MarkedScalar) else ""
                fix = (
                    f"say the time is UTC by ending it in Z ({written}Z)"
                    if offset is None
                    else f"give the time in UTC, ending in Z, not with offset {offset}"
                )
                self.report(path, node, "invalid-date", f"{where}: {fix}")
                return INVALID
            return value.astimezone(dt.UTC)
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time(), dt.UTC)
        self.report(
            path,
            node,
            "invalid-date",
            f"{where}: expected a date (2025-01-31) or a UTC time (2025-01-31T12:00:00Z), "
            f"got {describe(node)}",
        )
        return INVALID

    def _texts(self, path: str, node: Marked, where: str) -> Any:
        mapping = self.mapping(path, node, where)
        if mapping is None:
            return INVALID
        texts: dict[str, str] = {}
        for key, value in mapping.entries:
            here = join(where, key.name)
            problem = language_problem(key.name)
            if problem is not None:
                self.report(path, key, "invalid-language", f"{here}: {problem}")
                continue
            text = self.string(path, value, here, "HTML text")
            if text is None:
                continue
            if not text.strip():
                self.report(path, value, "empty-text", f"{here}: the text is empty")
                continue
            for problem in html_problems(text):
                self.report(path, value, "disallowed-html", f"{here}: {problem}")
            texts[key.name] = text
        return texts

    def _placement(self, path: str, node: Marked, where: str) -> Any:
        choices = ", ".join(
            [*schema.SIMPLE_PLACEMENTS, *(f"{{{k}: ...}}" for k in schema.TARGETED_PLACEMENTS)]
        )
        if isinstance(node, MarkedScalar) and isinstance(node.value, str):
            if node.value in schema.SIMPLE_PLACEMENTS:
                return Placement(PlacementKind(node.value))
            hint = did_you_mean(node.value, [*schema.SIMPLE_PLACEMENTS, *schema.TARGETED_PLACEMENTS])
            self.report(
                path,
                node,
                "invalid-placement",
                f"{where}: unknown placement {node.value!r}{hint}; expected {choices}",
            )
            return INVALID
        if isinstance(node, MarkedMapping) and len(node.entries) == 1:
            key, value = node.entries[0]
            if key.name in schema.TARGETED_PLACEMENTS:
                here = join(where, key.name)
                target = self.string(path, value, here, "an element id or marker name")
                if target is None:
                    return INVALID
                pattern = _ELEMENT_ID if key.name == "element" else SLUG
                if not pattern.fullmatch(target):
                    what = (
                        "an element id" if key.name == "element" else "a marker name (lower-case words and -)"
                    )
                    self.report(path, value, "invalid-placement", f"{here}: {target!r} is not {what}")
                    return INVALID
                return Placement(PlacementKind(key.name), target)
        self.report(
            path, node, "invalid-placement", f"{where}: expected one of {choices}, got {describe(node)}"
        )
        return INVALID

    def _prefix_languages(self, path: str, node: Marked, where: str) -> Any:
        mapping = self.mapping(path, node, where, allow_empty=True)
        if mapping is None:
            return INVALID
        rules = []
        for key, value in mapping.entries:
            here = f"{where} {key.name!r}"
            if not key.name.startswith("/"):
                self.report(path, key, "dead-glob", f"{here}: a path prefix starts with '/' (like '/ru/')")
                continue
            language = self.text(path, value, here, LANGUAGE_TAG)
            if language is not INVALID:
                prefix = key.name if key.name.endswith("/") else key.name + "/"
                rules.append(LanguageRule(prefix, language))
        return rules
