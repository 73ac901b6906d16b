"""Operating geonotice and proving what it did: Prometheus metrics and the evidence record.

* ``families.py``: every metric, named once; ``exposition.py``: ``metrics_app``, the
  ``run --metrics-port`` server and multiprocess mode for several workers.
* ``observer.py``: what the middleware reports per response and per reload; ``sources.py``
  (where a reader's region came from), ``jurisdictions.py`` (which jurisdiction gave a notice)
  and ``timing.py`` (what geonotice added to a response) serve it.
* ``evidence/``: the append-only evidence record, and the query behind ``geonotice evidence``.

Nothing here records who a reader is: labels and record lines carry notice ids, jurisdiction
names, outcome codes, region sources and rules versions, and counts per window.
"""

from __future__ import annotations

from geonotice.observe.exposition import REGISTRY, metrics_app
from geonotice.observe.observer import Observer

__all__ = ["REGISTRY", "Observer", "metrics_app"]
