"""The rules as loaded and validated: frozen values, shared by the engine, the injector and the tools.

Everything here is plain data. The YAML format they come from is described in ``schema.py`` and
``docs/rules.md``; turning files into these values is ``validate.py``'s job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath
from types import MappingProxyType

from geonotice.rules.languages import language_preferences, notice_language


class PlacementKind(StrEnum):
    """Where on a page a notice goes (the names lawyers write in the rules)."""

    BODY_START = "start-of-body"  # right after the <body ...> start tag
    BODY_END = "end-of-body"  # right before </body>
    ARTICLE_START = "start-of-article"  # right after the first <article ...> start tag
    AFTER_HEADLINE = "after-headline"  # right after the end of the first <h1> (inside the article if any)
    ELEMENT = "element"  # right after the start tag of the element with a given id
    MARKER = "marker"  # in place of a marker comment <!-- geonotice: NAME -->


@dataclass(frozen=True, slots=True)
class Placement:
    kind: PlacementKind
    target: str | None = None  # the element id, or the marker name


# When a page lacks the requested placement point, the notice goes here instead (and it is logged and
# counted): a reader who must see a notice sees it, even on a page that does not match its template.
FALLBACK_PLACEMENT = Placement(PlacementKind.BODY_END)


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """A named set of regions: ``regions`` and the regions of ``includes``, minus ``excludes``."""

    name: str
    regions: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    description: str = ""
    source: str = ""  # "path:line" of its definition, for explanations


@dataclass(frozen=True, slots=True)
class PageMatch:
    """Which responses a notice covers. Paths are globs: ``*`` stays within a path segment, ``**``
    crosses segments. An empty ``hosts`` means every host."""

    paths: tuple[str, ...] = ("/**",)
    exclude_paths: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    content_types: tuple[str, ...] = ("text/html",)


@dataclass(frozen=True, slots=True)
class Window:
    """When a notice is in force: ``start`` inclusive, ``end`` exclusive, both aware UTC datetimes."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def contains(self, at: dt.datetime) -> bool:
        return (self.start is None or self.start <= at) and (self.end is None or at < self.end)


@dataclass(frozen=True, slots=True)
class NoticeMetadata:
    """What lawyers record about a notice. It never reaches readers."""

    legal_basis: str = ""
    owner: str = ""
    last_reviewed: dt.date | None = None
    reference_url: str = ""


def _frozen_texts(texts: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(texts))


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice: who gets it, on which pages, where on the page, and its text per language.

    ``texts`` maps a language tag (``en``, ``ru``, ``pt-BR``) to HTML that passed validation against
    the allowed subset. Notices sort by ``priority`` (higher first), then by ``id``.
    """

    id: str
    jurisdictions: tuple[str, ...]
    texts: Mapping[str, str]
    default_language: str
    title: str = ""
    placement: Placement = Placement(PlacementKind.BODY_START)
    pages: PageMatch = PageMatch()
    window: Window = Window()
    priority: int = 0
    metadata: NoticeMetadata = NoticeMetadata()
    source: str = ""  # "path:line" of its definition, for explanations
    # A name the site's CSS can style the notice by (the class ``geonotice-style-NAME``), so a
    # label can meet a legal size or contrast requirement; "" for none.
    style: str = ""
    # Under review: checked, explained and testable (``Engine(..., include_drafts=True)``), and
    # never served: the engine that answers requests leaves drafts out.
    draft: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "texts", _frozen_texts(self.texts))


@dataclass(frozen=True, slots=True)
class LanguageRule:
    """A page's language given by its path: pages under ``prefix`` are in ``language``."""

    prefix: str
    language: str


@dataclass(frozen=True, slots=True)
class RulesFile:
    """One file of a rules version: its name as read (the display path) and its SHA-256."""

    path: str
    digest: str


def digest_files(sources: Sequence[tuple[str, bytes]]) -> tuple[str, tuple[RulesFile, ...]]:
    """The digest of a rules version read from ``(display path, bytes)`` pairs, and its files.

    Only each file's base name enters the version digest, with its bytes: the same rules deployed
    under another directory are the same version, while renaming a file (which changes the order
    the files are read in) is a new one.
    """
    files = tuple(RulesFile(path, hashlib.sha256(content).hexdigest()) for path, content in sources)
    version = hashlib.sha256()
    for file in files:
        version.update(f"{PurePath(file.path).name}\0{file.digest}\n".encode())
    return version.hexdigest(), files


@dataclass(frozen=True, slots=True)
class Ruleset:
    """A whole, validated rules version: what the engine compiles and the middleware serves."""

    jurisdictions: Mapping[str, Jurisdiction]
    notices: tuple[Notice, ...]
    unknown_readers: tuple[str, ...] = ()  # notice ids for readers whose region is unknown
    anonymous_readers: tuple[str, ...] = ()  # notice ids for readers on an anonymity network
    page_languages: tuple[LanguageRule, ...] = ()
    sources: tuple[str, ...] = field(default=())
    # What identifies this version: a SHA-256 over each file's name and bytes (``files``: each
    # file's name and SHA-256). Rules built in code, not read from files, are digested from
    # their values, so every version has a digest to put in headers, metrics and the evidence.
    digest: str = ""
    files: tuple[RulesFile, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "jurisdictions", MappingProxyType(dict(self.jurisdictions)))
        if not self.digest:
            object.__setattr__(self, "digest", hashlib.sha256(repr(self).encode()).hexdigest())

    @property
    def version(self) -> str:
        """The short name of this rules version: the first 12 hex digits of its digest."""
        return self.digest[:12]

    def notice(self, notice_id: str) -> Notice | None:
        for notice in self.notices:
            if notice.id == notice_id:
                return notice
        return None


@dataclass(frozen=True, slots=True)
class Decision:
    """The notices one reader gets on one page, in display order.

    ``page_language`` is the page's language as the rules' path prefixes give it, if any; the
    injector prefers the page's own ``<html lang>`` over it.
    """

    notices: tuple[Notice, ...] = ()
    page_language: str | None = None

    def for_media_type(self, media_type: str) -> tuple[Notice, ...]:
        """The notices that apply to a response of this media type (``text/html``, no parameters)."""
        return tuple(n for n in self.notices if media_type in n.pages.content_types)

    def texts(self, preferences: Sequence[str] | None = None) -> tuple[NoticeText, ...]:
        """Each notice with the text to show for ``preferences`` (by default the page's language
        alone), chosen as ``geonotice.rules.languages`` says."""
        if preferences is None:
            preferences = language_preferences(page_language=self.page_language)
        chosen = []
        for notice in self.notices:
            language = notice_language(notice, preferences)
            chosen.append(NoticeText(notice, language, notice.texts[language]))
        return tuple(chosen)


@dataclass(frozen=True, slots=True)
class NoticeText:
    """A notice with the language chosen for one page, and its HTML in that language."""

    notice: Notice
    language: str
    html: str


NO_NOTICES = Decision()
