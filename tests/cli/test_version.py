"""``geonotice --version`` and ``explain --page`` say which scanner runs: the compiled one, or the
pure-Python one and why."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from geonotice.cli import main
from geonotice.inject import walker


def test_version_names_the_scanner_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("geonotice, version ")
    assert out.rstrip().endswith(f"scanner: {walker.describe()}")


def test_geonotice_pure_python_turns_the_compiled_scanner_off() -> None:
    env = {**os.environ, "GEONOTICE_PURE_PYTHON": "1"}
    code = "from geonotice.inject import walker; print(walker.current.name, walker.describe())"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    reason = "GEONOTICE_PURE_PYTHON is set" if walker.COMPILED is not None else "the C extension is not built"
    assert out.strip() == f"python pure Python ({reason})"
