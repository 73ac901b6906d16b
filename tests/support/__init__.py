"""What the tests (and the benchmarks) share: test databases and the demo's reader table.

``tests/`` is on ``sys.path`` (``pythonpath`` in pyproject.toml), so tests import
``from support.readers import READERS``; a benchmark puts ``tests/`` on the path first.
"""
