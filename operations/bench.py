"""`make bench`: OpsDB's read paths served over loopback, each beside its limit.

Every figure comes from gunicorn on a loopback port (operations/loopback.py) and
is set beside the limit measured in the same run: the SELECT statements that the
same request ran, captured in this process with their parameters, replayed raw on
a cursor, plus `json.dumps` of their rows. What lies between the two is the cost
of Django, DRF and HTTP. On SQLite, Datasette serving the same file answers the
list's query too, for a side-by-side figure of requests per second.

One process measures one database (Django connects to one `DATABASE_URL`); `run`
starts one such process per database and prints their figures in one table.
"""

import datetime as dt
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from .loopback import BASE_DIR, free_port, gunicorn

SEED = 1
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/opsdb_bench"
# Every request asks for a fresh answer: the benchmark measures the uncached path.
HEADERS = {"Cache-Control": "no-cache"}
# The list's filter, used by our API and by Datasette alike.
COUNTRY, DATE_AFTER, DATE_BEFORE = "SY", "2016-01-01", "2024-12-31"
FILTERED = f"country={COUNTRY}&date_after={DATE_AFTER}&date_before={DATE_BEFORE}"
DETAIL_CLAIMS = 20
DEEP_PAGE = 900
PAGE = 100
LIST_LABEL = "list of 100, country and dates"
DATASETTE_LABEL = "Datasette, list of 100"
# Seconds gunicorn lets one export run: all 100,000 rows on a busy machine.
EXPORT_TIMEOUT = 3600


@dataclass
class Case:
    label: str
    path: str
    export: bool = False


@dataclass
class Figure:
    """One row of the table for one database."""

    label: str
    queries: int
    median_ms: float
    per_second: float
    limit_ms: float
    rows: int | None = None
    peak_rss_mb: float | None = None

    @property
    def times_limit(self):
        return self.median_ms / self.limit_ms


# --- the data ------------------------------------------------------------------------


def prepare(count):
    """A fresh database of `count` operations and one operation with DETAIL_CLAIMS claims."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    call_command("generate_operations", count=count, seed=SEED, verbosity=0)
    return with_claims(DETAIL_CLAIMS)


def with_claims(wanted):
    """The published operation with the most claims, given casualty claims up to `wanted`."""
    from django.db.models import Count

    from .models import Claim, Operation, Source

    operation = (
        Operation.objects.published()
        .annotate(claim_count=Count("claims"))
        .order_by("-claim_count", "pk")
        .first()
    )
    sources = Source.objects.published().order_by("pk")[:wanted]
    categories = Claim.Category.values
    for number in range(operation.claim_count, wanted):
        Claim.objects.create(
            operation=operation,
            source=sources[number % len(sources)],
            point=Claim.Point.CASUALTIES,
            category=categories[number % len(categories)],
            count_low=number,
            count_high=number + 2,
        )
    return operation.pk


def list_cursor(position):
    """The API list's cursor after its `position`-th operation, newest first."""
    from .api.pagination import encode
    from .models import Operation

    operation = Operation.objects.published().order_by("-occurred_at", "-id")[position - 1]
    return encode({"value": operation.occurred_at.isoformat(), "id": operation.pk})


