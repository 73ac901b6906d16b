"""Real nginx and Varnish on loopback, started by the tests and the cache benchmark.

Each runs from a directory of its own (prefix, configuration, cache, temporary files, pid,
logs), never touching the system's service or its paths, in the foreground as a child process
in a session of its own. Leaving the ``with`` block stops the whole process group, first
politely then with SIGKILL, whatever happened inside it. Ports: Varnish listens on port 0 and
says which port it got; nginx cannot, so a free port is chosen just before it starts, and the
start is retried on another port if that one was taken in between.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from support.polling import wait_until

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VARNISHADM = shutil.which("varnishadm") or "/usr/bin/varnishadm"
VARNISHSTAT = shutil.which("varnishstat") or "/usr/bin/varnishstat"
INSTALL = "run `scripts/setup --with-system-packages` (Debian: nginx, libnginx-mod-http-geoip2, varnish)"
START_TIMEOUT = 30.0


def missing_edge_software() -> str | None:
    """Why the real edges cannot run here, or ``None`` when they can."""
    for path in (NGINX, VARNISHD, VARNISHADM, VARNISHSTAT):
        if not os.access(path, os.X_OK):
            return f"{path} is not installed: {INSTALL}"
    if nginx_module_path() is None:
        return f"nginx's geoip2 module is not installed: {INSTALL}"
    return None


def nginx_module_path() -> Path | None:
    """Where Debian's ``libnginx-mod-http-geoip2`` put the module, from ``nginx -V``."""
    try:
        done = subprocess.run([NGINX, "-V"], capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return None
    match = re.search(r"--modules-path=(\S+)", done.stderr)
    module = Path(match.group(1) if match else "/usr/lib/nginx/modules") / "ngx_http_geoip2_module.so"
    return module if module.exists() else None


@contextlib.contextmanager
def _process(command: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        if process.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)  # its own session: the group is the server and its children
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait)
    # Workers or a child that outlived their parent are still in the group.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _accepts(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


# -- nginx -------------------------------------------------------------------------------------


@dataclass
class Nginx:
    """A running nginx: its URL, its directory (``cache/`` holds the cached copies) and its
    process, which ``reload`` signals to read its configuration again."""

    url: str
    directory: Path
    process: subprocess.Popen[bytes]

    @property
    def cache(self) -> Path:
        return self.directory / "cache"

    def cached_copies(self) -> int:
        """How many responses the cache holds: nginx keeps one file per key."""
        return sum(1 for path in self.cache.rglob("*") if path.is_file())

    def reload(self) -> None:
        """Read the configuration again (nginx -s reload), as a deployment does."""
        os.kill(self.process.pid, signal.SIGHUP)


