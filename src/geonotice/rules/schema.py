"""The rules format, version 1, declared once as data.

The tables below say which keys each mapping has, which are required, and the kind of each value
(a ``ValueType`` from ``values.py``). The walker checks files against them (``walk.py``);
``RULES_FORMAT`` turns them into a JSON Schema for editors and renders them, with every problem
code of ``codes.py``, as the reference of ``docs/rules.md`` (a test keeps the document in step).

A new key is a new ``Field`` row in its table, read in ``walk.py`` where notices and
jurisdictions are built; a new kind of value is a ``ValueType`` in ``values.py``.
"""

from __future__ import annotations

from geonotice.rules import values
from geonotice.rules.codes import CATALOGUE
from geonotice.rules.vocabulary import SLUG_PATTERN
from geonotice.yamlcheck.fields import Field
from geonotice.yamlcheck.fileformat import FileFormat
from geonotice.yamlcheck.loader import MarkedMapping, MarkedScalar
from geonotice.yamlcheck.values import INTEGER, items, named, section

_SLUG_NAMES = {"type": "string", "pattern": f"^{SLUG_PATTERN}$"}


def _notice_label(node: MarkedMapping, index: int) -> str:
    """How messages name a notice: by its id when it has one, else by its line."""
    id_node = node.get("id")
    given = id_node.value if isinstance(id_node, MarkedScalar) and isinstance(id_node.value, str) else None
    return f"notice {given!r}" if given else f"notice at line {node.line}"


JURISDICTION_FIELDS = (
    Field(
        "description", values.TEXT, "What this jurisdiction is, in words, for the people who read the rules."
    ),
    Field(
        "regions",
        values.REGIONS,
        "Countries (ISO 3166-1 alpha-2, `RU`) and subdivisions (ISO 3166-2, `UA-43`) it covers.",
    ),
    Field("includes", values.NAMES, "Other jurisdictions whose regions it also covers."),
    Field(
        "except", values.REGIONS, "Regions it does not cover, even when `regions` or `includes` name them."
    ),
)

PAGES_FIELDS = (
    Field(
        "paths",
        values.GLOBS,
        "Which pages: path patterns. `*` is any text within one path segment, `**` any text across "
        "segments, `?` one character, `{en,ru}` one of the choices.",
        default='`["/**"]` (every page)',
    ),
    Field("except", values.GLOBS, "Pages left out, even when `paths` covers them."),
    Field(
        "hosts", values.HOSTS, "Only on these host names (`news.example`, `*.example`).", default="every host"
    ),
    Field(
        "content types",
        values.MEDIA_TYPES,
        "`text/html` (pages) and/or `application/json` (API answers get a `legal_notices` field).",
        default="`[text/html]`",
    ),
)

NOTICE_FIELDS = (
    Field(
        "id", values.SLUG_NAME, "A unique name for the notice: lower-case words joined by `-`.", required=True
    ),
    Field("title", values.TEXT, "A short human title, for the people who read the rules and reports."),
    Field(
        "applies to",
        values.NAMES,
        "The jurisdictions whose readers get the notice.",
        default="nobody (only `readers`)",
    ),
    Field(
        "text",
        values.HTML_BY_LANGUAGE,
        "The notice text per language (`en`, `ru`, `pt-BR`), in a small HTML subset: "
        "`<p>`, `<a href>`, `<strong>`, `<em>`, `<br>`.",
        required=True,
    ),
    Field(
        "default language",
        values.LANGUAGE,
        "The language shown when the page's language has no text.",
        required=True,
    ),
    Field(
        "placement",
        values.PLACEMENT,
        "Where on the page: `start-of-body`, `end-of-body`, `start-of-article`, `end-of-article`, "
        '`after-headline` (right after the first `<h1>`, as labels required "directly under the '
        'headline" must be), `{selector: SELECTOR, position: before, prepend, append or after}` (see '
        "[Placements](#placements)), `{element: ID}` (inside the element with that id, at its start) or "
        "`{marker: NAME}` (in place of the comment `<!-- geonotice: NAME -->`).",
        default="`start-of-body`",
    ),
    Field("pages", section(PAGES_FIELDS), "Which pages get the notice.", default="every HTML page"),
    Field("from", values.MOMENT, "First day (or UTC time) the notice is in force.", default="always"),
    Field(
        "until",
        values.MOMENT,
        "The day (or UTC time) it stops: the notice is not shown from then on.",
        default="never",
    ),
    Field("priority", INTEGER, "Order when several notices apply: higher comes first.", default="`0`"),
    Field(
        "style",
        values.STYLE_NAME,
        "A name the site's CSS styles the notice by: `style: label-large` gives it the class "
        "`geonotice-style-label-large` (for a legal size or contrast).",
        default="none",
    ),
    Field(
        "single language",
        values.BOOLEAN,
        "`true` when the notice must be shown in its default language on every page, whatever "
        "the page's language (a label the law requires in one language): it then has that text only.",
        default="`false`",
    ),
    Field(
        "status",
        values.STATUS,
        "`live`, or `draft` for a notice under review: checked, explained and testable "
        "(`geonotice test --include-drafts`), never shown to readers.",
        default="`live`",
    ),
    Field("legal basis", values.TEXT, "The law or decision that requires the notice."),
    Field("owner", values.TEXT, "Who is responsible for the notice (a person or a team)."),
    Field("last reviewed", values.DATE, "When a lawyer last confirmed the notice (a date)."),
    Field("reference", values.LINK, "A link to the decision, register entry or memo."),
)

READERS_FIELDS = (
    Field(
        "unknown",
        values.NAMES,
        "Notices for readers whose location cannot be determined.",
        default="`[]` (nothing)",
    ),
    Field(
        "anonymous",
        values.NAMES,
        "Notices for readers on an anonymity network such as Tor.",
        default="`[]` (nothing)",
    ),
)

FILE_FIELDS = (
    Field("version", values.VERSION_NUMBER, "The format version: `1`.", required=True),
    Field(
        "jurisdictions",
        named(JURISDICTION_FIELDS, label=lambda name: f"jurisdiction {name!r}", names=_SLUG_NAMES),
        "Named sets of regions, by name.",
    ),
    Field("notices", items(NOTICE_FIELDS, label=_notice_label), "The notices, one list item each."),
    Field("readers", section(READERS_FIELDS), "What readers without a known region get."),
    Field(
        "page languages",
        values.PREFIX_LANGUAGES,
        'The language of the pages under a path prefix (`"/ru/": ru`), to choose the notice text.',
    ),
)


RULES_FORMAT = FileFormat(
    schema_id="https://geonotice.invalid/schema/rules-v1.json",
    title="geonotice rules, version 1",
    sections=(
        ("A rules file", FILE_FIELDS),
        ("A jurisdiction", JURISDICTION_FIELDS),
        ("A notice", NOTICE_FIELDS),
        ("A notice's `pages`", PAGES_FIELDS),
        ("`readers`", READERS_FIELDS),
    ),
    codes=CATALOGUE,
)
