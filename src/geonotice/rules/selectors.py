"""The selectors lawyers may write in a placement: a small, documented subset of CSS.

A selector names the element a notice is placed against, in words a lawyer and an engineer can
both read: a tag name (``article``), an id (``#story``), classes (``.byline``, ``div.article-body``),
attribute tests (``[data-section]``, ``[itemprop=articleBody]``), and at most one step "inside"
another element (``article p.byline``). Nothing else: no ``>``, ``+``, ``~``, ``*``, ``:first-child``
or lists, so that a selector says one thing and the first element in document order that matches
it is the one chosen.

``parse_selector`` turns the text into a ``Selector`` or raises ``SelectorError`` with a message
that names what is supported; ``Compound.matches`` tests one element. Both the rules checker and
the scanner use them, so what ``check`` accepts is exactly what the scanner understands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "NOT_SHOWN",
    "NO_CONTENT",
    "RAW_TEXT_ELEMENTS",
    "SUPPORTED",
    "VOID_ELEMENTS",
    "Compound",
    "Selector",
    "SelectorError",
    "parse_selector",
]

SUPPORTED = (
    "a tag (article), an #id, a .class, a tag with classes (div.article-body), an attribute test "
    "([data-section] or [itemprop=articleBody]), and one step inside another (article p.byline)"
)

# Elements with no end tag: nothing goes inside them (the parser's list, with its legacy names).
# fmt: off
VOID_ELEMENTS = frozenset({
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
})
# Elements whose content is text, not markup: a notice inside one would show as text, or not at all.
RAW_TEXT_ELEMENTS = frozenset({
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext",
})
# fmt: on
NO_CONTENT = VOID_ELEMENTS | RAW_TEXT_ELEMENTS
"""Elements a notice can never go inside (``prepend`` and ``append`` skip the latter)."""
NOT_SHOWN = {
    "html": "use start-of-body or end-of-body",
    "head": "the head of a page is not shown",
    "body": "use start-of-body or end-of-body",
    "title": "the title of a page is not shown in it",
    "meta": "it is in the head of the page, which is not shown",
    "link": "it is in the head of the page, which is not shown",
    "base": "it is in the head of the page, which is not shown",
    "template": "the content of a <template> is not shown",
}
"""Tags a selector may not name, each with the reason a lawyer reads (``html`` and ``body`` may be
the outer step: everything shown is inside them)."""

_WS = "\t\n\f\r "
_TAG = r"[A-Za-z][A-Za-z0-9-]*"
# A CSS identifier without escapes: it does not start with a digit, or with "-" and a digit.
_IDENT = r"(?:-?[A-Za-z_\u0080-\U0010ffff]|--)[A-Za-z0-9_\-\u0080-\U0010ffff]*"
_ATTR = r"[A-Za-z_:][A-Za-z0-9_:.\-]*"
_VALUE = rf"\"(?P<dq>[^\"\\]*)\"|'(?P<sq>[^'\\]*)'|(?P<bare>[^{_WS}\]\"'\\]+)"
_PART = re.compile(
    rf"(?P<id>#{_IDENT})|(?P<cls>\.{_IDENT})"
    rf"|\[[{_WS}]*(?P<attr>{_ATTR})[{_WS}]*(?:=[{_WS}]*(?:{_VALUE})[{_WS}]*)?\]"
)
_TAG_START = re.compile(_TAG)
_ASCII_WS = re.compile(f"[{_WS}]+")


class SelectorError(ValueError):
    """A selector outside the supported subset; the message says why and what is supported."""


@dataclass(frozen=True, slots=True)
class Compound:
    """One element test: an optional tag name, an optional id, classes and attribute tests.

    ``attributes`` holds ``(name, value)`` pairs, ``value`` ``None`` for a presence test. Tag and
    attribute names are lowercase, as the HTML tokenizer makes them; ids, classes and values are
    compared exactly.
    """

    tag: str | None = None
    id: str | None = None
    classes: tuple[str, ...] = ()
    attributes: tuple[tuple[str, str | None], ...] = ()

    @property
    def needs_attributes(self) -> bool:
        return bool(self.id is not None or self.classes or self.attributes)

    def matches(self, name: str, attributes: Mapping[str, str]) -> bool:
        """Whether the element ``name`` (lowercase) with these attributes (lowercase names,
        character references decoded, the first of duplicates) matches."""
        if self.tag is not None and self.tag != name:
            return False
        if self.id is not None and attributes.get("id") != self.id:
            return False
        if self.classes:
            present = _ASCII_WS.split(attributes.get("class", ""))
            if any(cls not in present for cls in self.classes):
                return False
        for attribute, value in self.attributes:
            found = attributes.get(attribute)
            if found is None or (value is not None and found != value):
                return False
        return True


@dataclass(frozen=True, slots=True)
class Selector:
    """``target``, inside an element matching ``ancestor`` when there is one; ``text`` as written."""

    text: str
    target: Compound
    ancestor: Compound | None = None


def parse_selector(text: str) -> Selector:
    """The selector ``text`` stands for.

    Raises:
        SelectorError: ``text`` is empty, outside the subset, or names a tag that is never shown.
    """
    written = text.strip(_WS)
    if not written:
        raise SelectorError(f"the selector is empty; write {SUPPORTED}")
    compounds: list[Compound] = []
    at = 0
    while at < len(written):
        compound, at = _compound(written, at)
        compounds.append(compound)
        space = _ASCII_WS.match(written, at)
        if space is not None:
            at = space.end()
        elif at < len(written):
            raise _unreadable(written, at)
    if len(compounds) > 2:
        raise SelectorError(
            f"{written!r} has {len(compounds) - 1} steps inside other elements; one is supported "
            f"(article p.byline); write {SUPPORTED}"
        )
    target = compounds[-1]
    if target.tag in NOT_SHOWN:
        raise SelectorError(f"{written!r} names <{target.tag}>: {NOT_SHOWN[target.tag]}")
    ancestor = compounds[0] if len(compounds) == 2 else None
    if ancestor is not None and ancestor.tag is not None:
        if ancestor.tag in NO_CONTENT:
            raise SelectorError(f"{written!r}: nothing is ever inside <{ancestor.tag}>")
        if ancestor.tag in NOT_SHOWN and ancestor.tag not in ("html", "body"):
            raise SelectorError(f"{written!r} names <{ancestor.tag}>: {NOT_SHOWN[ancestor.tag]}")
    return Selector(written, target, ancestor)


def _compound(text: str, at: int) -> tuple[Compound, int]:
    """The compound at ``text[at]`` and the index after it."""
    start = at
    tag = None
    found = _TAG_START.match(text, at)
    if found is not None:
        tag = found.group().lower()
        at = found.end()
    element_id = None
    classes: list[str] = []
    attributes: list[tuple[str, str | None]] = []
    while (part := _PART.match(text, at)) is not None:
        if part.group("id"):
            if element_id is not None:
                raise SelectorError(f"{text!r} gives two ids to one element; an element has one")
            element_id = part.group("id")[1:]
        elif part.group("cls"):
            classes.append(part.group("cls")[1:])
        else:
            value = next((v for v in part.group("dq", "sq", "bare") if v is not None), None)
            attributes.append((part.group("attr").lower(), value))
        at = part.end()
    if at == start:
        raise _unreadable(text, at)
    return Compound(tag, element_id, tuple(classes), tuple(attributes)), at


def _unreadable(text: str, at: int) -> SelectorError:
    """The error for the first thing at ``text[at]`` that is not part of the subset."""
    for sign, what in _UNSUPPORTED:
        if text.startswith(sign, at):
            return SelectorError(f"{what} is not supported in {text!r}; write {SUPPORTED}")
    if text.startswith("[", at):
        return SelectorError(
            f"cannot read the attribute test {text[at:]!r} in {text!r}: write [name] or [name=value] "
            "(quote a value that has spaces)"
        )
    if text[at] in "#.":
        return SelectorError(
            f"{text[at:]!r} in {text!r} is not an id or class name (letters, digits, - and _, not "
            "starting with a digit)"
        )
    return SelectorError(f"cannot read {text[at:]!r} in {text!r}; write {SUPPORTED}")


_UNSUPPORTED = (
    (">", "the child step '>' (write a space for 'inside': article p)"),
    ("+", "the sibling step '+'"),
    ("~", "the sibling step '~'"),
    (",", "a list of selectors (',')"),
    ("*", "'*' (any element)"),
    ("::", "a pseudo-element ('::')"),
    (":", "a pseudo-class such as ':first-child' (the first element that matches is always the one chosen)"),
    ("\\", "an escape ('\\')"),
    ("|", "a namespace ('|')"),
)
