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


def queries_to_import(tmp_path, format, rows):
    path = tmp_path / f"{format}-{rows}.csv"
    import_benchmark.write_file(path, format, rows)
    # Each import starts from the same empty database: the second finds nothing the
    # first created.
    with transaction.atomic():
        with path.open(newline="") as stream, CaptureQueriesContext(connection) as queries:
            result = imports.import_operations(stream, format=format)
        transaction.set_rollback(True)
    assert not result.errors
    return len(queries)


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
