"""`make bench`: see operations/bench.py."""

import os

from django.core.management.base import BaseCommand, CommandError

from operations import bench


class Command(BaseCommand):
    help = (
        "Fill SQLite and PostgreSQL with COUNT synthetic operations, serve each with gunicorn "
        "over loopback, and print every read path's figures beside the limit of its own SQL."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--count", type=int, default=int(os.environ.get("BENCH_COUNT", 100_000))
        )
        parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 15)))
        parser.add_argument(
            "--database",
            action="append",
            choices=["SQLite", "PostgreSQL"],
            help="Measure only this database (repeatable; default both).",
        )
        parser.add_argument(
            "--postgres-url",
            default=os.environ.get("BENCH_POSTGRES_URL", bench.DEFAULT_POSTGRES_URL),
            help="The PostgreSQL database to fill (created if missing, emptied first).",
        )
        parser.add_argument("--no-exports", action="store_true", help="Leave out the exports.")
        parser.add_argument("--only", action="append", help="Measure only this row (repeatable).")
        # Internal: measure the database of DATABASE_URL and write the figures to a file.
        parser.add_argument("--measure", metavar="FILE", help="(internal)")

    def handle(self, *args, count, runs, database, postgres_url, no_exports, only, measure, **o):
        if count < 1 or runs < 1:
            raise CommandError("--count and --runs must be at least 1.")
        if measure:
            figures = bench.measure(count, runs, exports=not no_exports, only=only)
            bench.write_figures(figures, measure)
            return
        results = bench.run(
            count,
            runs,
            databases=database or ("SQLite", "PostgreSQL"),
            postgres_url=postgres_url,
            exports=not no_exports,
            only=only,
        )
        self.stdout.write(bench.table(results, count))
