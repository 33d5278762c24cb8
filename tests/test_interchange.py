"""OpsDB's own CSV format: export, import, and the round trip between them."""

import csv
import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from operations import imports, models
from operations.interchange import COLUMNS, HEADER
from operations.models import Claim, Operation, Organisation, Person, Place, Source, Status

from .factories import OperationFactory, PlaceFactory

pytestmark = pytest.mark.django_db

# Not carried by the format (see operations/interchange.py), or given by each database.
IGNORED = {"id", "status", "created_at", "updated_at", "search_key", "skeleton_key"}
NOT_CARRIED = {Organisation: {"parent", "description"}, Operation: {"deleted_at", "merged_into"}}


def natural(record):
    """A record as the other database can name it, without ids."""
    if record is None:
        return None
    if isinstance(record, models.Target):
        return (record.operation.title, record.name)
    if isinstance(record, Claim):
        return (record.operation.title, record.source.title, record.point, record.statement)
    return str(record)


def values(record):
    skip = IGNORED | NOT_CARRIED.get(type(record), set())
    out = {}
    for field in record._meta.concrete_fields:
        if field.name in skip or field.name.endswith("_ptr"):
            continue
        value = getattr(record, field.name)
        out[field.name] = natural(value) if field.many_to_one else value
    return out


def with_aliases(record, *fields):
    if record is None:
        return None
    aliases = sorted(
        tuple(getattr(alias, name) for name in fields) for alias in record.aliases.all()
    )
    return {**values(record), "aliases": aliases}


def snapshot():
    """Every exported operation and what it names, field by field, by title."""
    records = {}
    for operation in Operation.objects.filter(deleted_at=None, merged_into=None):
        records[operation.title] = {
            **values(operation),
            "place": with_aliases(operation.place, "name", "language"),
            "forces": [
                {**values(force), "organisation": with_aliases(force.organisation, "name")}
                for force in operation.forces.order_by("pk")
            ],
            "targets": [
                {
                    **values(target),
                    "person": with_aliases(target.person, "name", "kind"),
                    "organisation": with_aliases(target.organisation, "name"),
                }
                for target in operation.targets.order_by("pk")
            ],
            "claims": [
                {
                    **values(claim),
                    "source": {
                        **values(claim.source),
                        "publisher": with_aliases(claim.source.publisher, "name"),
                    },
                    "place": with_aliases(claim.place, "name", "language"),
                    "claimed_forces": sorted(force.name for force in claim.claimed_forces.all()),
                }
                for claim in operation.claims.order_by("pk")
            ],
        }
    return records


def export():
    out = io.StringIO()
    call_command("export_operations", "-", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def import_text(text, **options):
    return imports.import_operations(io.StringIO(text), format="opsdb", **options)


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text)))


