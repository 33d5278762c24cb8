"""`import_operations` brings in a UCDP GED CSV file, all or nothing, as drafts."""

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from operations import imports, models
from operations.dates import DatePrecision
from operations.models import Claim, LocationPrecision, Operation, Organisation, Place, Source
from operations.normalise import normalise_url

from .factories import OrganisationFactory, PlaceFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "samples" / "ucdp_ged_sample.csv"


def run(path, *args):
    """Run the command; (stdout, stderr, error or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import_operations", str(path), "--format", "ucdp-ged", *args, stdout=out, stderr=err
        )
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def sample_rows():
    with SAMPLE.open(newline="") as stream:
        reader = csv.DictReader(stream)
        return reader.fieldnames, list(reader)


def write_csv(tmp_path, rows, header=None, name="events.csv"):
    header = header or sample_rows()[0]
    path = tmp_path / name
    with path.open("w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def with_changes(number, **changes):
    """The sample's rows with row `number` (from 1) changed."""
    rows = sample_rows()[1]
    rows[number - 1] = {**rows[number - 1], **changes}
    return rows


def nothing_written():
    return not any(
        model.objects.exists()
        for model in (Operation, Place, Organisation, Source, Claim, models.Target)
    )


def operation(event_id):
    return Operation.objects.get(title__endswith=f"(UCDP GED {event_id})")


# --- the sample ------------------------------------------------------------------


def test_the_sample_imports_one_draft_operation_per_row():
    out, err, error = run(SAMPLE)
    assert error is None, err
    assert Operation.objects.count() == 11
    assert "Created 11 draft operation(s)" in out
    for model in (Operation, Place, Organisation, Source):
        assert set(model.objects.values_list("status", flat=True)) == {models.Status.DRAFT}


def test_it_titles_operations_by_place_and_event():
    run(SAMPLE)
    titles = set(Operation.objects.values_list("title", flat=True))
    assert "Operation in Mosul (UCDP GED 900101)" in titles
    assert "Operation near Raqqa (UCDP GED 900102)" in titles
    assert set(Operation.objects.values_list("kind", flat=True)) == {models.OperationKind.OTHER}


def test_it_keeps_the_local_date_in_the_countrys_time_zone():
    run(SAMPLE)
    raqqa = operation(900102)
    assert raqqa.local_time_zone == "Asia/Damascus"
    assert raqqa.date_precision == DatePrecision.DAY
    assert raqqa.local_date == dt.date(2017, 10, 17)
    # Midnight in Damascus (UTC+3 that day) is the evening before in UTC.
    assert raqqa.occurred_at == dt.datetime(2017, 10, 16, 21, 0, tzinfo=dt.UTC)
    assert operation(900101).local_time_zone == "Asia/Baghdad"


def test_time_zones_come_from_the_country_and_default_to_utc():
    assert imports.country_time_zone("SY") == "Asia/Damascus"
    assert imports.country_time_zone("IQ") == "Asia/Baghdad"
    assert imports.country_time_zone("SO") == "Africa/Mogadishu"
    assert imports.country_time_zone("") == "UTC"


def test_dates_are_never_more_precise_than_the_data():
    run(SAMPLE)
    # date_prec 3, 1 to 23 March: the month holds both dates.
    baghuz = operation(900105)
    assert (baghuz.date_precision, baghuz.local_occurred_at.date()) == (
        DatePrecision.MONTH,
        dt.date(2019, 3, 1),
    )
    # date_prec 4 over September: month.
    assert operation(900111).date_precision == DatePrecision.MONTH
    # date_prec 5: the year only.
    anbar = operation(900107)
    assert (anbar.date_precision, anbar.local_date) == (DatePrecision.YEAR, dt.date(2018, 1, 1))
    assert operation(900104).date_precision == DatePrecision.DAY


def test_it_maps_where_prec_to_places_and_location_precisions():
    run(SAMPLE)
    expected = {
        900101: (LocationPrecision.EXACT, "Mosul", Place.Kind.SETTLEMENT, "IQ"),
        900102: (LocationPrecision.NEAR, "Raqqa", Place.Kind.SETTLEMENT, "SY"),
        900105: (LocationPrecision.DISTRICT, "Abu Kamal", Place.Kind.DISTRICT, "SY"),
        900107: (LocationPrecision.PROVINCE, "Anbar", Place.Kind.PROVINCE, "IQ"),
        900111: (LocationPrecision.REGION, "Syrian Badia", Place.Kind.REGION, "SY"),
        900108: (LocationPrecision.COUNTRY, "Syria", Place.Kind.COUNTRY, "SY"),
    }
    for event_id, (precision, name, kind, country) in expected.items():
        record = operation(event_id)
        assert record.location_precision == precision
        assert (record.place.name, record.place.kind, record.place.country) == (
            name,
            kind,
            country,
        )
    mosul = operation(900101).place
    assert (mosul.latitude, mosul.longitude) == (Decimal("36.34000"), Decimal("43.13000"))
    assert (mosul.province, mosul.district) == ("Ninawa governorate", "Mosul")


