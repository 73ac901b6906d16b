"""Policy tests: readable cases that prove the rules do what the lawyers meant."""

from __future__ import annotations