def nginx_config(
    directory: Path,
    *,
    port: int,
    http: str,
    location: str,
    origin: str,
    geoip2: bool = True,
    cache: bool = True,
) -> str:
    """A whole nginx.conf, every path inside ``directory``: ``http`` goes in the http block and
    ``location`` in the one location, which proxies to ``origin`` (``127.0.0.1:PORT``) over kept-alive
    connections, through a cache that keeps responses for up to an hour. ``geoip2=False`` leaves the
    geoip2 module out and ``cache=False`` the cache, for nginx alone in front of an app."""
    user = ""
    if os.geteuid() == 0:  # workers would otherwise switch to nobody, who cannot read our files
        user = f"user {pwd.getpwuid(0).pw_name};"
    temp = "\n".join(
        f"    {kind}_temp_path {directory}/temp/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    module = f"load_module {nginx_module_path()};" if geoip2 else ""
    cache_path, cache_use = "", ""
    if cache:
        cache_path = (
            f"    proxy_cache_path {directory}/cache levels=1:2 keys_zone=geonotice:10m max_size=256m"
            " inactive=1h use_temp_path=off;"
        )
        cache_use = (
            "            proxy_cache geonotice;\n"
            "            add_header X-Cache $upstream_cache_status always;"
        )
    return f"""{module}
{user}
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
{temp}
{cache_path}
    upstream origin {{ server {origin}; keepalive 16; }}
{http}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
{cache_use}
{location}
        }}
    }}
}}
"""


@contextlib.contextmanager
def running_nginx(
    directory: Path, *, http: str, location: str, origin: str, geoip2: bool = True, cache: bool = True
) -> Iterator[Nginx]:
    """nginx with ``nginx_config(...)``, serving on a free loopback port until the block ends.

    Raises:
        RuntimeError: it did not start (its log says why).
    """
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (directory / "temp" / kind).mkdir(parents=True, exist_ok=True)
    (directory / "cache").mkdir(exist_ok=True)
    for _attempt in range(3):
        port = _free_port()
        conf = directory / "nginx.conf"
        conf.write_text(
            nginx_config(
                directory, port=port, http=http, location=location, origin=origin, geoip2=geoip2, cache=cache
            )
        )
        command = [NGINX, "-p", f"{directory}/", "-c", str(conf), "-e", "stderr", "-g", "daemon off;"]
        with _process(command, directory / "nginx.log") as process:
            deadline = time.monotonic() + START_TIMEOUT
            while process.poll() is None and not _accepts(port) and time.monotonic() < deadline:
                time.sleep(0.05)
            if process.poll() is None and _accepts(port):
                yield Nginx(f"http://127.0.0.1:{port}", directory, process)
                return
        log = (directory / "nginx.log").read_text(errors="replace")
        if "Address already in use" not in log:
            raise RuntimeError(f"nginx did not start:\n{log}")
    raise RuntimeError("nginx found no free port in three tries")


# -- Varnish -----------------------------------------------------------------------------------


@dataclass
class Varnish:
    """A running varnishd: its URL and working directory (``-n``), for varnishadm and varnishstat."""

    url: str
    workdir: Path

    def admin(self, *command: str) -> str:
        """A varnishadm command's output, e.g. ``admin("vcl.load", "v2", "/path/main.vcl")``.

        Raises:
            RuntimeError: the command failed.
        """
        done = subprocess.run(
            [VARNISHADM, "-n", str(self.workdir), *command],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"varnishadm {' '.join(command)}: {done.stdout}{done.stderr}")
        return done.stdout

    def counter(self, name: str) -> int:
        """A varnishstat counter, e.g. ``MAIN.n_object``."""
        done = subprocess.run(
            [VARNISHSTAT, "-n", str(self.workdir), "-1", "-f", name],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return int(done.stdout.split()[1])


@contextlib.contextmanager
def running_varnish(directory: Path, vcl: Path) -> Iterator[Varnish]:
    """varnishd with the VCL file ``vcl``, on a loopback port of its choosing, no jail (so it
    runs as whoever runs the tests), its working directory under ``directory``.

    Raises:
        RuntimeError: it did not start (its log says why).
    """
    workdir = directory / "varnish"
    workdir.mkdir(parents=True, exist_ok=True)
    command = [
        VARNISHD, "-F", "-j", "none", "-n", str(workdir), "-a", "127.0.0.1:0", "-T", "127.0.0.1:0",
        "-f", str(vcl), "-s", "malloc,64m", "-p", "default_ttl=3600",
    ]  # fmt: skip
    with _process(command, directory / "varnishd.log") as process:
        varnish = Varnish("", workdir)

        def listening() -> str | None:
            if process.poll() is not None:
                raise RuntimeError(
                    "varnishd stopped:\n" + (directory / "varnishd.log").read_text(errors="replace")
                )
            try:
                answer = varnish.admin("debug.listen_address")
            except (RuntimeError, subprocess.TimeoutExpired):
                return None
            match = re.search(r"127\.0\.0\.1 (\d+)", answer)
            return match.group(1) if match else None

        port = wait_until(listening, "varnishd did not start listening", timeout=START_TIMEOUT, interval=0.2)
        varnish.url = f"http://127.0.0.1:{port}"
        yield varnish