def test_it_reuses_a_place_of_the_same_country_by_its_folded_name():
    existing = PlaceFactory(name="Al-Mawsil", country="IQ")
    existing.aliases.create(name="Mosul")
    PlaceFactory(name="Mosul", country="US")
    run(SAMPLE)
    assert operation(900101).place == existing


def test_it_finds_forces_and_targets_by_name_or_alias_and_creates_the_others():
    isis = OrganisationFactory(name="Islamic State", kind=Organisation.Kind.ARMED_GROUP)
    isis.aliases.create(name="IS")
    run(SAMPLE)
    mosul = operation(900101)
    assert [force.organisation.name for force in mosul.forces.all()] == ["Government of Iraq"]
    assert mosul.forces.get().organisation.kind == Organisation.Kind.STATE_FORCE
    target = mosul.targets.get()
    assert (target.organisation, target.outcome) == (isis, models.Outcome.UNKNOWN)
    assert Organisation.objects.filter(name="SDF", kind=Organisation.Kind.STATE_FORCE).exists()
    assert not Organisation.objects.filter(name="IS").exists()


def test_casualties_are_claims_with_ranges_from_the_events_source():
    run(SAMPLE)
    mosul = operation(900101)
    killed = mosul.claims.get(category=Claim.Category.PEOPLE_KILLED)
    assert (killed.count_low, killed.count_high, killed.count_note) == (8, 20, "best estimate 12")
    civilians = mosul.claims.get(category=Claim.Category.CIVILIANS_KILLED)
    assert (civilians.count_low, civilians.count_high) == (3, 3)
    assert killed.source == civilians.source
    source = killed.source
    assert source.url == "https://ucdp.uu.se/event/900101"
    assert source.title.startswith('Wire service,"Iraqi troops press')
    assert (source.kind, source.reliability) == (Source.Kind.REPORT, Source.Reliability.F)
    assert source.published_on == dt.date(2017, 7, 9)  # the first of two dates
    assert (source.publisher.name, source.publisher.kind) == ("Reuters", Organisation.Kind.MEDIA)


def test_no_civilians_reported_is_a_zero_claim_when_people_were_killed():
    run(SAMPLE)
    raqqa = operation(900102).claims.get(category=Claim.Category.CIVILIANS_KILLED)
    assert (raqqa.count_low, raqqa.count_high) == (0, 0)


def test_the_history_records_the_user(django_user_model):
    user = django_user_model.objects.create_user("importer")
    run(SAMPLE, "--user", "importer")
    record = operation(900101)
    assert record.history.get().history_user == user
    assert record.claims.first().history.get().history_user == user


def test_an_unknown_user_is_refused():
    _, _, error = run(SAMPLE, "--user", "nobody")
    assert "nobody" in str(error)
    assert nothing_written()


# --- all or nothing -----------------------------------------------------------


def test_one_bad_row_writes_nothing_and_names_the_row_and_column(tmp_path):
    path = write_csv(tmp_path, with_changes(4, latitude="825"))
    out, err, error = run(path)
    assert error is not None
    assert "nothing was imported" in str(error)
    assert "row 4: column latitude: 825 is outside -90 to 90" in err
    assert err.count("row ") == 1
    assert nothing_written()


def test_every_bad_row_has_its_message(tmp_path):
    rows = with_changes(2, date_start="2017-13-45")
    rows[6]["best"] = "many"
    rows[7]["high"] = "Infinity"
    _, err, error = run(write_csv(tmp_path, rows))
    assert "3 row(s)" in str(error)
    assert "row 8: column high: 'Infinity' is not a whole number" in err
    assert "row 2: column date_start:" in err
    assert "row 7: column best: 'many' is not a whole number" in err


def test_an_unknown_country_is_a_row_error(tmp_path):
    _, err, error = run(write_csv(tmp_path, with_changes(3, country="Atlantis")))
    assert "row 3: column country: unknown country 'Atlantis'" in err
    assert nothing_written()


def test_international_waters_are_a_row_error(tmp_path):
    _, err, error = run(write_csv(tmp_path, with_changes(1, where_prec="7")))
    assert error is not None
    assert "row 1: column where_prec: 7 is international waters" in err
    assert nothing_written()


def test_a_low_above_the_high_is_a_row_error(tmp_path):
    _, err, error = run(write_csv(tmp_path, with_changes(5, low="70", high="60", best="65")))
    assert "row 5: column low: low (70) is above high (60)" in err
    assert nothing_written()


