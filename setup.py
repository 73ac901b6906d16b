"""Builds the optional C twin of the scanner's tokenizer walk; everything else is pyproject.toml.

The extension is a speed-up, never a requirement: when it cannot be compiled (no compiler, no
Python headers, an unusual platform) the build says so in a warning and geonotice installs
without it, running the Python walk, which gives the same output. Set GEONOTICE_PURE_PYTHON=1 at
install time to skip compiling altogether. (The pattern is MarkupSafe's ``_speedups``.)
"""

from __future__ import annotations

import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CCompilerError, ExecError, PlatformError

SPEEDUPS = Extension(
    "geonotice.inject._speedups",
    ["src/geonotice/inject/_speedups.c"],
    # GEONOTICE_CFLAGS adds flags (scripts/check-speedups builds with sanitizers this way).
    extra_compile_args=os.environ.get("GEONOTICE_CFLAGS", "").split(),
    extra_link_args=os.environ.get("GEONOTICE_LDFLAGS", "").split(),
)


class BuildFailed(Exception):
    pass


class TolerantBuildExt(build_ext):
    """``build_ext`` that turns a failed compile into ``BuildFailed`` (then: install without it)."""

    def run(self) -> None:
        try:
            super().run()
        except PlatformError as error:
            raise BuildFailed from error

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except (CCompilerError, ExecError, PlatformError, OSError) as error:
            raise BuildFailed from error


def run_setup(with_speedups: bool) -> None:
    setup(
        ext_modules=[SPEEDUPS] if with_speedups else [],
        cmdclass={"build_ext": TolerantBuildExt},
    )


def warn(*lines: str) -> None:
    bar = "=" * 74
    print(bar, *lines, bar, sep="\n", file=sys.stderr)


if os.environ.get("GEONOTICE_PURE_PYTHON", "") not in ("", "0"):
    run_setup(False)
else:
    try:
        run_setup(True)
    except BuildFailed:
        warn(
            "WARNING: the C extension of geonotice's scanner could not be compiled.",
            "geonotice is installed without it and runs its Python scanner, which gives",
            "the same output, more slowly. To build it, install a C compiler and the",
            "Python headers (Debian: apt-get install gcc python3-dev), then reinstall.",
        )
        run_setup(False)
        warn("geonotice installed without its C extension (pure-Python scanner).")