def as_text(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def empty_database():
    """Delete every record of the app and its history (flush cannot run in a test's
    transaction on PostgreSQL)."""
    Claim.objects.update(supersedes=None)
    Operation.objects.update(merged_into=None)
    Organisation.objects.update(parent=None)
    for model in (models.OperationMerge, models.OperationLink, Claim, models.Target,
                  models.OperationForce, Operation, models.Role, models.PossibleIdentity,
                  Source, Person, Place, Organisation):  # fmt: skip
        model.objects.all().delete()
    for model in apps.get_app_config("operations").get_models():
        if model.__name__.startswith("Historical"):
            model.objects.all().delete()


def test_exporting_the_demo_and_importing_it_into_an_empty_database_gives_the_same_records(demo):
    before = snapshot()
    text = export()
    empty_database()

    result = import_text(text)

    assert result.written and not result.errors
    assert len(result.created) == len(before) == 6
    assert snapshot() == before
    for model in (Operation, Place, Organisation, Person, Source):
        assert set(model.objects.values_list("status", flat=True)) == {Status.DRAFT}


def test_the_demo_covers_what_the_format_carries(demo):
    """The round trip above only proves what the demo data holds."""
    rows = rows_of(export())
    filled = {column for row in rows for column, value in row.items() if value}
    assert {"force", "target_person_aliases", "target_description", "claimed_forces"} <= filled
    assert {"supersedes", "claim_occurred_at", "source_publisher_aliases", "quote"} <= filled
    assert {"place_aliases", "count_high", "claim_target"} <= filled


def test_the_import_writes_history_rows_with_the_importing_user(demo, analyst):
    text = export()
    empty_database()
    import_text(text, user=analyst)
    history = Claim.history.all()
    assert history.count() == Claim.objects.count()
    assert {(row.history_type, row.history_user_id) for row in history} == {("+", analyst.pk)}
    assert Operation.history.count() == Operation.objects.count()


def test_importing_the_same_file_twice_creates_nothing_the_second_time(demo):
    text = export()
    empty_database()
    import_text(text)
    counts = [model.objects.count() for model in (Operation, Claim, Place, Source, Person)]

    again = import_text(text)

    assert len(again.created) == 0 and len(again.matched) == 6
    assert [model.objects.count() for model in (Operation, Claim, Place, Source, Person)] == counts
    first = Operation.objects.order_by("pk").first()
    assert again.match_lines()[0] == f"row 1 matches operation #{first.pk}"


def test_an_operation_already_recorded_is_reported_and_left_out(demo):
    text = export()
    result = import_text(text)
    assert len(result.created) == 0
    airstrike = Operation.objects.get(kind=models.OperationKind.AIRSTRIKE)
    assert f"row 1 matches operation #{airstrike.pk}" in result.match_lines()


def test_allow_duplicates_creates_them_anyway(demo):
    result = import_text(export(), allow_duplicates=True)
    assert len(result.created) == 6
    assert Operation.objects.count() == 12


def test_an_operation_repeated_in_the_file_is_reported_once(demo):
    rows = rows_of(export())
    first = [row for row in rows if row["operation"] == rows[0]["operation"]]
    copy = [{**row, "operation": "copy"} for row in first]
    empty_database()

    result = import_text(as_text(first + copy))

    assert len(result.created) == 1
    assert result.match_lines() == [f"row {len(first) + 1} repeats row 1"]


def test_one_bad_row_writes_nothing_and_names_its_row_and_column(demo):
    rows = rows_of(export())
    rows[4]["count_low"] = "many"
    empty_database()

    result = import_text(as_text(rows))

    assert not result.written
    assert result.error_lines() == ["row 5: column count_low: 'many' is not a whole number"]
    assert not Operation.objects.exists() and not Place.objects.exists()


def test_a_bad_row_in_a_later_batch_undoes_the_batches_written_before(demo, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_ROWS", 5)
    rows = rows_of(export())
    rows[-1]["point"] = "weather"
    empty_database()

    result = import_text(as_text(rows))

    assert [(error.row, error.column) for error in result.errors] == [(len(rows), "point")]
    assert not Operation.objects.exists() and not Source.objects.exists()


def test_a_command_error_lists_every_bad_row(tmp_path, demo):
    rows = rows_of(export())
    for row in rows:
        if row["operation"] == rows[0]["operation"]:
            row["occurred_at"] = "6 October 2022"
    claim = next(number for number, row in enumerate(rows) if row["point"] == "outcome")
    rows[claim]["claim_target"] = "9"
    path = tmp_path / "operations.csv"
    path.write_text(as_text(rows), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 row"):
        call_command("import_operations", str(path), stdout=io.StringIO(), stderr=err)
    assert "row 1: column occurred_at: '6 October 2022' is not a local time" in err.getvalue()
    assert f"row {claim + 1}: column claim_target: no target 9" in err.getvalue()


def test_a_claim_breaking_the_models_rules_is_refused_with_its_column(demo):
    rows = rows_of(export())
    claim = next(row for row in rows if row["point"] == "casualties")
    claim["count_high"] = str(int(claim["count_low"]) - 1) if claim["count_low"] != "0" else ""
    claim["category"] = ""
    result = import_text(as_text(rows), allow_duplicates=True)
    assert any(error.column == "category" for error in result.errors)
    assert Operation.objects.count() == 6


def test_a_dry_run_reports_and_writes_nothing(demo):
    text = export()
    empty_database()
    result = import_text(text, dry_run=True)
    assert len(result.created) == 6 and not result.written
    assert result.new_records["operations"] == 6
    assert not Operation.objects.exists()


def test_places_are_found_by_an_alias_within_their_country():
    place = PlaceFactory(name="Al-Qamishli", country="SY")
    PlaceFactory(name="Qamishli", country="TR")
    row = {
        "operation": "1",
        "row": "operation",
        "title": "Raid near Qamishli",
        "kind": "ground_raid",
        "occurred_at": "2022-10-05",
        "date_precision": "day",
        "time_zone": "Asia/Damascus",
        "place": "Qamishli",
        "place_kind": "settlement",
        "place_country": "SY",
    }
    place.aliases.create(name="Qamishli")
    result = import_text(as_text([row]))
    assert result.written
    assert Operation.objects.get(title="Raid near Qamishli").place == place
    assert "places" not in result.new_records


def test_errors_beyond_a_thousand_are_counted_not_kept():
    rows = [
        {"operation": str(number), "row": "operation", "title": "x", "kind": "strike"}
        for number in range(1, 1202)
    ]
    result = import_text(as_text(rows))
    assert len(result.errors) > 1200
    assert len(list(result.errors)) == 1000
    assert result.error_lines()[-1].startswith("… and ")


def test_an_unknown_column_is_refused_before_any_row():
    with pytest.raises(imports.ImportFileError, match="colour"):
        import_text("operation,row,title,colour\n1,operation,x,red\n")


def test_the_export_leaves_out_deleted_and_merged_operations_but_keeps_drafts():
    kept = OperationFactory(title="Kept draft", status=Status.DRAFT)
    OperationFactory(title="Deleted", deleted_at=timezone.now())
    OperationFactory(title="Merged", merged_into=kept)
    titles = {row["title"] for row in rows_of(export())}
    assert titles == {"Kept draft"}


def test_the_export_command_writes_a_file(tmp_path, demo):
    path = tmp_path / "out.csv"
    err = io.StringIO()
    call_command("export_operations", str(path), stderr=err)
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(HEADER)
    assert "Exported 39 row(s)." in err.getvalue()


def test_every_column_is_documented():
    assert all(description for _, description in COLUMNS)
    assert len(set(HEADER)) == len(HEADER)


def test_an_operation_repeated_in_a_later_batch_is_found_in_the_database(demo, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_ROWS", 5)
    rows = rows_of(export())
    first = [row for row in rows if row["operation"] == rows[0]["operation"]]
    copy = [{**row, "operation": "copy"} for row in first]
    empty_database()

    result = import_text(as_text(rows + copy))

    assert len(result.created) == 6
    airstrike = Operation.objects.get(kind=models.OperationKind.AIRSTRIKE)
    assert result.match_lines() == [f"row {len(rows) + 1} matches operation #{airstrike.pk}"]


def test_the_command_counts_bad_rows_beyond_those_it_lists(tmp_path):
    rows = [
        {"operation": str(number), "row": "operation", "title": "x", "kind": "strike"}
        for number in range(1, 1202)
    ]
    path = tmp_path / "bad.csv"
    path.write_text(as_text(rows), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"^\d+ or more row\(s\)"):
        call_command("import_operations", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().rstrip().splitlines()[-1].startswith("… and ")


def test_a_later_row_that_contradicts_its_operations_columns_is_an_error(demo):
    rows = rows_of(export())
    first, later = (
        rows[0],
        next(row for row in rows[1:] if row["operation"] == rows[0]["operation"]),
    )
    later_number = rows.index(later) + 1
    later["place_latitude"] = "825"
    empty_database()

    result = import_text(as_text(rows))

    assert not result.written
    assert result.error_lines() == [
        f"row {later_number}: column place_latitude: '825' differs from row 1, where this "
        f"operation begins ({first['place_latitude']!r}): an operation's columns are the same "
        "on each of its rows"
    ]


def test_a_later_row_may_leave_its_operations_columns_empty(demo):
    rows = rows_of(export())
    operation = rows[0]["operation"]
    for row in rows[1:]:
        if row["operation"] == operation:
            row.update(title="", place="", place_latitude="", summary="")
    empty_database()

    assert import_text(as_text(rows)).written
