"""A toolkit for checking YAML that people, not programs, write: the rules and the policy cases.

It knows nothing of either format. A format is declared as data and checked by the same parts:

- ``loader.load_marked``: a defensive, size-limited safe loader whose every value knows its line
  and column; duplicate keys, tags and aliases become problems.
- ``problems``: ``Problem`` (a located finding) and ``ProblemCode`` (a kind of finding, with its
  level, a summary and a FAIL and a PASS example), and the text, JSON and GitHub formatters.
- ``fields``: ``Field`` (a key) and ``ValueType`` (a kind of value: its check and its JSON Schema).
- ``walker.Walker``: walks a marked tree against field tables, reporting every problem at once.
- ``values``: the kinds of value every format needs; ``hints``: "did you mean".
- ``reference``: the reference tables and problem list of a format's documentation.

How to extend a format (each is one place; docs, JSON Schema and tests follow):

- **a key**: a ``Field`` row in the format's table (``rules/schema.py``, ``policy/case_format.py``),
  then read it where the format builds its values (``section.get("key")``);
- **a kind of value**: a ``ValueType`` (check function + JSON Schema fragment) next to the tables
  that use it (``rules/values.py``, ``policy/case_values.py``), or in ``values.py`` if any format
  could use it;
- **a problem code**: a ``ProblemCode`` with FAIL and PASS examples in the codes module of the part
  that raises it (``codes.py`` here, ``rules/codes.py``, ``policy/case_codes.py``), listed in that
  module's ``CATALOGUE``; the docs test runs both examples and fails until they behave.
"""

from __future__ import annotations

from geonotice.yamlcheck.fields import INVALID, Field, Section, ValueType
from geonotice.yamlcheck.hints import choice_hint, did_you_mean
from geonotice.yamlcheck.loader import (
    Marked,
    MarkedKey,
    MarkedMapping,
    MarkedScalar,
    MarkedSequence,
    describe,
    load_marked,
    to_plain,
)
from geonotice.yamlcheck.problems import (
    FORMATS,
    Level,
    Positioned,
    Problem,
    ProblemCode,
    errors_in,
    format_problems,
    has_errors,
    summary,
)
from geonotice.yamlcheck.walker import Walker

__all__ = [
    "FORMATS",
    "INVALID",
    "Field",
    "Level",
    "Marked",
    "MarkedKey",
    "MarkedMapping",
    "MarkedScalar",
    "MarkedSequence",
    "Positioned",
    "Problem",
    "ProblemCode",
    "Section",
    "ValueType",
    "Walker",
    "choice_hint",
    "describe",
    "did_you_mean",
    "errors_in",
    "format_problems",
    "has_errors",
    "load_marked",
    "summary",
    "to_plain",
]
