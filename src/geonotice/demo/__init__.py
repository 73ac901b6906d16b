"""The demo: a small news site, its readers, and a database of documentation addresses.

- ``readers.json``: the address plan, the readable source of ``demo-city.mmdb``;
- ``demo-city.mmdb``: the database built from it (``scripts/build-demo-db`` in a source checkout
  rebuilds it byte for byte; a test keeps the two in step).
"""

from __future__ import annotations

from pathlib import Path

DEMO_DIR = Path(__file__).parent
#: The address plan: each reader's networks, country and subdivisions.
READERS_PLAN = DEMO_DIR / "readers.json"
#: The demo database, built from ``READERS_PLAN``.
DEMO_DATABASE = DEMO_DIR / "demo-city.mmdb"
