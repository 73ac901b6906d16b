"""The HTML subset notice texts may use, the cleaning every served text goes through, and the
checks that name whatever falls outside the one or would be changed by the other.

Texts are checked, never silently cleaned: a lawyer who wrote ``<b>`` must learn that it will not
be bold, and one who forgot a ``</strong>`` that the rest of the notice would be, rather than find
out from a screenshot. ``served_html`` is the cleaning the injector applies (nh3, with the allowed
subset) before a text reaches readers, as a second line of defence; the checker compares a text
with what that cleaning makes of it, so what ``check`` accepts is served as written.
"""

from __future__ import annotations

import functools
from html.parser import HTMLParser

import nh3

from geonotice.rules import codes
from geonotice.rules.vocabulary import ALLOWED_TAGS, LINK_SCHEMES
from geonotice.yamlcheck.problems import ProblemCode

_VOID = frozenset({"br"})
_QUOTE_LENGTH = 30  # how much of the text before a tag a message quotes to show where it is
_SHOWN_LENGTH = 160  # how much of the served HTML a message shows around a change


@functools.lru_cache(maxsize=4096)
def served_html(text: str) -> str:
    """``text`` as readers get it: cleaned to the allowed subset (links get ``rel="noopener
    noreferrer"``), with its elements balanced the way browsers would balance them."""
    return nh3.clean(
        text,
        tags=set(ALLOWED_TAGS),
        attributes={"a": {"href"}},
        url_schemes=set(LINK_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


class _Walker(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.open: list[tuple[str, str]] = []  # open elements, each with the text before it
        self.unbalanced = False
        self._reported: set[str] = set()
        self._lines = text.split("\n")

    def _once(self, message: str) -> None:
        if message not in self._reported:
            self._reported.add(message)
            self.problems.append(message)

    def _before(self) -> str:
        """The text just before the current tag, to say where in a long text it is."""
        line, column = self.getpos()
        before = " ".join([*self._lines[: line - 1], self._lines[line - 1][:column]])
        words = " ".join(before.split())
        return words[-_QUOTE_LENGTH:] if len(words) <= _QUOTE_LENGTH else "…" + words[-_QUOTE_LENGTH:]

    def _unbalanced(self, message: str) -> None:
        self.unbalanced = True
        self._once(message)  # every such message starts with the tag it is about: see _code

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self._once(f"tag <{tag}> is not allowed (allowed: {', '.join(f'<{t}>' for t in ALLOWED_TAGS)})")
            return
        for name, value in attrs:
            if tag == "a" and name == "href":
                scheme = (value or "").strip().split(":", 1)[0].lower() if ":" in (value or "") else ""
                if scheme not in LINK_SCHEMES:
                    self._once(
                        f"link target {value!r} is not allowed: use an http://, https:// or mailto: address"
                    )
            else:
                self._once(f"attribute {name!r} on <{tag}> is not allowed")
        if tag == "a" and not any(name == "href" for name, _ in attrs):
            self._once("a link <a> needs an href")
        if tag in _VOID:
            return
        names = [name for name, _ in self.open]
        if tag == "p" and "p" in names:
            self._unbalanced(
                f"<p> (after '{self._before()}') starts a paragraph inside a paragraph that is still "
                "open: close the first with </p> before it"
            )
            del self.open[names.index("p") :]  # as browsers do: the new paragraph ends the open one
        self.open.append((tag, self._before()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID or tag not in ALLOWED_TAGS:
            self.handle_starttag(tag, attrs)
            return
        self.handle_starttag(tag, attrs)
        self._unbalanced(f"<{tag}/> is not a closing tag: write <{tag}>...</{tag}> around the text")

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            self._once(f"tag <{tag}> is not allowed (allowed: {', '.join(f'<{t}>' for t in ALLOWED_TAGS)})")
            return
        if tag in _VOID:
            self._unbalanced(f"</{tag}> (after '{self._before()}') is not a tag: write <{tag}>")
            return
        names = [name for name, _ in self.open]
        if tag not in names:
            self._unbalanced(f"</{tag}> (after '{self._before()}') closes nothing that is open: delete it")
            return
        inner = self.open[-1][0]
        if inner != tag:
            self._unbalanced(
                f"</{tag}> (after '{self._before()}') closes <{tag}> while <{inner}> inside it is "
                f"still open: close <{inner}> first, </{inner}></{tag}>"
            )
        del self.open[len(names) - 1 - names[::-1].index(tag) :]

    def handle_comment(self, data: str) -> None:
        self._once("HTML comments are not allowed")

    def handle_decl(self, decl: str) -> None:
        self._once(f"<!{decl}> is not allowed")

    def unknown_decl(self, data: str) -> None:
        self._once(f"<![{data}]> is not allowed")

    def handle_pi(self, data: str) -> None:
        self._once(f"<?{data}> is not allowed")

    def never_closed(self) -> None:
        for tag, before in self.open:
            where = f" (after '{before}')" if before else " (at the start)"
            self._unbalanced(
                f"<{tag}>{where} is never closed: add </{tag}> where it should end, or everything "
                "after it in the notice is part of it"
            )


def html_problems(text: str) -> list[tuple[ProblemCode, str]]:
    """What in ``text`` falls outside the allowed subset, is not balanced (every element closed,
    in order), or would be served otherwise than written, each with its code; one message per
    kind, empty if all is well. A message about the served text shows it."""
    walker = _Walker(text)
    walker.feed(text)
    walker.close()
    walker.never_closed()
    problems = [(_code(message), message) for message in walker.problems]
    if walker.unbalanced:
        # Once, with the first mistake: what the cleaning's repairs would serve instead.
        first = next(i for i, (code, _) in enumerate(problems) if code is codes.UNBALANCED_HTML)
        served = f"; as written, readers would get {_excerpt(served_html(text), 0)}"
        problems[first] = (codes.UNBALANCED_HTML, problems[first][1] + served)
    if problems:
        return problems
    change = _changed(text, served_html(text))
    return [] if change is None else [(codes.CHANGED_HTML, change)]


def _code(message: str) -> ProblemCode:
    return codes.UNBALANCED_HTML if message.startswith(("<", "</")) else codes.DISALLOWED_HTML


# -- what cleaning changes ------------------------------------------------------------------------------


class _Tokens(HTMLParser):
    """A text as the tags and words a reader gets: attribute order, quoting, character references
    and runs of white space do not count, nor the ``rel`` the cleaning adds to links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = sorted((name, value or "") for name, value in attrs if name != "rel")
        self.tokens.append(f"<{tag}{''.join(f' {n}={v!r}' for n, v in kept)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID:
            self.tokens.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        words = " ".join(data.split())
        if not words:
            return
        # The parser may hand one text over in pieces ("a", "< b"): a reader sees it whole.
        if self.tokens and not self.tokens[-1].startswith("<"):
            self.tokens[-1] += " " + words
        else:
            self.tokens.append(words)


def _tokens(html: str) -> list[str]:
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.tokens


def _changed(text: str, served: str) -> str | None:
    written, cleaned = _tokens(text), _tokens(served)
    if written == cleaned:
        return None
    first = next((i for i, (a, b) in enumerate(zip(written, cleaned, strict=False)) if a != b), None)
    index = min(len(written), len(cleaned)) if first is None else first
    # Roughly where the change is in the served HTML, to show the part that differs.
    near = len(served) * index // max(len(cleaned), 1)
    return (
        "readers would not get this text as written (the cleaning every notice goes through "
        f"changes it): it would be served as {_excerpt(served, near)}"
    )


def _excerpt(html: str, near: int) -> str:
    start = max(0, near - _SHOWN_LENGTH // 2)
    piece = html[start : start + _SHOWN_LENGTH]
    return repr(("…" if start else "") + piece + ("…" if start + _SHOWN_LENGTH < len(html) else ""))
