"""Rules that exercise every way readers split into variants, for the variant and edge tests."""

from __future__ import annotations

from pathlib import Path

# A country with an exception, a subdivision alone, a second-level subdivision (GB-LND lies in
# GB-ENG), a notice for unknown readers, a notice that has ended, one that has not started, and
# one that ends later.
TRICKY_RULES = """
version: 1
readers: {unknown: [everyone-unknown], anonymous: []}
jurisdictions:
  ukraine-but-kyiv: {regions: [UA], except: [UA-30]}
  crimea: {regions: [UA-43]}
  london: {regions: [GB-LND]}
  england: {regions: [GB-ENG]}
  germany: {regions: [DE]}
  france: {regions: [FR]}
notices:
  - {id: ua, applies to: [ukraine-but-kyiv], default language: en, text: {en: "<p>a</p>"}}
  - {id: crimea, applies to: [crimea], default language: en, text: {en: "<p>b</p>"}}
  - {id: london, applies to: [london], default language: en, text: {en: "<p>c</p>"}}
  - {id: england-until-2027, applies to: [england], default language: en, text: {en: "<p>d</p>"},
     until: 2027-01-01}
  - {id: germany-ended, applies to: [germany], default language: en, text: {en: "<p>e</p>"},
     until: 2026-01-01}
  - {id: france-from-2030, applies to: [france], default language: en, text: {en: "<p>f</p>"},
     from: 2030-01-01}
  - {id: everyone-unknown, applies to: [], default language: en, text: {en: "<p>g</p>"}}
"""


def write_tricky_rules(directory: Path) -> Path:
    """Write ``TRICKY_RULES`` as ``rules.yaml`` in ``directory``; returns the file."""
    path = directory / "rules.yaml"
    path.write_text(TRICKY_RULES, encoding="utf-8")
    return path
