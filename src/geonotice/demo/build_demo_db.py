"""Regenerate the demo database shipped in the package from its readable source.

    python -m geonotice.demo.build_demo_db [OUTPUT]

The build date is pinned (``BUILD_EPOCH``) rather than taken from the clock, so the same source
always gives the same bytes and the committed file can be checked for drift by rebuilding it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from geonotice.demo.geodb import write_demo_database

DEMO_DATABASE = Path(__file__).with_name("demo-city.mmdb")
#: 2025-01-01T00:00:00Z. Bump it when readers.json changes, so ``explain`` shows a fresh date.
BUILD_EPOCH = 1_735_689_600


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    output = Path(args[0]) if args else DEMO_DATABASE
    write_demo_database(output, build_epoch=BUILD_EPOCH)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
