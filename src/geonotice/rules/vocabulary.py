"""The words and shapes the rules format knows: its version, placements, content types, the HTML
subset of notice texts, and the patterns of names, language tags, regions and element ids.

Plain data, imported by the checker (``values.py``, ``shapes.py``, ``html.py``), the field tables
(``schema.py``) and the injector, so each list is written once.
"""

from __future__ import annotations

from geonotice.rules.model import PlacementKind

VERSION = 1

ALLOWED_TAGS = ("p", "a", "strong", "em", "br")
LINK_SCHEMES = ("http", "https", "mailto")
CONTENT_TYPES = ("text/html", "application/json")

# Placements written as a mapping name their target: {element: notice-slot}, {marker: name}.
TARGETED_PLACEMENTS = (PlacementKind.ELEMENT.value, PlacementKind.MARKER.value)
# Every other placement kind is written as its name: a new PlacementKind is a new placement here.
SIMPLE_PLACEMENTS = tuple(kind.value for kind in PlacementKind if kind.value not in TARGETED_PLACEMENTS)

# A notice is live (served) or a draft under review (checked and testable, never served).
LIVE, DRAFT = "live", "draft"
STATUSES = (LIVE, DRAFT)
# The class a notice's ``style`` becomes: ``style: label-large`` → ``geonotice-style-label-large``.
STYLE_CLASS_PREFIX = "geonotice-style-"

SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
LANGUAGE_PATTERN = r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*"
REGION_PATTERN = r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?"
ELEMENT_ID_PATTERN = r"[A-Za-z][A-Za-z0-9_:.-]*"
