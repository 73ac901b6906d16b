"""The problems the toolkit itself finds, in any format built on it: YAML that does not load
(``loader.py``) and keys and values that do not fit a field table (``walker.py``).

Their examples are written in the rules format, whose reference (``docs/rules.md``) documents
them; the policy-case reference points there. A format's own codes live in its own codes module.
"""

from __future__ import annotations

from geonotice.yamlcheck.problems import ProblemCode

_NOTICE = """\
version: 1
notices:
  - id: warning
    text: {en: <p>Read this.</p>}
"""

SYNTAX = ProblemCode(
    "syntax",
    "error",
    "The file is not valid YAML (or not UTF-8).",
    "version: 1\njurisdictions:\n  russia: {regions: [RU, UA-43}\n",
    "version: 1\njurisdictions:\n  russia: {regions: [RU, UA-43]}\n",
)
TOO_LARGE = ProblemCode(
    "too-large", "error", "The file is over the size limit (1 MB).", "(a 2 MB file)", "(a few kilobytes)"
)
TOO_DEEP = ProblemCode(
    "too-deep",
    "error",
    "Lists and mappings nest too deeply (more than 32 levels).",
    "version: 1\nnotices: " + "[" * 33 + "]" * 33 + "\n",
    "version: 1\nnotices: []\n",
)
YAML_ALIAS = ProblemCode(
    "yaml-alias",
    "error",
    "Anchors and aliases (`&x`, `*x`) are refused.",
    "version: 1\njurisdictions:\n  russia: {regions: &ru [RU]}\n  again: {regions: *ru}\n",
    "version: 1\njurisdictions:\n  russia: {regions: [RU]}\n  again: {regions: [RU]}\n",
)
YAML_TAG = ProblemCode(
    "yaml-tag",
    "error",
    "Tags (`!!str`, `!!python/...`) are refused.",
    "version: 1\njurisdictions:\n  norway: {regions: [!!str NO]}\n",
    'version: 1\njurisdictions:\n  norway: {regions: ["NO"]}\n',
)
DUPLICATE_KEY = ProblemCode(
    "duplicate-key",
    "error",
    "A key appears twice in one mapping; YAML would silently keep only the last.",
    _NOTICE.replace("{en: <p>Read this.</p>}", "{en: <p>Read this.</p>, en: <p>Or this.</p>}")
    + "    default language: en\n",
    _NOTICE.replace("{en: <p>Read this.</p>}", "{en: <p>Read this.</p>, ru: <p>Прочтите.</p>}")
    + "    default language: en\n",
)
INVALID_VALUE = ProblemCode(
    "invalid-value",
    "error",
    "A value has the shape of a date but is not one.",
    _NOTICE + "    default language: en\n    from: 2024-13-01\n",
    _NOTICE + "    default language: en\n    from: 2024-12-01\n",
)
LOADER_CODES = (SYNTAX, TOO_LARGE, TOO_DEEP, YAML_ALIAS, YAML_TAG, DUPLICATE_KEY, INVALID_VALUE)

UNKNOWN_KEY = ProblemCode(
    "unknown-key",
    "error",
    "A key the format does not have.",
    _NOTICE + "    default_language: en\n",
    _NOTICE + "    default language: en\n",
)
MISSING_KEY = ProblemCode(
    "missing-key", "error", "A required key is missing.", _NOTICE, _NOTICE + "    default language: en\n"
)
WRONG_TYPE = ProblemCode(
    "wrong-type",
    "error",
    "A value of the wrong kind (a list where text is expected...).",
    _NOTICE + "    default language: en\n    priority: high\n",
    _NOTICE + "    default language: en\n    priority: 10\n",
)
QUOTE_IT = ProblemCode(
    "quote-it",
    "error",
    "YAML read a code as something else (`NO` is false, `2024-01-01` a date): quote it.",
    "version: 1\njurisdictions:\n  norway: {regions: [NO]}\n",
    'version: 1\njurisdictions:\n  norway: {regions: ["NO"]}\n',
)
WALKER_CODES = (UNKNOWN_KEY, MISSING_KEY, WRONG_TYPE, QUOTE_IT)

CATALOGUE = (*LOADER_CODES, *WALKER_CODES)
