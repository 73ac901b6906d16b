"""YAML syntax errors in plain words, at the place to fix, saying what to type instead.

PyYAML reports what its parser expected (``expected <block end>, but found '<block mapping
start>'``), often on the line *after* the mistake. People who write rules made one of a handful of
mistakes; each diagnosis below recognises one from the error and the text around it, and says where
it is and what to type. ``plain_syntax_error`` tries them in order and falls back to PyYAML's own
words only for what none of them recognises.

``unusual_spaces`` finds the one mistake that is not a syntax error to YAML: indentation made of
non-breaking spaces (pasted from a web page or a word processor), which YAML takes as part of a key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

import yaml

__all__ = ["Diagnosis", "colon_fix", "plain_syntax_error", "unusual_spaces"]

_CURLY_QUOTES = "“”„‟‘’‚‛"
_UNUSUAL_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]")
_KEY = re.compile(r"^(\s*)(- +)?([^\s#:'\"\[{][^:#]*?):(\s|$)")


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """What is wrong, in words, and where (1-based)."""

    line: int
    column: int
    message: str


@dataclass(frozen=True, slots=True)
class _Error:
    """A PyYAML error as the diagnoses read it: 1-based places, the text's lines."""

    lines: list[str]
    problem: str
    context: str
    line: int
    column: int
    context_line: int | None
    context_column: int | None
    keys: Collection[str]

    def text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _meaningful(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and not stripped.startswith("#")


def _previous(error: _Error, line: int) -> int | None:
    """The nearest line before ``line`` that is not blank or a comment."""
    for number in range(line - 1, 0, -1):
        if _meaningful(error.text(number)):
            return number
    return None


def _quote(text: str) -> str:
    """``text`` as a YAML quoted value: double quotes, or single ones when it holds double quotes."""
    if '"' not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "''") + "'"


def colon_fix(content: str, keys: Collection[str] = ()) -> str | None:
    """``content`` (a line without its indentation) with the colon its key lacks, if that can be
    told: before a bracket or quote, after a known key, or after a single word."""
    for key in sorted(keys, key=len, reverse=True):
        if content.startswith(key + " ") or content == key:
            return f"{key}: {content[len(key) :].strip()}".rstrip()
    opening = re.search(r"\s*[\[{\"']", content)
    if opening and opening.start() > 0:
        return f"{content[: opening.start()]}: {content[opening.end() - 1 :]}"
    if re.fullmatch(r"[\w-]+", content):
        return f"{content}:"
    return None


# -- the diagnoses, in the order they are tried -----------------------------------------------------------


def _tab(error: _Error) -> Diagnosis | None:
    if "'\\t'" not in error.problem:
        return None
    # A tab anywhere in an earlier line's indentation is the first thing to fix.
    for number in range(1, error.line + 1):
        text = error.text(number)
        indentation = text[: len(text) - len(text.lstrip(" \t"))]
        if "\t" in indentation:
            return Diagnosis(
                number,
                indentation.index("\t") + 1,
                "this line is indented with a tab; YAML indents with spaces only: "
                "replace the tab with spaces",
            )
    before = error.text(error.line)[: error.column - 1].rstrip("\t")
    if before.endswith(":"):
        key = before.strip().removeprefix("- ")
        return Diagnosis(
            error.line,
            error.column,
            f"a tab after '{key}'; YAML separates a key from its value with a space: "
            "replace the tab with a space",
        )
    return Diagnosis(
        error.line, error.column, "a tab here: YAML reads only spaces: replace the tab with a space"
    )


def _unusual_space(error: _Error) -> Diagnosis | None:
    for number in range(1, error.line + 1):
        found = unusual_spaces(error.text(number), number)
        if found is not None:
            return found
    return None


def _curly_quotes(error: _Error) -> Diagnosis | None:
    for number in dict.fromkeys(n for n in (error.context_line, error.line) if n is not None):
        text = error.text(number)
        # A curly quote where a value starts: it was meant to quote the value.
        match = re.search(rf"(?:^|[:\[{{,-]\s*)([{_CURLY_QUOTES}])", text)
        if match:
            mark = match.group(1)
            return Diagnosis(
                number,
                match.start(1) + 1,
                f"curly quotes ({mark}) are not quotes to YAML (a word processor typed them): "
                'type straight quotes (") instead',
            )
    return None


def _unclosed_quote(error: _Error) -> Diagnosis | None:
    if "quoted scalar" not in error.context or error.context_line is None:
        return None
    assert error.context_column is not None
    mark = error.text(error.context_line)[error.context_column - 1 : error.context_column] or '"'
    return Diagnosis(
        error.context_line,
        error.context_column,
        f"the quote ({mark}) that starts here is never closed: end the text with {mark}",
    )


