"""A slow, obvious, whole-document reference for the scanner: one character at a time, following
the states of the WHATWG tokenizer that matter for placement points, then each placement's rule
applied to the list of tokens. The property tests compare the streaming scanner with it; it
shares no code with the scanner (not even its selector parser).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

RAW = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"}
VOID = {"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input"}
VOID |= {"keygen", "link", "meta", "param", "source", "track", "wbr"}
WS = "\t\n\f\r "


@dataclass
class Token:
    """A start tag, end tag or comment outside ``<template>`` content, with its span."""

    kind: str  # "start", "end" or "comment"
    name: str  # lowercase tag name; "" for a comment
    start: int
    end: int
    attrs: list[tuple[str, str]] = field(default_factory=list)  # in order, duplicates kept
    text: str = ""  # a comment's text

    def attr(self, name: str) -> str | None:
        for key, value in self.attrs:
            if key == name:
                return value
        return None


@dataclass
class Page:
    tokens: list[Token]
    ends_in_data: bool = True  # False: the document ends inside a comment, raw text, template...
    cut: int | None = None  # where a tag cut off by the end of the document starts
    html_lang: str | None = None


def _tag(doc: str, i: int) -> tuple[str, list[tuple[str, str]], int] | None:
    """Reads the tag at ``doc[i] == "<"``: (lowercase name, attributes, index after ">")."""
    n = len(doc)
    j = i + 1
    if j < n and doc[j] == "/":
        j += 1
    name = ""
    while j < n and doc[j] not in WS + "/>":
        name += doc[j].lower()
        j += 1
    attrs: list[tuple[str, str]] = []
    state = "before-name"
    attr_name = value = quote = ""
    while j < n:
        c = doc[j]
        if state == "before-name":
            if c in WS or c == "/":
                pass
            elif c == ">":
                return name, attrs, j + 1
            else:
                attr_name, state = c.lower(), "name"
        elif state == "name":
            if c in WS or c == "/":
                attrs.append((attr_name, ""))
                state = "after-name" if c in WS else "before-name"
            elif c == "=":
                state = "before-value"
            elif c == ">":
                attrs.append((attr_name, ""))
                return name, attrs, j + 1
            else:
                attr_name += c.lower()
        elif state == "after-name":
            if c in WS:
                pass
            elif c == "/":
                state = "before-name"
            elif c == "=":
                state = "before-value"
            elif c == ">":
                return name, attrs, j + 1
            else:
                attr_name, state = c.lower(), "name"
        elif state == "before-value":
            if c in WS:
                pass
            elif c in "\"'":
                quote, value, state = c, "", "quoted"
            elif c == ">":
                attrs.append((attr_name, ""))
                return name, attrs, j + 1
            else:
                value, state = c, "unquoted"
        elif state == "quoted":
            if c == quote:
                attrs.append((attr_name, html.unescape(value)))
                state = "before-name"
            else:
                value += c
        elif state == "unquoted":
            if c in WS:
                attrs.append((attr_name, html.unescape(value)))
                state = "before-name"
            elif c == ">":
                attrs.append((attr_name, html.unescape(value)))
                return name, attrs, j + 1
            else:
                value += c
        j += 1
    return None


def tokenize(document: bytes) -> Page:
    """The tokens of ``document`` (decoded as latin-1, so offsets are bytes) outside templates."""
    doc = document.decode("latin-1")
    page = Page([])
    n = len(doc)
    i = 0
    depth = 0  # open <template> elements
    seen_html = False

    def ended(in_data: bool) -> Page:
        page.ends_in_data = in_data and depth == 0
        return page

    while i < n:
        if doc[i] != "<":
            i += 1
            continue
        rest = doc[i : i + 9].lower()
        if rest.startswith("<!--"):
            if doc[i + 4 : i + 5] == ">":
                i += 5
                continue
            if doc[i + 4 : i + 6] == "->":
                i += 6
                continue
            j = i + 4
            while j < n and not (doc.startswith("-->", j) or doc.startswith("--!>", j)):
                j += 1
            if j >= n:
                return ended(False)
            end = j + (3 if doc.startswith("-->", j) else 4)
            if depth == 0:
                page.tokens.append(Token("comment", "", i, end, text=doc[i + 4 : j]))
            i = end
        elif rest == "<![cdata[":
            j = doc.find("]]>", i + 9)
            if j < 0:
                return ended(False)
            i = j + 3
        elif (
            rest.startswith("<!")
            or rest.startswith("<?")
            or (rest.startswith("</") and len(rest) > 2 and not rest[2].isalpha())
        ):
            if rest.startswith("</>"):
                i += 3
                continue
            j = doc.find(">", i + 2)
            if j < 0:
                return ended(False)
            i = j + 1
        elif rest.startswith("</") and len(rest) > 2 and rest[2].isalpha():
            tag = _tag(doc, i)
            if tag is None:
                page.cut = i
                return ended(True)
            name, _, end = tag
            if name == "template":
                depth = max(0, depth - 1)
            elif depth == 0:
                page.tokens.append(Token("end", name, i, end))
            i = end
        elif len(rest) > 1 and rest[1].isalpha():
            tag = _tag(doc, i)
            if tag is None:
                page.cut = i
                return ended(True)
            name, attrs, end = tag
            if name == "template":
                depth += 1
            elif depth == 0:
                page.tokens.append(Token("start", name, i, end, attrs))
                if name == "html" and not seen_html:
                    lang = page.tokens[-1].attr("lang")
                    page.html_lang = lang.strip() or None if lang is not None else None
                if name in ("html", "body"):
                    seen_html = True
            if name == "plaintext":
                return ended(False)
            i = end
            if name in RAW:
                j = i
                while True:
                    j = doc.lower().find("</" + name, j)
                    if j < 0:
                        return ended(False)
                    if j + 2 + len(name) < n and doc[j + 2 + len(name)] in WS + "/>":
                        break
                    j += 1
                i = j
        else:
            i += 1
    return ended(True)


# -- selectors, read again here so that the scanner's parser is not what it is compared with --------

_COMPOUND = re.compile(r"(?P<tag>[A-Za-z][A-Za-z0-9-]*)?(?P<rest>(?:#[\w-]+|\.[\w-]+|\[[^\]]*\])*)", re.ASCII)
_PART = re.compile(
    r"#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)|\[\s*(?P<attr>[^=\s\]]+)\s*(?:=\s*(?P<value>[^\]]*?))?\s*\]"
)


def _compound(text: str) -> tuple[str | None, list[tuple[str, str, str | None]]]:
    """``(tag, tests)``: each test ``("id" | "class" | "attr", name or value, value)``."""
    found = _COMPOUND.fullmatch(text)
    assert found is not None, text
    tests: list[tuple[str, str, str | None]] = []
    for part in _PART.finditer(found.group("rest")):
        if part.group("id"):
            tests.append(("id", part.group("id"), None))
        elif part.group("cls"):
            tests.append(("class", part.group("cls"), None))
        else:
            value = part.group("value")
            if value is not None and value[:1] in "\"'" and value[-1:] == value[:1]:
                value = value[1:-1]
            tests.append(("attr", part.group("attr").lower(), value))
    tag = found.group("tag")
    return (tag.lower() if tag else None), tests


def _matches(token: Token, compound: tuple[str | None, list[tuple[str, str, str | None]]]) -> bool:
    tag, tests = compound
    if tag is not None and token.name != tag:
        return False
    for kind, name, value in tests:
        if kind == "id" and token.attr("id") != name:
            return False
        if kind == "class" and name not in re.split(f"[{WS}]+", token.attr("class") or ""):
            return False
        if kind == "attr":
            found = token.attr(name)
            if found is None or (value is not None and found != value):
                return False
    return True


def _split(selector: str) -> list[str]:
    """The steps of a selector: white space outside brackets separates them."""
    steps, depth, current = [], 0, ""
    for c in selector.strip():
        depth += c == "["
        depth -= c == "]"
        if c in WS and depth == 0:
            if current:
                steps.append(current)
            current = ""
        else:
            current += c
    return [*steps, current] if current else steps


def _closing(tokens: list[Token], i: int) -> int | None:
    """The index of the end tag that closes the start tag ``tokens[i]``, counting its name."""
    name, depth = tokens[i].name, 0
    for k in range(i + 1, len(tokens)):
        token = tokens[k]
        if token.name == name and token.kind in ("start", "end"):
            depth += 1 if token.kind == "start" else -1
            if depth < 0:
                return k
    return None


def _has_content(token: Token) -> bool:
    return token.name not in VOID and token.name not in RAW and token.name != "plaintext"


def selector_spot(page: Page, selector: str, position: str) -> int | None:
    """Where ``{selector, position}`` puts its fragment, by the rules of docs/rules.md."""
    tokens = page.tokens
    steps = _split(selector)
    target = _compound(steps[-1])
    inside: list[tuple[int, float]] = []  # the outermost elements matching the ancestor
    if len(steps) == 2:
        ancestor = _compound(steps[0])
        k = 0
        while k < len(tokens):
            token = tokens[k]
            if token.kind == "start" and _has_content(token) and _matches(token, ancestor):
                closing = _closing(tokens, k)
                inside.append((k, float("inf") if closing is None else closing))
                if closing is None:
                    break
                k = closing
            k += 1
    for j, token in enumerate(tokens):
        if token.kind != "start" or not _matches(token, target):
            continue
        if len(steps) == 2 and not any(a < j < b for a, b in inside):
            continue
        if position in ("prepend", "append") and (token.name in RAW or token.name == "plaintext"):
            continue
        if position == "before":
            return token.start
        if position == "prepend" or token.name in VOID:
            return token.end
        closing = _closing(tokens, j)
        if closing is None:
            return None
        return tokens[closing].start if position == "append" else tokens[closing].end
    return None


# -- placement points -------------------------------------------------------------------------------


def _marker(text: str) -> str | None:
    content = text.strip(WS)
    if not content.lower().startswith("geonotice"):
        return None
    after = content[len("geonotice") :].lstrip(WS)
    if not after.startswith(":"):
        return None
    name = after[1:].strip(WS)
    return name.lower() if name and not any(c in WS for c in name) else None


@dataclass
class Points:
    """A document's tokens, and the point of each placement by the name the rules use."""

    page: Page

    @property
    def html_lang(self) -> str | None:
        return self.page.html_lang

    @property
    def ends_in_data(self) -> bool:
        return self.page.ends_in_data

    @property
    def body_end(self) -> int | None:
        return self._first("end", "body", after=False)

    @property
    def body_start(self) -> int | None:
        return self.spot("start-of-body")

    @property
    def article_start(self) -> int | None:
        return self.spot("start-of-article")

    @property
    def elements(self) -> dict[str, int]:
        """The point of ``{element: ID}`` for every id in the page."""
        ids = {value for t in self.page.tokens if t.kind == "start" for key, value in t.attrs if key == "id"}
        found = {element: self.spot("element", element) for element in ids}
        return {element: spot for element, spot in found.items() if spot is not None}

    @property
    def markers(self) -> dict[str, int]:
        """The point of ``{marker: NAME}`` for every marker comment in the page, by lowercase name."""
        found: dict[str, int] = {}
        for token in self.page.tokens:
            name = _marker(token.text) if token.kind == "comment" else None
            if name is not None:
                found.setdefault(name, token.end)
        return found

    def _first(self, kind: str, name: str, *, after: bool) -> int | None:
        for token in self.page.tokens:
            if token.kind == kind and token.name == name:
                return token.end if after else token.start
        return None

    def spot(self, kind: str, target: str | None = None, position: str | None = None) -> int | None:
        """The point of a placement (``"start-of-body"``, ``"selector"`` with a position...), or
        ``None`` when the page has none."""
        if kind == "start-of-body":
            return selector_spot(self.page, "body", "prepend")
        if kind == "end-of-body":
            return self.body_end
        if kind == "start-of-article":
            return selector_spot(self.page, "article", "prepend")
        if kind == "end-of-article":
            return selector_spot(self.page, "article", "append")
        if kind == "after-headline":
            return self._first("end", "h1", after=True)
        if kind == "element":
            return selector_spot(self.page, f"[id={target}]", "prepend")
        if kind == "selector":
            assert target is not None and position is not None
            return selector_spot(self.page, target, position)
        wanted = (target or "").lower()
        return next(
            (t.end for t in self.page.tokens if t.kind == "comment" and _marker(t.text) == wanted), None
        )

    def landing(self, kind: str, target: str | None = None, position: str | None = None) -> int | None:
        """Where the fragment of a placement goes: its point, else the end of the body, else the
        end of the document (before a tag cut off there); ``None`` when nowhere (the document ended
        inside a comment, raw text, plaintext or a template)."""
        spot = self.spot(kind, target, position)
        body_end = self.body_end
        if spot is None or (body_end is not None and spot > body_end):
            spot = body_end
        if spot is not None:
            return spot
        if not self.page.ends_in_data:
            return None
        return self.page.cut if self.page.cut is not None else -1


def points(document: bytes) -> Points:
    return Points(tokenize(document))
