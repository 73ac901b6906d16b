"""A slow, obvious, whole-document reference for the scanner: one character at a time, following
the states of the WHATWG tokenizer that matter for placement points. The property tests compare
the streaming scanner with it; it shares no code with the scanner.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

RAW = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"}
WS = "\t\n\f\r "


@dataclass
class Points:
    """Positions (in characters of the latin-1 decoded document) of each placement point."""

    body_start: int | None = None
    body_end: int | None = None
    article_start: int | None = None
    elements: dict[str, int] = field(default_factory=dict)  # first element with each id
    markers: dict[str, int] = field(default_factory=dict)  # after the first marker comment of each name
    html_lang: str | None = None
    ends_in_data: bool = True

    def spot(self, kind: str, target: str | None = None) -> int | None:
        """The point of a placement, by the name the rules use (``"start-of-body"``, ...)."""
        if kind == "start-of-body":
            return self.body_start
        if kind == "end-of-body":
            return self.body_end
        if kind == "start-of-article":
            return self.article_start
        if kind == "element":
            return self.elements.get(target or "")
        return self.markers.get((target or "").lower())


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
    attr_name = value = ""
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


def _attr(attrs: list[tuple[str, str]], name: str) -> str | None:
    for key, value in attrs:
        if key == name:
            return value
    return None


def points(document: bytes) -> Points:
    doc = document.decode("latin-1")
    found = Points()
    n = len(doc)
    i = 0
    seen_html = False
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
                found.ends_in_data = False
                return found
            end = j + (3 if doc.startswith("-->", j) else 4)
            content = doc[i + 4 : j].strip(WS)
            if content.lower().startswith("geonotice"):
                after = content[len("geonotice") :].lstrip(WS)
                if after.startswith(":"):
                    name = after[1:].strip(WS)
                    if name and not any(c in WS for c in name):
                        found.markers.setdefault(name.lower(), end)
            i = end
        elif rest == "<![cdata[":
            j = doc.find("]]>", i + 9)
            if j < 0:
                found.ends_in_data = False
                return found
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
                found.ends_in_data = False
                return found
            i = j + 1
        elif rest.startswith("</") and len(rest) > 2 and rest[2].isalpha():
            if rest[2:6] == "body" and i + 6 < n and doc[i + 6] in WS + "/>" and found.body_end is None:
                found.body_end = i
            tag = _tag(doc, i)
            if tag is None:
                return found
            i = tag[2]
        elif len(rest) > 1 and rest[1].isalpha():
            tag = _tag(doc, i)
            if tag is None:
                return found
            name, attrs, end = tag
            if name == "html" and not seen_html:
                lang = _attr(attrs, "lang")
                found.html_lang = lang.strip() or None if lang is not None else None
            if name in ("html", "body"):
                seen_html = True
            if name == "body" and found.body_start is None:
                found.body_start = end
            if name == "article" and found.article_start is None:
                found.article_start = end
            if name == "plaintext":
                found.ends_in_data = False
                return found
            element_id = _attr(attrs, "id")
            if name not in RAW and element_id is not None:
                found.elements.setdefault(element_id, end)
            i = end
            if name in RAW:
                j = i
                while True:
                    j = doc.lower().find("</" + name, j)
                    if j < 0:
                        found.ends_in_data = False
                        return found
                    if j + 2 + len(name) < n and doc[j + 2 + len(name)] in WS + "/>":
                        break
                    j += 1
                i = j
        else:
            i += 1
    return found