def _open_brackets(error: _Error) -> list[tuple[str, int, int]]:
    """The brackets still open where the error is: ``(bracket, line, column)``, innermost last.
    Quoted texts and comments are skipped, as YAML skips them."""
    stack: list[tuple[str, int, int]] = []
    for number in range(1, error.line + 1):
        text = error.text(number)
        end = error.column - 1 if number == error.line else len(text)
        quote = ""
        for index, char in enumerate(text[:end]):
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"" and (index == 0 or text[index - 1] in " [{,:"):
                quote = char
            elif char == "#" and (index == 0 or text[index - 1] == " "):
                break
            elif char in "[{":
                stack.append((char, number, index + 1))
            elif char in "]}" and stack:
                stack.pop()
    return stack


def _unclosed_bracket(error: _Error) -> Diagnosis | None:
    if "flow" not in error.context or not error.problem.startswith("expected"):
        return None
    got = re.search(r"but got '(.)'$", error.problem)
    stack = _open_brackets(error)
    if got and got.group(1) in "]}" and stack:
        opening, line, _ = stack[-1]
        closing = "]" if opening == "[" else "}"
        if got.group(1) != closing:
            what = "list" if opening == "[" else "mapping"
            return Diagnosis(
                error.line,
                error.column,
                f"the {what} opened with '{opening}' on line {line} ends with '{got.group(1)}': "
                f"type '{closing}' instead",
            )
    if not stack:
        return None
    opening, line, column = stack[-1]
    closing = "]" if opening == "[" else "}"
    what = "the list" if opening == "[" else "it"
    return Diagnosis(
        line, column, f"the '{opening}' here is never closed: end {what} with '{closing}' on this line"
    )


def _colon_in_value(error: _Error) -> Diagnosis | None:
    if error.problem != "mapping values are not allowed here":
        return None
    text = error.text(error.line)
    key = _KEY.match(text)
    if key is None or key.end() > error.column - 1:
        return None
    value = text[key.end() :].strip()
    prefix = text[: key.end()].rstrip()
    return Diagnosis(
        error.line,
        key.end() + 1,
        f"the text after '{key.group(3).strip()}:' contains ': ', which YAML reads as the start of "
        f"another key: put the whole text in quotes: {prefix.strip()} {_quote(value)}",
    )


def _missing_colon(error: _Error) -> Diagnosis | None:
    if error.problem == "could not find expected ':'" and error.context_line is not None:
        number: int | None = error.context_line
    elif error.problem == "mapping values are not allowed here":
        # The line with the mistake runs on into this one, as one text, until a colon appears.
        number = _previous(error, error.line)
        while number is not None and _KEY.match(error.text(number)):
            number = None
    else:
        return None
    if number is None:
        return None
    text = error.text(number)
    content = text.strip().removeprefix("- ")
    fix = colon_fix(content, error.keys)
    column = text.index(content) + 1
    if fix is None:
        message = f"'{content}' has no colon: write a key and its value as 'key: value'"
    else:
        message = f"'{content}' has no colon after its key: write '{fix}'"
    return Diagnosis(number, column, message)


def _indented_under_a_value(error: _Error) -> Diagnosis | None:
    """A key indented under a key that already has its value: YAML reads it as more of that value."""
    if error.problem != "mapping values are not allowed here":
        return None
    above = _previous(error, error.line)
    if above is None:
        return None
    line_above = error.text(above)
    key = _KEY.match(line_above)
    spaces = _indent(error.text(error.line))
    if key is None or not line_above[key.end() :].strip():
        return None
    column = len(key.group(1)) + len(key.group(2) or "")
    if spaces <= column:
        return None
    name = key.group(3).strip()
    return Diagnosis(
        error.line,
        spaces + 1,
        f"this line is indented by {spaces} spaces, more than '{name}:' on line {above}, which already "
        f"has its value: indent it by {column}, like '{name}:'",
    )


def _text_after_quote(error: _Error) -> Diagnosis | None:
    if not error.problem.endswith("but found '<scalar>'"):
        return None
    text = error.text(error.line)
    key = _KEY.match(text)
    if key is None:
        return None
    value = text[key.end() :].strip()
    if not value or value[0] not in "\"'":
        return None
    prefix = text[: key.end()].strip()
    return Diagnosis(
        error.line,
        key.end() + 1,
        f"text goes on after the closing quote: put the whole text in quotes: {prefix} {_quote(value)}",
    )


