"""`make load`: gunicorn with two workers on PostgreSQL, many clients, and PostgreSQL
stopped and started again in the middle; fails unless nothing but the outage failed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/opsdb_load \\
        python manage.py load_test --seconds 60 --clients 50 --outage-seconds 4
"""

import tempfile
from functools import partial

import psycopg2
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from rest_framework.authtoken.models import Token

from operations import load
from operations.groups import ANALYST, setup_groups
from operations.loopback import database_url, gunicorn
from operations.models import Operation, Organisation, Person, Place, Source

# It drops and makes again the database it is given: only one named for the purpose.
DATABASE_SUFFIX = "_load"


def recreate_database(settings):
    """An empty database of that name, on the server that DATABASE_URL names."""
    server = psycopg2.connect(
        dbname="postgres",
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"],
    )
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    server.close()


def published_ids(model):
    return list(model.objects.published().values_list("pk", flat=True))


class Command(BaseCommand):
    help = (
        "Fill a fresh PostgreSQL database, serve it with gunicorn (2 workers) and run "
        "concurrent readers and writers against it, stopping PostgreSQL for a few seconds "
        "in the middle. Prints requests, req/s and latency by kind; exits non-zero when a "
        "request failed outside the outage, any answer was a 500, or a write does not match "
        "the database. The database of DATABASE_URL must be named *_load: it is recreated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=60, help="Length of the run.")
        parser.add_argument("--clients", type=int, default=50, help="Concurrent clients.")
        parser.add_argument("--count", type=int, default=10000, help="Operations to generate.")
        parser.add_argument(
            "--outage-seconds",
            type=float,
            default=4,
            help="How long PostgreSQL stays stopped, a third into the run (0: no outage).",
        )
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, seconds, clients, count, outage_seconds, seed, **options):
        settings = connection.settings_dict
        if connection.vendor != "postgresql" or not settings["NAME"].endswith(DATABASE_SUFFIX):
            raise CommandError(
                "Set DATABASE_URL to a PostgreSQL database named *_load (it is dropped and "
                "made again), such as postgres://postgres@127.0.0.1:5432/opsdb_load."
            )
        cluster = None
        if outage_seconds > 0:
            try:
                cluster = load.cluster_serving(settings["PORT"] or 5432)
            except (LookupError, OSError) as error:
                raise CommandError(f"No outage possible: {error}.") from None
        token, pools = self.prepare(settings, count, seed)

        env = {"DATABASE_URL": database_url(settings), "OPSDB_ANON_RATE": "1000000/minute"}
        with (
            tempfile.NamedTemporaryFile("w+", prefix="opsdb-load-", suffix=".log") as log,
            gunicorn(workers=2, env=env, log=log) as server,
        ):
            self.stdout.write(
                f"{clients} clients for {seconds:g} s on {server.url} (2 gunicorn workers)"
                + (
                    f"; PostgreSQL {'/'.join(cluster)} stopped for {outage_seconds:g} s"
                    if cluster
                    else ""
                )
            )
            run = load.Run(server.url, token, pools, clients=clients, seconds=seconds, seed=seed)
            outage = load.Outage()
            fault = None
            if cluster:
                fault = partial(
                    self.fault, cluster, outage, after=seconds / 3, seconds=outage_seconds
                )
            elapsed = run.run(fault)
            log.seek(0)
            tracebacks = log.read().count("Traceback")

        self.stdout.write(f"Run of {elapsed:.1f} s; latencies are of the successful answers.")
        self.stdout.write(load.table(run.results, elapsed))
        self.stdout.write(load.outage_report(run.results, outage))
        failures = load.judge(run.results, outage)
        problems = load.check_writes(run.written)
        self.stdout.write(f"Writes: {load.write_summary(run.written)}.")
        self.stdout.write(f"Tracebacks in gunicorn's log: {tracebacks}.")
        for result, reason in failures[:20]:
            self.stdout.write(f"FAILED {result.kind} at {result.started:.2f} s: {reason}")
        for problem in problems[:20]:
            self.stdout.write(f"WRITE CHECK: {problem}")
        if outage.error:
            problems.append(f"The outage failed, {outage.error}")
        elif outage.ready is not None and load.recovery(run.results, outage) is None:
            problems.append("The site did not recover after PostgreSQL was back.")
        if failures or problems:
            raise CommandError(f"{len(failures)} requests failed, {len(problems)} write problems.")
        self.stdout.write(
            self.style.SUCCESS("No request failed but during the outage; every write matches.")
        )

    def fault(self, cluster, outage, stopwatch, *, after, seconds):
        load.stop_and_start(cluster, outage, after=after, seconds=seconds, stopwatch=stopwatch)

    def prepare(self, settings, count, seed):
        """A fresh database filled with `count` operations, an analyst's token, the pools."""
        connection.close()
        recreate_database(settings)
        call_command("migrate", verbosity=0)
        setup_groups()
        call_command("generate_operations", count=count, seed=seed, stdout=self.stdout)
        analyst = get_user_model().objects.create_user("load-analyst", is_staff=True)
        analyst.groups.add(setup_groups()[ANALYST])
        token = Token.objects.create(user=analyst).key
        places = Place.objects.published()
        pools = load.Pools(
            operations=published_ids(Operation),
            places=list(places.exclude(latitude=None).values_list("pk", flat=True)),
            organisations=published_ids(Organisation),
            persons=published_ids(Person),
            sources=published_ids(Source),
            countries=sorted(set(places.exclude(country="").values_list("country", flat=True))),
        )
        # The shutdown checkpoint of the outage then has little to write: a short stop.
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
        # The workers hold their own connections; this one is for the check afterwards.
        connection.close()
        return token, pools
