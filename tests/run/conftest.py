"""Fixtures for serving applications with the real command line, over real servers on loopback."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]


GEONOTICE = Path(sys.executable).with_name("geonotice")
UVICORN = Path(sys.executable).with_name("uvicorn")
URL = re.compile(r"http://127\.0\.0\.1:\d+/")
UVICORN_URL = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")
START_TIMEOUT = 60.0


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class Served:
    """A ``geonotice`` command serving on loopback: its URL and what it printed before serving."""

    url: str
    printed: str
    process: subprocess.Popen[str]
    log: Path  # its standard error: uvicorn's and geonotice's logs

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30.0)


class Launcher:
    """Starts ``geonotice`` commands as subprocesses and stops them when the test ends."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[subprocess.Popen[str]] = []

    def start(
        self,
        args: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        ready: str = "",
        program: Path = GEONOTICE,
        cwd: Path = REPO,
    ) -> Served:
        """Run ``geonotice ARGS`` and wait until it prints its URL (and ``ready``, when given).

        ``program`` is another ``geonotice`` executable (an installed wheel's), run in ``cwd``.
        """
        environment = {k: v for k, v in os.environ.items() if not k.startswith("GEONOTICE_")}
        environment.update(env or {})
        log = self.logs / f"stderr-{len(self.started)}.log"
        with log.open("w") as stderr:
            process = subprocess.Popen(
                [str(program), *args],
                cwd=cwd,
                env=environment,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        self.started.append(process)
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_pump, args=(process, lines), daemon=True).start()
        printed: list[str] = []
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                break
            printed.append(line)
            text = "".join(printed)
            if URL.search(text) and ready in text:
                return Served(URL.search(text).group(0), text, process, log)  # type: ignore[union-attr]
        process.kill()
        process.wait(10)
        self.close(process)
        command = " ".join(args)
        pytest.fail(f"geonotice {command} did not start; it printed {printed!r}\nstderr:\n{log.read_text()}")

    def start_uvicorn(self, args: Sequence[str], *, cwd: Path, env: dict[str, str] | None = None) -> Served:
        """Run ``uvicorn ARGS --port 0`` in ``cwd``, as a reader of our README would, and wait until
        it serves. Its logs (geonotice's warnings among them) go to ``Served.log``."""
        environment = {
            k: v for k, v in os.environ.items() if not k.startswith(("GEONOTICE_", "FORWARDED_ALLOW_IPS"))
        }
        environment.update(env or {})
        log = self.logs / f"uvicorn-{len(self.started)}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [str(UVICORN), *args, "--port", "0"],
                cwd=cwd,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
            )
        self.started.append(process)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            found = UVICORN_URL.search(log.read_text())
            if found:
                return Served(found[1] + "/", "", process, log)
            time.sleep(0.05)
        process.kill()
        process.wait(10)
        pytest.fail(f"uvicorn {' '.join(args)} did not start:\n{log.read_text()}")

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)
            self.close(process)

    @staticmethod
    def close(process: subprocess.Popen[str]) -> None:
        if process.stdout is not None and not process.stdout.closed:
            # The pump thread may be mid-read; closing under it is harmless once the process is gone.
            with contextlib.suppress(OSError):
                process.stdout.close()


def _pump(process: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.put(line)
    lines.put(None)


@pytest.fixture
def launcher(tmp_path: Path) -> Iterator[Launcher]:
    launch = Launcher(tmp_path)
    yield launch
    launch.stop_all()
