"""Header edits that keep caches, conditional requests and ranges correct for each page variant.

A covered page exists in variants: without a notice, and with each set of notices (and
languages). Every edit here serves one rule: no cache, shared or private, may give a reader a
variant other than the one the rules give them.

Shared caches (CDN, nginx, Varnish): ``CachePolicy`` says what tells variants apart.

* Region from a CDN header (``CF-IPCountry``, ``CloudFront-Viewer-Country`` ...): covered responses
  get ``Vary`` on that header, for readers with and without notices alike, so a cache keys them
  by it. Some CDNs ignore ``Vary`` unless told otherwise: on Cloudflare, put the header in a Cache
  Rule's custom cache key (Enterprise) or bypass the cache on covered paths; on CloudFront, add
  the header to the cache policy (the ``Vary`` alone is not enough); Fastly and Varnish honour
  ``Vary``; nginx ``proxy_cache`` honours it too (``proxy_cache_key`` need not change).
* Region from the client address: no request header tells variants apart, so covered responses
  become ``Cache-Control: private`` (``public`` and ``s-maxage`` removed, the rest kept) and no
  shared cache stores them. Browsers still cache them for their one reader.
* Reader's variant from the edge (``variant_header``, believed from a trusted proxy): the
  variant header is the cache key, so covered responses keep the app's ``Cache-Control`` and
  get ``Vary`` on that header; a request whose variant is not believed is ``private`` (and
  varies on it too). The middleware chooses the policy per request.

Private caches (browsers): a changed body gets a changed ``ETag`` (the original plus a variant
suffix, ``"abc"`` → ``"abc-gn1a2b3c4d"``) and loses ``Last-Modified``, since a date cannot tell
variants apart. On the request side, ``If-None-Match`` keeps only the tags of the variant the
reader gets now, with the suffix removed, so the app can still answer 304 for that very variant;
tags of other variants, ``If-Modified-Since`` and ``If-Range`` are dropped, and so is ``Range``:
the full page is served, never a part that lacks or cuts the notice.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "lowercase_names",
    "CachePolicy",
    "apply_cache_policy",
    "editable_headers",
    "mark_changed",
    "request_headers_for_variant",
    "request_headers_without_variants",
    "variant_suffix",
]

RawHeaders = list[tuple[bytes, bytes]]

_SUFFIX = re.compile(r"-gn[0-9a-f]{8}$")
_ENTITY_TAG = re.compile(r'\s*(\*|(?:W/)?"[^"]*")\s*(?:,|$)')
_CONDITIONAL_RANGE = (b"range", b"if-range")
# The request headers a variant's request may change.
_VARIANT_REQUEST = frozenset({*_CONDITIONAL_RANGE, b"if-modified-since", b"if-none-match"})
# Headers that describe the original body and would lie about the changed one.
_STALE_ON_CHANGE = (b"last-modified", b"content-md5", b"digest", b"content-digest", b"repr-digest")
_SHARED_CACHE = frozenset({"public", "s-maxage", "private"})
_REMOVED_ON_CHANGE: dict[bytes, bytes | None] = dict.fromkeys(_STALE_ON_CHANGE)


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """How shared caches tell page variants apart.

    ``vary``: the request headers the region came from (a CDN's geo headers), added to ``Vary``.
    ``private``: the region came from the client address, so shared caches must not store the page.
    ``headers``: set on every covered response, for readers with and without notices (the rules
    version that decided it: ``Legal-Notices-Version``), as lowercase ``(name, value)`` pairs.
    """

    vary: tuple[str, ...] = ()
    private: bool = False
    headers: tuple[tuple[bytes, bytes], ...] = ()
    # What the policy adds to a response that has none of the lines it sets (most responses), and
    # the names of those lines: worked out once, not on every covered response.
    _lines: tuple[tuple[bytes, bytes], ...] = field(init=False, repr=False, compare=False)
    _names: frozenset[bytes] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lines = list(self.headers)
        if self.vary:
            lines.append((b"vary", ", ".join(self.vary).encode("latin-1")))
        if self.private:
            lines.append((b"cache-control", b"private"))
        object.__setattr__(self, "_lines", tuple(lines))
        object.__setattr__(self, "_names", frozenset(key for key, _ in lines))


def variant_suffix(chosen: Iterable[tuple[str, str]]) -> str:
    """The ETag suffix of a variant, from its ``(notice id, language)`` pairs in order."""
    digest = hashlib.blake2s("\n".join(f"{i}\t{lang}" for i, lang in chosen).encode(), digest_size=4)
    return "-gn" + digest.hexdigest()


def _entity_tags(value: str) -> list[str] | None:
    """The entity tags of an ``If-None-Match`` value, or ``None`` if it does not parse."""
    tags: list[str] = []
    pos = 0
    value = value.strip()
    while pos < len(value):
        match = _ENTITY_TAG.match(value, pos)
        if match is None or match.end() == pos:
            return None
        tags.append(match.group(1))
        pos = match.end()
    return tags


def _opaque(tag: str) -> tuple[str, str]:
    """Splits ``W/"abc"`` into ``("W/", "abc")``."""
    weak = "W/" if tag.startswith("W/") else ""
    return weak, tag[len(weak) + 1 : -1]


def _joined(headers: RawHeaders, name: bytes) -> str | None:
    values = [v.decode("latin-1") for k, v in headers if k == name]
    return ", ".join(values) if values else None


def request_headers_for_variant(
    headers: Sequence[tuple[bytes, bytes]], suffix: str
) -> Sequence[tuple[bytes, bytes]]:
    """Request headers for a reader who gets the variant with ``suffix`` (see the module docstring):
    ``headers`` itself when it has no conditional or range header (most requests)."""
    for key, _ in headers:
        if key in _VARIANT_REQUEST:
            break
    else:
        return headers
    out = [(k, v) for k, v in headers if k not in _CONDITIONAL_RANGE and k != b"if-modified-since"]
    inm = _joined(out, b"if-none-match")
    if inm is None:
        return out
    out = [(k, v) for k, v in out if k != b"if-none-match"]
    kept = []
    for tag in _entity_tags(inm) or ():
        weak, opaque = _opaque(tag)
        if opaque.endswith(suffix):
            kept.append(f'{weak}"{opaque[: -len(suffix)]}"')
    if kept:
        out.append((b"if-none-match", ", ".join(kept).encode("latin-1")))
    return out


def request_headers_without_variants(headers: Sequence[tuple[bytes, bytes]]) -> RawHeaders | None:
    """Request headers for a reader without notices, or ``None`` when nothing needs to change.

    Entity tags of a variant with notices are dropped: that reader's cached copy has a notice
    they no longer get.
    """
    inm = None
    for k, v in headers:
        if k == b"if-none-match":
            inm = v
            break
    if inm is None or b"-gn" not in inm:
        return None
    joined = _joined(list(headers), b"if-none-match") or ""
    out = [(k, v) for k, v in headers if k != b"if-none-match"]
    kept = [t for t in _entity_tags(joined) or () if not _SUFFIX.search(_opaque(t)[1])]
    if kept:
        out.append((b"if-none-match", ", ".join(kept).encode("latin-1")))
    return out


def editable_headers(message: MutableMapping[str, Any]) -> RawHeaders:
    """The header list of a start message, made the message's own (as ``MutableHeaders(scope=
    message)`` makes it) with lowercase names (as ``lowercase_names`` makes them), for the edits
    below to change in place. The app's own list is never changed.

    Raises:
        KeyError: the message has no ``headers``, as ``MutableHeaders(scope=message)`` raises.
    """
    # One copy, here, instead of a MutableHeaders per edited message: this runs on every covered
    # response, and the edits below only need the list.
    headers = message["headers"]
    for name, _ in headers:
        if not name.islower():
            raw = [(name.lower(), value) for name, value in headers]
            break
    else:
        raw = list(headers)
    message["headers"] = raw
    return raw


def lowercase_names(message: MutableMapping[str, Any]) -> None:
    """Lowercases the header names of a start message, in place, when any is not.

    Header names are case-insensitive, and Starlette's ``MutableHeaders`` and our own lookups
    compare lowercase names, as the ASGI spec asks apps to send them. Django sends
    ``Content-Type``: left as is, its pages would not be recognized as HTML and get no notice.
    """
    headers = message.get("headers", ())
    for name, _ in headers:
        if not name.islower():  # uppercase, or no letter at all (then lowering changes nothing)
            message["headers"] = [(name.lower(), value) for name, value in headers]
            return


def apply_cache_policy(raw: RawHeaders, policy: CachePolicy) -> None:
    """Makes a covered response safe for shared caches (for readers with and without notices).

    ``raw`` is a header list with lowercase names (``editable_headers``), edited in place.
    """
    names = policy._names
    for key, _ in raw:
        if key in names:
            break
    else:  # the common case: none of the lines is there yet, so each is added as it is
        raw.extend(policy._lines)
        return
    for key, value in policy.headers:
        _set(raw, key, value)
    for name in policy.vary:
        _add_vary(raw, name.encode("latin-1"))
    if policy.private:
        # One pass over the raw list: this runs on every covered response.
        values = [v for k, v in raw if k == b"cache-control"]
        if not values:  # the common case: nothing to merge
            raw.append((b"cache-control", b"private"))
            return
        directives = [d.strip() for d in b",".join(values).decode("latin-1").split(",") if d.strip()]
        kept = [d for d in directives if d.split("=", 1)[0].strip().lower() not in _SHARED_CACHE]
        _set(raw, b"cache-control", ", ".join(["private", *kept]).encode("latin-1"))


def _add_vary(raw: RawHeaders, name: bytes) -> None:
    """Adds ``name`` to ``Vary``, joining every ``Vary`` line into the first (as one value)."""
    values = [v for k, v in raw if k == b"vary"]
    if not values:  # the common case: a line of its own at the end, as _set would add it
        raw.append((b"vary", name))
        return
    _set(raw, b"vary", b", ".join([*values, name]))


def _set(raw: RawHeaders, key: bytes, value: bytes) -> None:
    """``MutableHeaders.__setitem__`` for a lowercase name: replaces the first line, drops the rest."""
    index = 0
    for name, _ in raw:
        if name == key:
            break
        index += 1
    else:  # the common case: a new line at the end, and the list is not rebuilt
        raw.append((key, value))
        return
    raw[index:] = [(key, value), *[item for item in raw[index + 1 :] if item[0] != key]]


def mark_changed(
    raw: RawHeaders,
    *,
    notice_ids: Sequence[str],
    suffix: str,
    content_length: int | None,
    languages_vary: bool = False,
) -> None:
    """Edits the headers of a response whose body gets notices (or of its HEAD/304 twin).

    ``raw`` is a header list with lowercase names (``editable_headers``), edited in place.
    ``content_length`` is the exact new length, or ``None`` to remove the header (streamed body).
    ``languages_vary`` adds ``Vary: Accept-Language`` when the reader's languages chose the text.
    """
    # One pass over the raw list instead of a dozen MutableHeaders lookups (each a scan with
    # str.lower and str.encode): this runs on every response that gets a notice. Replaced
    # headers keep their place, as MutableHeaders.__setitem__ would keep it.
    replacements = _REMOVED_ON_CHANGE.copy()
    replacements[b"content-length"] = None if content_length is None else b"%d" % content_length
    replacements[b"legal-notices"] = ", ".join(notice_ids).encode("latin-1")
    out: RawHeaders = []
    done: set[bytes] = set()
    for key, value in raw:
        if key == b"etag":
            if key not in done:
                done.add(key)
                etag = _suffixed(value.decode("latin-1"), suffix)
                if etag is not None:
                    out.append((key, etag.encode("latin-1")))
            continue
        if key == b"accept-ranges":
            value = b"none"  # ranges of this variant are not served
        elif key in replacements:
            value = replacements[key]  # type: ignore[assignment]
            if value is None or key in done:
                continue
        else:
            out.append((key, value))
            continue
        if key not in done:
            done.add(key)
            out.append((key, value))
    for key in (b"content-length", b"legal-notices"):
        if key not in done and replacements[key] is not None:
            out.append((key, replacements[key]))  # type: ignore[arg-type]
    if languages_vary:
        _add_vary(out, b"Accept-Language")
    raw[:] = out


def _suffixed(etag: str, suffix: str) -> str | None:
    """``etag`` with the variant suffix, or ``None`` when it is not one entity tag we can extend."""
    tags = _entity_tags(etag)
    if tags is None or len(tags) != 1:
        return None  # better no ETag than a wrong one
    weak, opaque = _opaque(tags[0])
    return f'{weak}"{opaque}{suffix}"'