def _indentation(error: _Error) -> Diagnosis | None:
    if not error.problem.startswith("expected <block end>, but found"):
        return None
    text = error.text(error.line)
    spaces = _indent(text)
    is_item = text.lstrip(" ").startswith("- ")
    # Where a line like this one may start: a list item where the list items above start, a key
    # where the keys it could belong with start (after a "- ", a key starts further right).
    levels: list[tuple[int, str, int]] = []
    number = _previous(error, error.line)
    while number is not None:
        candidate = error.text(number)
        dash = _indent(candidate)
        item = candidate[dash:].startswith("- ")
        column = dash if is_item else (dash + 2 if item else dash)
        if (item or not is_item) and (not levels or column < levels[-1][0]):
            levels.append((column, candidate.strip().split(":", 1)[0] + ":", number))
        number = _previous(error, number)
    if not levels:
        return None
    shown = levels[:1] if is_item else levels[:2]
    choices = " or ".join(f"{column} (like '{key}' on line {line})" for column, key, line in shown)
    what = "list item" if is_item else "line"
    return Diagnosis(
        error.line,
        spaces + 1,
        f"this {what} is indented by {spaces} space{'' if spaces == 1 else 's'}, which matches no line "
        f"above it: indent it by {choices}",
    )


def _list_on_key_line(error: _Error) -> Diagnosis | None:
    if error.problem != "sequence entries are not allowed here":
        return None
    text = error.text(error.line)
    key = _KEY.match(text)
    name = key.group(3).strip() if key else "the key"
    item = text[error.column - 1 :].strip().removeprefix("-").strip()
    return Diagnosis(
        error.line,
        error.column,
        f"a list item cannot follow '{name}:' on the same line: write {name}: [{item}] "
        "or put each '- item' on its own line below",
    )


def _cannot_start(error: _Error) -> Diagnosis | None:
    match = re.fullmatch(r"found character '(.+)' that cannot start any token", error.problem)
    if match is None:
        return None
    text = error.text(error.line)
    key = _KEY.match(text)
    value = text[error.column - 1 :].strip()
    fix = f": {key.group(3).strip()}: {_quote(value)}" if key else ""
    return Diagnosis(
        error.line,
        error.column,
        f"a value cannot start with '{match.group(1)}' in YAML: put it in quotes{fix}",
    )


def _second_document(error: _Error) -> Diagnosis | None:
    if "single document" not in error.context + error.problem:
        return None
    return Diagnosis(
        error.line,
        1,
        "'---' starts a second document, and a file holds one: delete this line (or the lines after it)",
    )


_DIAGNOSES: tuple[Callable[[_Error], Diagnosis | None], ...] = (
    _unusual_space,
    _tab,
    _curly_quotes,
    _unclosed_quote,
    _unclosed_bracket,
    _colon_in_value,
    _missing_colon,
    _indented_under_a_value,
    _text_after_quote,
    _list_on_key_line,
    _indentation,
    _cannot_start,
    _second_document,
)


def plain_syntax_error(text: str, error: yaml.MarkedYAMLError, keys: Collection[str] = ()) -> Diagnosis:
    """The syntax error ``error`` of ``text`` in plain words, at the place to fix.

    ``keys`` are the keys of the format, so a key missing its colon can be written out whole
    (``default language: en``).
    """
    mark, context = error.problem_mark, error.context_mark
    problem = error.problem or error.context or "invalid YAML"
    at = mark or context
    found = _Error(
        text.split("\n"),
        problem,
        error.context or "",
        at.line + 1 if at else 1,
        at.column + 1 if at else 1,
        context.line + 1 if context and mark else None,
        context.column + 1 if context and mark else None,
        keys,
    )
    for diagnose in _DIAGNOSES:
        diagnosis = diagnose(found)
        if diagnosis is not None:
            return diagnosis
    if error.context and problem.startswith("but "):
        problem = f"{error.context}, {problem}"  # "expected a single document..., but found another"
    return Diagnosis(found.line, found.column, f"syntax error: {problem}")


def unusual_spaces(text: str, line: int) -> Diagnosis | None:
    """The first non-breaking (or other unusual) space in the indentation of ``text``, line ``line``."""
    indentation = re.match(r"[\s\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]*", text)
    assert indentation is not None
    found = _UNUSUAL_SPACES.search(indentation.group())
    if found is None:
        return None
    return Diagnosis(
        line,
        found.start() + 1,
        "this line is indented with non-breaking spaces (pasted from a web page or a word "
        "processor), which YAML does not read as indentation: retype them as ordinary spaces",
    )
