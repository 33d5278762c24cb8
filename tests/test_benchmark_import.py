"""The import benchmark, and what makes an import fast: queries that do not grow with rows."""

import gc
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from operations import import_benchmark, imports
from operations.models import Claim, Operation, OperationForce, Person, Place, Source, Target

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("format", ["opsdb", "ucdp-ged"])
def test_the_benchmark_imports_its_file_and_prints_speed_and_memory(format):
    out = io.StringIO()
    call_command("benchmark_import", "--rows", "70", "--format", format, stdout=out)
    printed = out.getvalue()
    speed = r"70 rows, \d+ operations in [\d.]+ s \([\d.]+ s of CPU\): [\d,]+ rows/s"
    assert re.search(speed, printed), printed
    assert re.search(r"RSS \d+ MB at the start, \d+ MB at 10%, \d+ MB at the end; peak", printed)
    assert Operation.objects.count() == (10 if format == "opsdb" else 70)


def test_the_benchmark_file_is_valid_opsdb_csv(tmp_path):
    path = tmp_path / "benchmark.csv"
    import_benchmark.write_file(path, "opsdb", 700)
    with path.open(newline="") as stream:
        result = imports.import_operations(stream, format="opsdb")
    assert not result.errors and len(result.created) == 100
    # Each operation's fourth claim corrects its third.
    assert Claim.objects.filter(supersedes__isnull=False).count() == 100


def import_queries(tmp_path, format, rows, **options):
    """The statements of importing a benchmark file of `rows` rows, rolled back after:
    each import starts from the database as it was."""
    result, queries, _ = imported(tmp_path, format, rows, **options)
    return result, queries


def imported(tmp_path, format, rows, inspect=None, **options):
    """import_queries, and what `inspect()` returns once the import had committed."""
    path = tmp_path / f"{format}-{rows}.csv"
    import_benchmark.write_file(path, format, rows)
    with transaction.atomic():
        with path.open(newline="") as stream, CaptureQueriesContext(connection) as queries:
            result = imports.import_operations(stream, format=format, **options)
        inspected = inspect() if inspect else None
        transaction.set_rollback(True)
    return result, [query["sql"] for query in queries], inspected


def import_kept(tmp_path, format, rows):
    """Import a benchmark file of `rows` rows, kept for the rest of the test."""
    path = tmp_path / f"kept-{format}-{rows}.csv"
    import_benchmark.write_file(path, format, rows)
    with path.open(newline="") as stream:
        imports.import_operations(stream, format=format)


def index_statement(sql):
    return "sqlite_master" in sql or sql.startswith(("DROP INDEX", "CREATE INDEX", "PRAGMA"))


def queries_to_import(tmp_path, format, rows):
    """How many statements an import runs, apart from those of deferring the indexes,
    which are once an import (tested below)."""
    result, queries = import_queries(tmp_path, format, rows)
    assert not result.errors
    return len([sql for sql in queries if not index_statement(sql)])


@pytest.mark.parametrize("format", ["opsdb", "ucdp-ged"])
def test_the_number_of_queries_does_not_grow_with_the_rows_of_a_batch(tmp_path, format):
    # 70 and 700 rows are each one batch: the same queries, however many rows.
    assert queries_to_import(tmp_path, format, 70) == queries_to_import(tmp_path, format, 700)