def cases(detail_id, *, exports=True):
    from .models import Operation

    total = Operation.objects.published().count()
    # Page 900 at 100,000 operations; nine tenths of the way down at a smaller count.
    deep = urllib.parse.quote(list_cursor(max(min((DEEP_PAGE - 1) * PAGE, total * 9 // 10), 1)))
    found = [
        Case(LIST_LABEL, f"/api/v1/operations/?{FILTERED}&page_size=100"),
        Case("list of 10, country and dates", f"/api/v1/operations/?{FILTERED}&page_size=10"),
        Case(f"detail with {DETAIL_CLAIMS} claims", f"/api/v1/operations/{detail_id}/"),
        Case("timeline page of 50", "/"),
        Case("q by a name alias", "/api/v1/operations/?q=Qurashi&page_size=100"),
        Case("bbox", "/api/v1/operations/?bbox=38,35,41,37&page_size=100"),
        Case("list of 100, first page", "/api/v1/operations/?page_size=100"),
        Case("list of 100, deep page", f"/api/v1/operations/?page_size=100&cursor={deep}"),
    ]
    if exports:
        found += [
            Case("CSV export, all", "/api/v1/operations/?format=csv", export=True),
            Case("GeoJSON export, all", "/api/v1/operations/?format=geojson", export=True),
        ]
    return found


# --- the limit: the request's own SQL, replayed ----------------------------------------


def capture(path):
    """The SELECT statements (with parameters) that serving `path` runs, and its body."""
    from django.db import connection
    from django.test import Client

    statements = []

    def record(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = Client().get(path, headers=HEADERS)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}: {body[:300]!r}")
    return statements, body


def replay(statements):
    """Run `statements` raw on a cursor and serialise their rows as JSON; seconds taken."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            json.dumps(cursor.fetchall(), default=str)
    return time.perf_counter() - start


# --- over loopback -------------------------------------------------------------------


def fetch(url, path):
    """GET `path` on a fresh connection (gunicorn's sync workers close each one)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    try:
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"{path} answered {response.status}: {body[:300]!r}")
    return body


def timed(url, path, runs, warmup=2):
    """Seconds of `runs` sequential requests, after `warmup` untimed ones."""
    for _ in range(warmup):
        fetch(url, path)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        fetch(url, path)
        timings.append(time.perf_counter() - start)
    return timings


def measure_request(case, url, runs):
    statements, _ = capture(case.path)
    replay(statements)
    limit = statistics.median(replay(statements) for _ in range(runs))
    timings = timed(url, case.path, runs)
    return Figure(
        label=case.label,
        queries=len(statements),
        median_ms=statistics.median(timings) * 1000,
        per_second=len(timings) / sum(timings),
        limit_ms=limit * 1000,
    )


def exported_rows(path, body):
    if "geojson" in path:
        collection = json.loads(body)
        return len(collection["features"]) + collection["without_coordinates"]
    return body.count(b"\n") - 1


def measure_export(case, env):
    """One export on a fresh worker, so that its peak memory is the export's own."""
    statements, body = capture(case.path)
    rows = exported_rows(case.path, body)
    limit = replay(statements)
    with gunicorn(workers=1, env=env, timeout=EXPORT_TIMEOUT) as server:
        start = time.perf_counter()
        fetch(server.url, case.path)
        seconds = time.perf_counter() - start
        peak = server.worker_peak_rss_mb()
    return Figure(
        label=case.label,
        queries=len(statements),
        median_ms=seconds * 1000,
        per_second=rows / seconds,
        limit_ms=limit * 1000,
        rows=rows,
        peak_rss_mb=peak,
    )


# --- Datasette -----------------------------------------------------------------------

DATASETTE_SQL = """
select operation.* from operations_operation as operation
join operations_place as place on place.id = operation.place_id
where operation.status = 'published' and operation.deleted_at is null
  and operation.merged_into_id is null and place.status = 'published'
  and place.country = :country and operation.occurred_on between :after and :before
order by operation.occurred_at desc, operation.id desc limit 100
"""


@contextmanager
def datasette(database_file):
    """Datasette serving `database_file` read-only and immutable (it never changes here)."""
    port = free_port()
    command = [sys.executable, "-m", "datasette", "serve", "--immutable", str(database_file)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    command += ["--setting", "sql_time_limit_ms", "60000"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(url, "/-/versions.json")
                break
            except (ConnectionError, RuntimeError):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("Datasette did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def measure_datasette(database_file, runs):
    query = urllib.parse.urlencode(
        {
            "sql": " ".join(DATASETTE_SQL.split()),
            "country": COUNTRY,
            "after": DATE_AFTER,
            "before": DATE_BEFORE,
            "_shape": "array",
        }
    )
    path = f"/{Path(database_file).stem}.json?{query}"
    with datasette(database_file) as url:
        rows = len(json.loads(fetch(url, path)))
        timings = timed(url, path, runs)
    return Figure(
        label=DATASETTE_LABEL,
        queries=1,
        median_ms=statistics.median(timings) * 1000,
        per_second=len(timings) / sum(timings),
        limit_ms=float("nan"),
        rows=rows,
    )


# --- one database --------------------------------------------------------------------


def server_env():
    """The environment of the measured server: this one's database, no throttling."""
    return {
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "OPSDB_ANON_RATE": "1000000/minute",
        "DEBUG": "0",
    }


def measure(count, runs, *, exports=True, only=None):
    """Figures of every case on this process's database, freshly filled with `count`."""
    from django.db import connection

    detail_id = prepare(count)
    chosen = [case for case in cases(detail_id, exports=exports) if not only or case.label in only]
    env = server_env()
    figures = []
    # One worker: the client sends one request at a time, so a second would sit idle, and
    # the one worker's memory is the export's.
    with gunicorn(workers=1, env=env) as server:
        for case in chosen:
            if not case.export:
                figures.append(measure_request(case, server.url, runs))
    figures += [measure_export(case, env) for case in chosen if case.export]
    if connection.vendor == "sqlite" and (not only or DATASETTE_LABEL in only):
        figures.append(measure_datasette(connection.settings_dict["NAME"], runs))
    return figures


# --- both databases, one table -------------------------------------------------------


def database_urls(directory, postgres_url):
    return {
        "SQLite": f"sqlite:///{Path(directory) / 'bench.sqlite3'}",
        "PostgreSQL": postgres_url,
    }


def ensure_postgres_database(url):
    """Create the PostgreSQL database of `url` if it is missing."""
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    connection = psycopg2.connect(server)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def measure_in_subprocess(database_url, count, runs, *, exports, only, log):
    """Run `manage.py bench --measure` against `database_url`; its figures."""
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        command = [sys.executable, "manage.py", "bench", "--measure", output.name]
        command += ["--count", str(count), "--runs", str(runs)]
        if not exports:
            command.append("--no-exports")
        for label in only or ():
            command += ["--only", label]
        env = {**os.environ, "DATABASE_URL": database_url, "OPSDB_ANON_RATE": "1000000/minute"}
        # The table is this process's output; the measuring process's own goes to stderr.
        log = log or sys.stderr
        subprocess.run(command, cwd=BASE_DIR, env=env, check=True, stdout=log, stderr=log)
        return [Figure(**figure) for figure in json.loads(Path(output.name).read_text())]


def run(
    count,
    runs,
    *,
    databases=("SQLite", "PostgreSQL"),
    postgres_url=None,
    exports=True,
    only=None,
    log=None,
):
    """Figures per database name, each database measured in its own process."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="opsdb-bench-") as directory:
        urls = database_urls(directory, postgres_url or DEFAULT_POSTGRES_URL)
        for name in databases:
            if name == "PostgreSQL":
                ensure_postgres_database(urls[name])
            results[name] = measure_in_subprocess(
                urls[name], count, runs, exports=exports, only=only, log=log
            )
    return results


def write_figures(figures, path):
    Path(path).write_text(json.dumps([asdict(figure) for figure in figures]))


def rate(per_second):
    """Requests per second, with a decimal when there are few."""
    return f"{per_second:.1f}/s" if per_second < 10 else f"{per_second:.0f}/s"


def cells(figure, datasette=None):
    """A figure as table cells: time, rate, limit, times the limit, memory."""
    if figure.label == DATASETTE_LABEL:
        ours = f"ours {datasette:.2f}x" if datasette else ""
        return [f"{figure.median_ms:.1f} ms", rate(figure.per_second), "", ours, ""]
    if figure.rows is not None:
        limit_rate = figure.rows / (figure.limit_ms / 1000)
        return [
            f"{figure.median_ms / 1000:.1f} s",
            f"{figure.per_second:,.0f} rows/s",
            f"{limit_rate:,.0f} rows/s",
            f"{figure.times_limit:.1f}x",
            f"{figure.peak_rss_mb:.0f} MB",
        ]
    return [
        f"{figure.median_ms:.1f} ms",
        rate(figure.per_second),
        f"{figure.limit_ms:.1f} ms",
        f"{figure.times_limit:.1f}x",
        "",
    ]


def table(results, count):
    """One text table: a row per case, each database's figures side by side."""
    names = list(results)
    labels = list(dict.fromkeys(f.label for figures in results.values() for f in figures))
    head = ["", "queries"]
    for name in names:
        head += [f"{name}: time", "rate", "limit", "x limit", "peak RSS"]
    lines = [head]
    for label in labels:
        by_name = {name: {f.label: f for f in results[name]}.get(label) for name in names}
        queries = {str(f.queries) for f in by_name.values() if f}
        row = [label, "/".join(sorted(queries))]
        for name in names:
            figure = by_name[name]
            if figure is None:
                row += [""] * 5
                continue
            ours = {f.label: f for f in results[name]}.get(LIST_LABEL)
            row += cells(figure, datasette=ours and ours.per_second / figure.per_second)
        if label == DATASETTE_LABEL:
            row[1] = ""
        lines.append(row)
    widths = [max(len(line[column]) for line in lines) for column in range(len(head))]
    text = [
        f"OpsDB bench: {count:,} operations, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "time: median over loopback (exports: one request); limit: the same SQL replayed raw"
        " plus json.dumps of its rows; x limit: time over limit.",
        f"deep page: page {DEEP_PAGE} at 100,000 operations (nine tenths of the way down).",
    ]
    for line in lines:
        cells_ = [line[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)
        ]
        text.append("  ".join(cells_).rstrip())
    return "\n".join(text)
