"""Server time of typical API requests and pages on the configured database, for the notes.

    python manage.py generate_operations --count 10000 --seed 1
    python manage.py benchmark_requests --runs 9

Requests go through Django's full stack in this process (no network), so the
figures are server time. Each request is timed twice: as a miss (the data version
moved first, as a write moves it, so the reader's cache has nothing; this is the
work of the view) and as a hit of the reader's cache (caching.py). Machines are
noisy: compare figures of one run.
"""

import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from operations.api.pagination import encode
from operations.caching import data_changed
from operations.models import Operation, Organisation, Person, Place, Source


def most(model, relation):
    """The published record with the most `relation` rows: the heaviest page of its kind."""
    records = model.objects.published().annotate(rows=Count(relation)).order_by("-rows", "pk")
    return records.values_list("pk", flat=True).first()


def deep_cursor(position):
    """The timeline's cursor after the `position`-th published operation, newest first."""
    operation = Operation.objects.published().order_by("-occurred_at", "-id")[position]
    return encode({"value": operation.occurred_at.isoformat(), "id": operation.pk})


def requests():
    busiest = Operation.objects.published().order_by("-id").values_list("pk", flat=True).first()
    filtered = "country=SY&date_after=2016-01-01&date_before=2024-12-31"
    deep = int(Operation.objects.published().count() * 0.9)
    return [
        ("timeline page of 50", "/"),
        ("timeline, country and dates", f"/?{filtered}"),
        (f"timeline after the {deep}th", f"/?cursor={deep_cursor(deep)}"),
        ("timeline q by a name alias", "/?q=Qurashi"),
        ("map points of every operation", "/map.json"),
        ("operation page", f"/operations/{busiest}/"),
        ("person page", f"/persons/{most(Person, 'targets')}/"),
        ("organisation page", f"/organisations/{most(Organisation, 'operation_forces')}/"),
        ("place page", f"/places/{most(Place, 'operations')}/"),
        ("source page", f"/sources/{most(Source, 'claims')}/"),
        ("list of 100, country and dates", f"/api/v1/operations/?{filtered}&page_size=100"),
        ("list of 10, country and dates", f"/api/v1/operations/?{filtered}&page_size=10"),
        ("operation detail", f"/api/v1/operations/{busiest}/"),
        ("q by a name alias", "/api/v1/operations/?q=Qurashi&page_size=100"),
        ("bbox", "/api/v1/operations/?bbox=38,35,41,37&page_size=100"),
        ("contested", "/api/v1/operations/?contested=true&page_size=100"),
    ]


class Command(BaseCommand):
    help = "Median server time and query count of typical pages and API requests."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=9)
        parser.add_argument("--export", action="store_true", help="Also time the CSV export.")

    def handle(self, *args, runs, export, **options):
        # An anonymous reader, as the public is; OPSDB_ANON_RATE must allow the runs.
        client = Client()
        total = Operation.objects.published().count()
        self.stdout.write(f"{total} published operations on {connection.vendor}")
        for label, url in requests():
            client.get(url)
            missed = [self.timed(client, url, miss=True) for _ in range(runs)]
            hit = [self.timed(client, url, miss=False) for _ in range(runs)]
            data_changed()
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            self.stdout.write(
                f"{label:34} median {statistics.median(missed) * 1000:7.1f} ms"
                f"  min {min(missed) * 1000:7.1f} ms  {len(queries)} queries"
                f"  | cached: median {statistics.median(hit) * 1000:6.2f} ms"
            )
        if export:
            data_changed()
            start = time.perf_counter()
            response = client.get("/api/v1/operations/", {"format": "csv"})
            rows = sum(1 for _ in response.streaming_content) - 1
            seconds = time.perf_counter() - start
            self.stdout.write(
                f"CSV export of {rows} rows: {seconds:.1f} s, {rows / seconds:.0f} rows/s"
            )

    @staticmethod
    def timed(client, url, *, miss):
        if miss:
            data_changed()
        start = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - start
        assert response.status_code == 200, (url, response.status_code)
        return seconds