def test_a_best_outside_low_and_high_is_a_row_error(tmp_path):
    _, err, _ = run(write_csv(tmp_path, with_changes(5, best="61")))
    assert "row 5: column best:" in err


def test_an_end_before_the_start_is_a_row_error(tmp_path):
    _, err, _ = run(write_csv(tmp_path, with_changes(5, date_end="2019-02-01")))
    assert "row 5: column date_end: 2019-02-01 is before date_start" in err


def test_a_period_across_years_is_a_row_error(tmp_path):
    _, err, _ = run(write_csv(tmp_path, with_changes(5, date_end="2020-01-10")))
    assert "row 5: column date_end:" in err
    assert nothing_written()


def test_a_missing_column_is_one_error_for_the_file(tmp_path):
    header = [name for name in sample_rows()[0] if name != "best"]
    _, err, error = run(write_csv(tmp_path, sample_rows()[1], header=header))
    assert "lacks the UCDP GED column(s) best" in str(error)
    assert "row" not in err
    assert nothing_written()


def test_an_empty_file_is_an_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    _, _, error = run(path)
    assert "is empty" in str(error)


def test_a_header_without_rows_is_an_error(tmp_path):
    _, _, error = run(write_csv(tmp_path, []))
    assert "no rows" in str(error)


def test_a_file_that_is_not_csv_is_an_error_not_a_traceback(tmp_path):
    path = tmp_path / "picture.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    _, _, error = run(path)
    assert "not a readable UTF-8 CSV file" in str(error)
    text = tmp_path / "notes.txt"
    text.write_text("Some notes about Mosul.\nNothing tabular here.\n")
    _, _, error = run(text)
    assert "lacks the UCDP GED column(s)" in str(error)


def test_a_missing_file_is_an_error(tmp_path):
    _, _, error = run(tmp_path / "nowhere.csv")
    assert "Cannot read" in str(error)


# --- dry run and duplicates ---------------------------------------------------


def test_a_dry_run_writes_nothing_and_reports_counts():
    out, _, error = run(SAMPLE, "--dry-run")
    assert error is None
    assert "Dry run: 11 row(s) would be created" in out
    assert "0 row(s) match existing operations" in out
    assert nothing_written()


def test_a_dry_run_reports_rows_that_match():
    run(SAMPLE)
    out, _, _ = run(SAMPLE, "--dry-run")
    assert "Dry run: 0 row(s) would be created" in out
    assert "11 row(s) match existing operations" in out


def test_a_dry_run_reports_row_errors_too(tmp_path):
    _, err, error = run(write_csv(tmp_path, with_changes(2, country="Atlantis")), "--dry-run")
    assert error is not None
    assert "row 2: column country" in err


def test_importing_twice_creates_nothing_the_second_time():
    run(SAMPLE)
    counts = {model: model.objects.count() for model in (Operation, Place, Source, Claim)}
    out, _, error = run(SAMPLE)
    assert error is None
    assert {model: model.objects.count() for model in counts} == counts
    assert f"row 1 matches operation #{operation(900101).pk}" in out
    assert "Created 0 draft operation(s); 11 row(s) matched" in out


def test_allow_duplicates_creates_them_again():
    run(SAMPLE)
    out, _, error = run(SAMPLE, "--allow-duplicates")
    assert error is None
    assert Operation.objects.count() == 22
    # The event's source is one document: the new operations cite the same one.
    assert Source.objects.count() == 11
    assert Claim.objects.filter(source__url="https://ucdp.uu.se/event/900101").count() == 4


def test_a_row_repeating_an_event_of_the_same_file_is_a_match(tmp_path):
    rows = sample_rows()[1]
    out, _, _ = run(write_csv(tmp_path, [rows[0], rows[1], rows[0]]))
    assert "row 3 repeats row 1" in out
    assert Operation.objects.count() == 2


def test_event_urls_are_written_in_normalised_form():
    url = imports.UCDP_EVENT_URL.format(123456)
    assert normalise_url(url) == url


def test_a_place_spelt_another_way_close_by_is_the_recorded_one(tmp_path, demo):
    jindires = Place.objects.get(name="Jindires")
    places = Place.objects.count()
    row = {
        **sample_rows()[1][0],
        "id": "900901",
        "country": "Syria",
        "where_coordinates": "Jindayris town",
        "latitude": "36.39",
        "longitude": "36.69",
    }
    # The skeleton of the alias Jandairis, but 250 km away: another place.
    far = {
        **row,
        "id": "900902",
        "where_coordinates": "Jundairis village",
        "latitude": "35.0",
        "longitude": "38.5",
    }

    out, err, error = run(write_csv(tmp_path, [row, far]))

    assert error is None, err
    assert operation(900901).place == jindires
    assert operation(900902).place != jindires
    assert Place.objects.count() == places + 1
