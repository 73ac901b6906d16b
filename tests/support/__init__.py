"""What the tests (and the benchmarks) share: test databases, the demo's reader table, polling.

``tests/`` is on ``sys.path`` (``pythonpath`` in pyproject.toml), so tests import
``from support.readers import READERS``; a benchmark puts ``tests/`` on the path first.
"""
