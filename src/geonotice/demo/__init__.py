"""The demo: a small news site, its readers, a database of documentation addresses, example rules.

Everything here ships in the package, so ``geonotice demo`` works from an installed wheel:

- ``readers.json``: the address plan, the readable source of ``demo-city.mmdb``;
- ``demo-city.mmdb``: the database built from it (``scripts/build-demo-db`` in a source checkout
  rebuilds it byte for byte; a test keeps the two in step);
- ``rules/``: the example rules, the repository's ``rules/`` directory seen through a link, so
  there is one copy to edit (the wheel gets real files).
"""

from __future__ import annotations

from pathlib import Path

DEMO_DIR = Path(__file__).parent
#: The address plan: each reader's networks, country and subdivisions.
READERS_PLAN = DEMO_DIR / "readers.json"
#: The demo database, built from ``READERS_PLAN``.
DEMO_DATABASE = DEMO_DIR / "demo-city.mmdb"
#: The example rules the demo serves by default.
DEMO_RULES = DEMO_DIR / "rules"
