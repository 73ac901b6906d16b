"""Path and host patterns, as lawyers write them in ``pages``: checked, then compiled to regexes.

Path patterns match the request path only (never the query string): ``*`` is any text within one
segment, ``**`` any text across segments, ``?`` one character within a segment, ``{en,ru}`` one
of the choices. A pattern that can never match a path is an error, not a silent no-op, because a
notice that silently reaches nobody is the failure lawyers fear most.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_QUERY = re.compile(r"\?[^/]*[=&]")
_HOST = re.compile(r"(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


def glob_problem(glob: str) -> str | None:
    """Why ``glob`` can never match a request path (or is malformed), or ``None`` if it can."""
    if not glob:
        return "an empty path pattern matches no page"
    if not glob.startswith("/"):
        return f"page paths start with '/' (did you mean {'/' + glob!r}?)"
    if "#" in glob:
        return "'#...' fragments stay in the browser and never reach the server"
    if _QUERY.search(glob):
        return "query strings ('?page=2') are not part of the path: match the path alone"
    if "//" in glob:
        return "request paths never contain '//'"
    if glob != glob.strip():
        return "the pattern starts or ends with a space"
    depth = 0
    for char in glob:
        if char == "{":
            depth += 1
            if depth > 1:
                return "choices '{...}' cannot be nested"
        elif char == "}":
            depth -= 1
            if depth < 0:
                return "'}' without a matching '{'"
    if depth:
        return "'{' without a matching '}'"
    return None


def _translate(glob: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(glob):
        char = glob[i]
        if glob.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "{":
            end = glob.index("}", i)
            choices = glob[i + 1 : end].split(",")
            out.append("(?:" + "|".join(_translate(choice) for choice in choices) + ")")
            i = end + 1
            continue
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def compile_globs(globs: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching any of ``globs`` in full (``None`` for no globs).

    Raises:
        ValueError: a glob is malformed (``glob_problem`` says why); validated rules never are.
    """
    parts = []
    for glob in globs:
        problem = glob_problem(glob)
        if problem is not None:
            raise ValueError(f"{glob!r}: {problem}")
        parts.append(_translate(glob))
    if not parts:
        return None
    return re.compile("|".join(f"(?:{part})" for part in parts), re.DOTALL)


def host_problem(host: str) -> str | None:
    """Why ``host`` is not a host pattern (``news.example``, ``*.example``), or ``None``."""
    if _HOST.fullmatch(host.lower()):
        return None
    if "://" in host or "/" in host:
        return f"write the host name only, such as 'news.example', not {host!r}"
    if ":" in host:
        return "write the host name without a port"
    return f"not a host name: {host!r}"


def normalize_host(host: str) -> str:
    """A request's host as host patterns are matched against it: lower case, without port or
    trailing dot (``News.Example.:8443`` is ``news.example``); an IPv6 literal keeps its brackets."""
    host = host.strip().lower()
    if host.startswith("["):  # [2001:db8::1]:8443
        return host[: host.find("]") + 1] if "]" in host else host
    return host.partition(":")[0].rstrip(".")


def compile_hosts(hosts: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching a lower-case host name (without port) against any pattern; ``*.`` is any
    subdomain, at any depth, but not the bare domain."""
    parts = []
    for host in hosts:
        host = host.lower()
        if host.startswith("*."):
            parts.append(r"(?:[^.]+\.)+" + re.escape(host[2:]))
        else:
            parts.append(re.escape(host))
    if not parts:
        return None
    return re.compile("|".join(parts))


def _expanded(glob: str) -> list[str]:
    """``glob`` with its choices written out: ``/{en,ru}/a`` is ``/en/a`` and ``/ru/a``."""
    start = glob.find("{")
    if start < 0:
        return [glob]
    end = glob.index("}", start)
    return [
        expanded
        for choice in glob[start + 1 : end].split(",")
        for expanded in _expanded(glob[:start] + choice + glob[end + 1 :])
    ]


def _tokens(glob: str) -> list[str]:
    return re.findall(r"\*\*|.", glob, re.DOTALL)


def _after(tokens: list[str], prefix: str) -> set[int]:
    """Where in ``tokens`` a match can be once ``prefix`` is read (empty: no match starts so)."""

    def closure(positions: set[int]) -> set[int]:
        pending, seen = list(positions), set(positions)
        while pending:
            position = pending.pop()
            if position < len(tokens) and tokens[position] in ("*", "**") and position + 1 not in seen:
                seen.add(position + 1)
                pending.append(position + 1)
        return seen

    states = closure({0})
    for char in prefix:
        following = set()
        for position in states:
            if position == len(tokens):
                continue
            token = tokens[position]
            if token == "**" or (token == "*" and char != "/"):
                following.add(position)
            elif (token == "?" and char != "/") or token == char:
                following.add(position + 1)
        states = closure(following)
        if not states:
            break
    return states


def covers_pages_under(globs: Iterable[str], excepted: Iterable[str], prefix: str) -> bool:
    """Whether some page under ``prefix`` (``/uk/``) matches one of ``globs`` without all of
    them being excepted: whether a notice with these ``pages`` reaches that part of the site."""
    reaches = any(_after(_tokens(g), prefix) for glob in globs for g in _expanded(glob))
    if not reaches:
        return False
    for glob in excepted:
        for pattern in _expanded(glob):
            tokens = _tokens(pattern)
            # An except that matches whatever follows the prefix leaves nothing under it.
            if any(all(token == "**" for token in tokens[p:]) for p in _after(tokens, prefix)):
                return False
    return True
