"""The evidence record: which notices readers were shown, per window, jurisdiction and rules
version, in an append-only JSON Lines file that never identifies a reader.

``EvidenceRecorder`` writes it (``recorder.py``, on disk through ``files.py``, in the line
formats of ``lines.py``); ``answer`` reads it back to tell whether readers in a region were shown
a notice over a period (``query.py``, for ``geonotice evidence``).
"""

from __future__ import annotations

from geonotice.observe.evidence.recorder import EvidenceRecorder

__all__ = ["EvidenceRecorder"]
