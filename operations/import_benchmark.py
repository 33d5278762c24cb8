"""The import benchmark (`manage.py benchmark_import`): a synthetic file, imported, timed.

The file is written row by row from pools of names, without the database, so that the
memory measured is the import's and not that of building the file (the generator of
synthetic.py writes to the database; exporting from it would load the same process).
Linux only: the current RSS is read from /proc/self/statm.
"""

import csv
import datetime as dt
import os
import resource
import time
from dataclasses import dataclass, field

from .imports import UCDP_REQUIRED, import_operations
from .interchange import HEADER

PLACES = 400  # distinct villages in a file
PERSONS_PER_OPERATION = 0.2  # persons are targeted again and again, as in real data
SOURCES_PER_OPERATION = 0.3
FORCES = [
    ("US Central Command", "state_force", "US"),
    ("Syrian Democratic Forces", "armed_group", "SY"),
    ("Iraqi Counter Terrorism Service", "state_force", "IQ"),
    ("Combined Joint Task Force", "coalition", ""),
]
ZONES = {"SY": "Asia/Damascus", "IQ": "Asia/Baghdad"}
START = dt.datetime(2015, 1, 1, 6, 0)


def village(number):
    country = "SY" if number % 2 else "IQ"
    return f"Benchmark village {number}", country, 33 + number % 60 / 20, 38 + number % 70 / 20


def opsdb_rows(count):
    """`count` rows of OpsDB CSV: 7 rows an operation (a force, 2 targets, 4 claims)."""
    operations = count // 7 + 1
    written = 0
    for number in range(operations):
        place, country, latitude, longitude = village(number % PLACES)
        force, force_kind, force_country = FORCES[number % len(FORCES)]
        common = {
            "operation": number + 1,
            "title": f"Benchmark raid {number + 1} in {place}",
            "kind": "ground_raid",
            "occurred_at": (START + dt.timedelta(hours=number)).strftime("%Y-%m-%dT%H:%M"),
            "date_precision": "hour",
            "time_zone": ZONES[country],
            "place": place,
            "place_kind": "settlement",
            "place_country": country,
            "place_latitude": f"{latitude:.5f}",
            "place_longitude": f"{longitude:.5f}",
            "place_aliases": f"ar: قرية {number % PLACES}",
            "location_precision": "near",
        }
        persons = [int(number * PERSONS_PER_OPERATION) + offset for offset in (0, 1)]
        source = int(number * SOURCES_PER_OPERATION)
        source_columns = {
            "source_url": f"https://news.example.org/benchmark/{source}",
            "source_title": f"Benchmark report {source}",
            "source_kind": "news_article",
            "source_published_on": (START + dt.timedelta(hours=number, days=1)).date(),
            "source_reliability": "C",
            "source_publisher": "Benchmark newswire",
            "source_publisher_kind": "media",
        }
        rows = [
            {
                **common,
                "row": "force",
                "force": force,
                "force_kind": force_kind,
                "force_country": force_country,
                "force_role": "lead",
            },
            *(
                {
                    **common,
                    "row": "target",
                    "target": position,
                    "target_person": f"Abu Benchmark {person}",
                    "target_person_aliases": f"spelling: Abou Benchmark {person}",
                    "target_outcome": "killed",
                }
                for position, person in enumerate(persons, start=1)
            ),
            *(
                {
                    **common,
                    **source_columns,
                    "row": "claim",
                    "claim": position,
                    "point": "outcome",
                    "claim_target": position,
                    "outcome": "killed",
                    "attribution": "a military spokesman",
                }
                for position in (1, 2)
            ),
            {
                **common,
                **source_columns,
                "row": "claim",
                "claim": 3,
                "point": "casualties",
                "category": "civilians_killed",
                "count_low": 0,
                "count_high": 2,
            },
            {
                **common,
                **source_columns,
                "row": "claim",
                "claim": 4,
                "point": "casualties",
                "category": "civilians_killed",
                "count_low": 1,
                "count_high": 1,
                "supersedes": 3,
            },
        ]
        for row in rows:
            if written == count:
                return
            yield row
            written += 1


def ucdp_rows(count):
    """`count` rows in the UCDP GED layout, one event each."""
    for number in range(count):
        place, country, latitude, longitude = village(number % PLACES)
        day = (START + dt.timedelta(days=number % 3000)).date()
        yield {
            "id": 800000 + number,
            "date_start": day,
            "date_end": day,
            "date_prec": 1,
            "where_prec": 2,
            "where_coordinates": f"{place} village",
            "adm_1": "Benchmark governorate",
            "adm_2": "Benchmark district",
            "latitude": f"{latitude:.4f}",
            "longitude": f"{longitude:.4f}",
            "country": "Syria" if country == "SY" else "Iraq",
            "side_a": FORCES[number % len(FORCES)][0],
            "side_b": "IS",
            "best": 3,
            "low": 2,
            "high": 5,
            "deaths_civilians": 1,
            "source_article": f"Benchmark report {number}",
            "source_office": "Benchmark newswire",
            "source_date": day,
        }


FILES = {"opsdb": (HEADER, opsdb_rows), "ucdp-ged": (list(UCDP_REQUIRED), ucdp_rows)}


def write_file(path, format, count):
    header, rows = FILES[format]
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=header, restval="")
        writer.writeheader()
        writer.writerows(rows(count))


def rss_megabytes():
    """The current resident set size (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_megabytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


@dataclass
class Measured:
    rows: int
    operations: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process's, apart from waiting for the database or a core
    rss_start: float = 0.0
    rss_at_tenth: float | None = None
    rss_end: float = 0.0
    peak_rss: float = 0.0
    errors: list = field(default_factory=list)

    @property
    def rows_per_second(self):
        return self.rows / self.seconds

    @property
    def operations_per_second(self):
        return self.operations / self.seconds

    def __str__(self):
        return (
            f"{self.rows:,} rows, {self.operations:,} operations in {self.seconds:.1f} s "
            f"({self.cpu_seconds:.1f} s of CPU): "
            f"{self.rows_per_second:,.0f} rows/s, {self.operations_per_second:,.0f} "
            f"operations/s. RSS {self.rss_start:.0f} MB at the start, "
            f"{self.rss_at_tenth or 0:.0f} MB at 10%, {self.rss_end:.0f} MB at the end; "
            f"peak {self.peak_rss:.0f} MB."
        )


def run(path, format, rows):
    """Import the file at `path` (of `rows` rows), measuring time and memory."""
    measured = Measured(rows=rows, rss_start=rss_megabytes())

    def progress(read):
        if measured.rss_at_tenth is None and read >= rows / 10:
            measured.rss_at_tenth = rss_megabytes()

    started, cpu_started = time.perf_counter(), time.process_time()
    with open(path, encoding="utf-8", newline="") as stream:
        result = import_operations(stream, format=format, progress=progress)
    measured.seconds = time.perf_counter() - started
    measured.cpu_seconds = time.process_time() - cpu_started
    measured.rss_end = rss_megabytes()
    measured.peak_rss = peak_rss_megabytes()
    measured.operations = len(result.created)
    measured.errors = result.error_lines()
    return measured
