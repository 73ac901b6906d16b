"""Walking a marked YAML tree against field tables, collecting every problem on the way.

The walker never stops at the first problem: each key is checked against its table (unknown keys
get a "did you mean"), each required key is looked for, and each value is checked by its
``ValueType``. A value that fails is reported and replaced by ``INVALID``, which builders skip.

Messages carry cfgv-style breadcrumbs on one line: ``notice 'x': pages.paths[1]: ...``. An item of
a list or a named mapping gets a label (``notice 'x'``, ``case 'y'``) followed by ``: ``; keys
below it are joined with ``.``.
"""

from __future__ import annotations

from geonotice.yamlcheck import codes
from geonotice.yamlcheck.fields import INVALID, Field, Section, fields_by_key
from geonotice.yamlcheck.hints import choice_hint
from geonotice.yamlcheck.loader import Marked, MarkedMapping, MarkedScalar, MarkedSequence, describe
from geonotice.yamlcheck.problems import Positioned, Problem, ProblemCode
from geonotice.yamlcheck.syntax import colon_fix

MAPPING = "a mapping (key: value lines)"


def join(where: str, key: str, *, labelled: bool = False) -> str:
    """The breadcrumb of ``key`` inside ``where``: ``notice 'x': pages`` after a label, ``pages.paths``
    inside a key."""
    if not where:
        return key
    return f"{where}: {key}" if labelled else f"{where}.{key}"


class Walker:
    """Walks one file (``path``), appending its problems to ``problems``."""

    def __init__(self, path: str, problems: list[Problem] | None = None) -> None:
        self.path = path
        self.problems: list[Problem] = [] if problems is None else problems

    def report(self, at: Positioned, code: ProblemCode, message: str) -> None:
        self.problems.append(Problem.at(self.path, at, code, message))

    # -- structure ---------------------------------------------------------------------------------

    def root(self, node: Marked, what: str) -> MarkedMapping | None:
        """The file's top mapping; anything else is reported as ``{what}, not <what it is>``."""
        if isinstance(node, MarkedMapping):
            return node
        self.report(node, codes.WRONG_TYPE, f"{what}, not {describe(node)}")
        return None

    def keys(self, node: MarkedMapping, fields: tuple[Field, ...], where: str) -> None:
        """Report the keys of ``node`` that ``fields`` lack and the required fields it lacks."""
        known = fields_by_key(fields)
        prefix = f"{where}: " if where else ""
        for key, _ in node.entries:
            if key.name not in known:
                hint = choice_hint(key.name, known)
                self.report(key, codes.UNKNOWN_KEY, f"{prefix}unknown key {key.name!r}{hint}")
        for spec in fields:
            if spec.required and node.get(spec.key) is None:
                self.report(node, codes.MISSING_KEY, f"{prefix}missing key {spec.key!r}: {spec.missing_hint}")

    def section(
        self,
        node: MarkedMapping,
        fields: tuple[Field, ...],
        where: str,
        *,
        labelled: bool = False,
        index: int | None = None,
    ) -> Section:
        """Check a mapping's keys against ``fields`` and each value by its type.

        ``labelled`` says ``where`` names an item (``case 'x'``) rather than a key path.
        """
        before = len(self.problems)
        result = Section(self.path, node, where, index)
        self.keys(node, fields, where)
        known = fields_by_key(fields)
        for key, value in node.entries:
            spec = known.get(key.name)
            if spec is None:
                continue
            if isinstance(value, MarkedScalar) and value.broken:
                result.values[key.name] = INVALID  # the loader said what is wrong with it
                continue
            here = join(where, key.name, labelled=labelled)
            result.values[key.name] = spec.type.check(self, value, here)
        result.clean = len(self.problems) == before
        return result

    def mapping(
        self,
        node: Marked,
        where: str,
        *,
        what: str = MAPPING,
        none_ok: bool = False,
        keys_needed: bool = False,
    ) -> MarkedMapping | None:
        """``node`` as a mapping, or ``None`` after reporting it is not one.

        With ``none_ok`` an empty value stands for an empty mapping; with ``keys_needed`` an
        empty mapping is reported too.
        """
        if none_ok and isinstance(node, MarkedScalar) and node.value is None:
            return MarkedMapping((), node.line, node.column)
        if isinstance(node, MarkedMapping) and (node.entries or not keys_needed):
            return node
        self.report(
            node, codes.WRONG_TYPE, f"{where}: expected {what}, got {describe(node)}{_colon_hint(node)}"
        )
        return None

    def sequence(self, node: Marked, where: str) -> tuple[Marked, ...]:
        """A list; one value stands for a list of one, and an empty value for an empty list."""
        if isinstance(node, MarkedSequence):
            return node.items
        if isinstance(node, MarkedScalar):
            return () if node.value is None else (node,)
        self.report(node, codes.WRONG_TYPE, f"{where}: expected a list, got {describe(node)}")
        return ()

    def string(self, node: Marked, where: str, what: str) -> str | None:
        """A text value; what YAML turned into a boolean, number or date is reported with "quote it"."""
        if isinstance(node, MarkedScalar):
            if node.broken:
                return None  # already reported by the loader
            if isinstance(node.value, str):
                return node.value
            if node.value is None:
                self.report(node, codes.WRONG_TYPE, f"{where}: no value given; expected {what}")
                return None
            self.report(
                node,
                codes.QUOTE_IT,
                f"{where}: YAML read {node.text} as {describe(node).split(' (')[0]}; "
                f'write it in quotes ("{node.text}") if you mean the text',
            )
            return None
        self.report(node, codes.WRONG_TYPE, f"{where}: expected {what}, got {describe(node)}")
        return None


def _colon_hint(node: Marked) -> str:
    """What to type when a key was written without its colon (``russia`` for ``russia:``)."""
    if not isinstance(node, MarkedScalar) or node.quoted or not isinstance(node.value, str):
        return ""
    fix = colon_fix(node.value.strip())
    return f"; if {node.value.strip()!r} is a key, write it with a colon: '{fix}'" if fix else ""
