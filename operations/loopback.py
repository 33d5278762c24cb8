"""OpsDB served by gunicorn on a loopback port, for the benchmark and the load test.

Both measure the application as a deployment runs it: real sockets, real worker
processes, the settings of the environment given. Linux only: the workers' peak
memory is read from /proc.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
# What the server is asked for to know it is up: the schema needs no database.
READY_PATH = "/api/schema/"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid):
    """The ids of the processes `pid` started (gunicorn's workers)."""
    task = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(child) for child in task.read_text().split()]
    except FileNotFoundError:
        return []


def peak_rss_kb(pid):
    """A process's peak resident memory so far (VmHWM), in kB; 0 once it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def database_url(settings):
    """A DATABASE_URL for a PostgreSQL database's Django settings: the server's workers
    then use the database this process uses (a test database, say)."""
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{quote(settings['USER'], safe='')}{password}@"
        f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@dataclass
class Server:
    url: str
    process: subprocess.Popen

    def workers(self):
        return children(self.process.pid)

    def worker_peak_rss_mb(self):
        """The largest peak memory of any worker since it started, in MB."""
        return max((peak_rss_kb(pid) for pid in self.workers()), default=0) / 1024


def wait_until_ready(url, process, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url + READY_PATH, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer at {url} within {timeout} s")


@contextmanager
def gunicorn(*, workers=2, env=None, timeout=300, log=None):
    """Serve the project with `workers` sync workers on a free loopback port.

    `env` is added to this process's environment (DATABASE_URL, REDIS_URL, …);
    `timeout` is gunicorn's per-request limit, long enough for a full export.
    Yields a Server; stops it, and waits for it, on the way out.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "opsdb.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        str(timeout),
        # Fifty clients on two workers: connections wait in the listen queue, not refused.
        "--backlog",
        "256",
    ]
    process = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env={**os.environ, **(env or {})},
        stdout=log or subprocess.DEVNULL,
        stderr=log or subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, process, timeout=60)
        yield Server(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