def test_a_larger_file_costs_the_queries_of_one_more_batch_per_batch(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_ROWS", 70)
    one = queries_to_import(tmp_path, "opsdb", 70)
    ten = queries_to_import(tmp_path, "opsdb", 700)
    assert ten <= 10 * one


def test_each_imported_record_has_one_history_row_with_its_values_and_the_user(
    tmp_path, django_user_model
):
    # The history rows are copied by the database from the rows just inserted.
    user = django_user_model.objects.create_user("importer")
    path = tmp_path / "benchmark.csv"
    import_benchmark.write_file(path, "opsdb", 70)
    with path.open(newline="") as stream:
        imports.import_operations(stream, format="opsdb", user=user)
    for model in (Operation, Claim, Target, OperationForce, Source, Place, Person):
        records = model.objects.order_by("pk")
        history = model.history.order_by("id")
        assert records.exists()
        assert list(history.values_list("id", flat=True)) == list(
            records.values_list("pk", flat=True)
        )
        assert set(history.values_list("history_type", "history_user")) == {("+", user.pk)}
        fields = [field.attname for field in model._meta.concrete_fields]
        assert list(history.values_list(*fields)) == list(records.values_list(*fields))


def test_an_import_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    path = tmp_path / "benchmark.csv"
    import_benchmark.write_file(path, "ucdp-ged", 10)
    with path.open(newline="") as stream:
        imports.import_operations(stream, format="ucdp-ged")
    assert gc.isenabled()
    gc.disable()
    try:
        with path.open(newline="") as stream:
            imports.import_operations(stream, format="ucdp-ged")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_garbage_collector_is_back_after_a_file_that_cannot_be_read(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with path.open(newline="") as stream, pytest.raises(imports.ImportFileError):
        imports.import_operations(stream, format="ucdp-ged")
    assert gc.isenabled()


def indexes():
    """{name: definition} of the database's indexes, on SQLite."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
        return dict(cursor.fetchall())


def dropped_indexes(queries):
    return [sql.split()[2].strip('"') for sql in queries if sql.startswith("DROP INDEX")]


sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="indexes are deferred on SQLite only"
)


@sqlite_only
def test_a_large_import_builds_the_secondary_indexes_once_at_the_end(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_ROWS", 70)
    before = indexes()
    result, queries, after = imported(tmp_path, "opsdb", 700, inspect=indexes)
    assert not result.errors and len(result.created) == 100
    dropped = dropped_indexes(queries)
    assert "operation_timeline" in dropped and "operations_claim_operation_id_97480e53" in dropped
    # Each is built again once, as it was defined.
    assert sorted(sql for sql in queries if sql.startswith("CREATE INDEX")) == sorted(
        before[name] for name in dropped
    )
    assert after == before


@sqlite_only
def test_indexes_built_again_are_counted_again_for_the_planner(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_ROWS", 70)
    import_kept(tmp_path, "ucdp-ged", 140)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counted = statistics()
    assert "operation_timeline" in counted
    _, queries, after = imported(tmp_path, "ucdp-ged", 700, inspect=statistics)
    assert "operation_timeline" in dropped_indexes(queries)
    assert after == counted


def statistics():
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT idx FROM sqlite_stat1")
        return {name for (name,) in cursor.fetchall()}


@sqlite_only
def test_unique_indexes_and_those_that_find_duplicates_stay_while_rows_go_in(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(imports, "BATCH_ROWS", 70)
    _, queries = import_queries(tmp_path, "opsdb", 700)
    dropped = dropped_indexes(queries)
    assert "source_url_unique" not in dropped
    assert "operations_operation_occurred_at_8590d4a6" not in dropped
    assert "operations_claim_source_id_16d00e80" not in dropped
    assert "source_title_without_url" not in dropped


@sqlite_only
def test_an_import_smaller_than_the_recorded_operations_keeps_the_indexes(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_ROWS", 70)
    import_kept(tmp_path, "ucdp-ged", 700)
    # The benchmark's events have the same ids: allowed again, 210 more new operations.
    _, queries = import_queries(tmp_path, "ucdp-ged", 210, allow_duplicates=True)
    assert Operation.objects.count() == 700
    assert dropped_indexes(queries) == []


@sqlite_only
@pytest.mark.parametrize("dry_run", [False, True])
def test_an_import_that_writes_nothing_leaves_every_index(tmp_path, monkeypatch, dry_run):
    monkeypatch.setattr(imports, "BATCH_ROWS", 70)
    before = indexes()
    path = tmp_path / "bad.csv"
    import_benchmark.write_file(path, "ucdp-ged", 700)
    if not dry_run:
        # The last row is bad: the indexes were dropped before it was read.
        text = path.read_text().rstrip("\n").rsplit("\n", 1)
        path.write_text(text[0] + "\n" + text[1].replace(",Syria,", ",Atlantis,") + "\n")
    with path.open(newline="") as stream, CaptureQueriesContext(connection) as queries:
        result = imports.import_operations(stream, format="ucdp-ged", dry_run=dry_run)
    assert bool(result.errors) is not dry_run
    assert dropped_indexes([query["sql"] for query in queries])
    assert indexes() == before
    assert not Operation.objects.exists()


def plan(queryset):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # An empty table is cheaper to scan: ask whether the index can serve.
            cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.values_list("pk").explain()


@pytest.mark.parametrize("count", [1, 2000])
def test_sources_are_found_by_url_through_the_unique_index(count):
    # The index is partial (no empty URL): a lookup that does not say so scanned every
    # source, on each batch of an import.
    urls = [f"https://news.example.org/{number}" for number in range(count)]
    assert "source_url_unique" in plan(Source.objects.at_urls(urls))


@pytest.mark.parametrize("count", [1, 2000])
def test_sources_without_a_url_are_found_by_title_through_an_index(count):
    titles = [f"Statement {number}" for number in range(count)]
    assert "source_title_without_url" in plan(Source.objects.without_url_titled(titles))


def test_an_import_looks_sources_up_by_url_as_the_unique_index_serves(tmp_path):
    import_kept(tmp_path, "ucdp-ged", 10)
    # Again: the sources are found, their claims looked for, and they are used again.
    _, queries = import_queries(tmp_path, "ucdp-ged", 10, allow_duplicates=True)
    lookups = [
        sql for sql in queries if sql.startswith("SELECT") and 'FROM "operations_source"' in sql
    ]
    assert lookups
    for sql in lookups:
        assert 'NOT ("operations_source"."url" = ' in sql, sql
