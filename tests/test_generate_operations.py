"""`generate_operations` fills the database with valid, varied, reproducible operations."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count

from operations import models
from operations.dates import DatePrecision
from operations.normalise import normalise_url
from operations.synthetic import BULK_MODELS, URL_BASE, Rows, World, generate_operations

from .factories import OperationFactory, PersonFactory, SourceFactory

pytestmark = pytest.mark.django_db


def full_clean_all(records):
    for record in records:
        record.full_clean()


def sample(model, size):
    """Every nth record, so that the sample spans the whole run."""
    records = list(model.objects.order_by("pk"))
    return records[:: max(1, len(records) // size)]


def snapshot():
    """Every generated value, with links written as positions instead of ids."""
    position = {}
    for model in (models.Operation, models.Target, models.Claim):
        pks = model.objects.order_by("pk").values_list("pk", flat=True)
        position[model] = {pk: index for index, pk in enumerate(pks)}
    operations = list(
        models.Operation.objects.order_by("pk").values_list(
            "title", "kind", "occurred_at", "date_precision", "local_time_zone", "place__name",
            "location_precision", "summary", "status",
        )
    )  # fmt: skip
    targets = [
        (position[models.Operation][operation], *rest)
        for operation, *rest in models.Target.objects.order_by("pk").values_list(
            "operation", "person__name", "organisation__name", "description", "role", "outcome"
        )
    ]
    claims = [
        (
            position[models.Operation][operation],
            position[models.Target].get(target),
            position[models.Claim].get(supersedes),
            *rest,
        )
        for operation, target, supersedes, *rest in models.Claim.objects.order_by(
            "pk"
        ).values_list(
            "operation", "target", "supersedes", "source__url", "point", "outcome", "category",
            "count_low", "count_high", "count_note", "occurred_at", "date_precision",
            "local_time_zone", "place__name", "location_precision", "kind", "attribution",
            "quote", "credibility", "occurred_until",
        )
    ]  # fmt: skip
    forces = sorted(
        (position[models.Operation][operation], name, role)
        for operation, name, role in models.OperationForce.objects.values_list(
            "operation", "organisation__name", "role"
        )
    )
    persons = list(
        models.Person.objects.order_by("pk").values_list("name", "search_key", "skeleton_key")
    )
    aliases = list(
        models.PersonAlias.objects.order_by("pk").values_list("person__name", "name", "kind")
    )
    sources = list(
        models.Source.objects.order_by("pk").values_list(
            "url", "title", "publisher__name", "published_on", "reliability", "language"
        )
    )
    return operations, targets, claims, forces, persons, aliases, sources


def test_generated_records_pass_full_clean():
    generate_operations(300, seed=1)
    for model in (models.Operation, models.Target, models.Claim, models.OperationForce):
        full_clean_all(sample(model, 60))
    for model in (
        models.Place,
        models.PlaceName,
        models.Organisation,
        models.OrganisationAlias,
        models.Person,
        models.PersonAlias,
        models.Source,
    ):
        full_clean_all(sample(model, 40))


def test_every_correction_supersedes_a_claim_on_the_same_point():
    generate_operations(400, seed=2)
    corrections = models.Claim.objects.filter(supersedes__isnull=False).select_related(
        "supersedes"
    )
    assert len(corrections) > 10
    for correction in corrections:
        correction.full_clean()
        assert correction.supersedes.point_key == correction.point_key
        assert correction.supersedes.operation_id == correction.operation_id


def test_what_save_would_keep_in_step_is_set():
    generate_operations(300, seed=3)
    for operation in models.Operation.objects.all():
        assert (
            models.time_error(
                operation.occurred_at, operation.local_time_zone, operation.date_precision
            )
            is None
        )
        assert operation.occurred_on == operation.local_date
    time_claims = models.Claim.objects.filter(point=models.Claim.Point.TIME)
    assert time_claims
    for claim in time_claims:
        assert claim.occurred_until == claim.period_end()
    assert not models.Claim.objects.exclude(point="time").filter(occurred_until__isnull=False)
    for source in models.Source.objects.all():
        assert source.url == normalise_url(source.url)
        assert source.url.startswith(f"{URL_BASE}/seed-3/run-1/")


def test_same_seed_gives_the_same_records():
    with transaction.atomic():
        generate_operations(150, seed=7)
        first = snapshot()
        transaction.set_rollback(True)
    assert not models.Operation.objects.exists()
    generate_operations(150, seed=7)
    assert snapshot() == first
    assert len(first[0]) == 150


def test_different_seeds_give_different_records():
    with transaction.atomic():
        generate_operations(50, seed=1)
        first = set(models.Operation.objects.values_list("title", "occurred_at"))
        transaction.set_rollback(True)
    generate_operations(50, seed=2)
    second = set(models.Operation.objects.values_list("title", "occurred_at"))
    assert len(first & second) < 5


def test_everything_is_published_by_default():
    generate_operations(100, seed=4)
    for model in (models.Operation, models.Place, models.Organisation, models.Person):
        assert not model.objects.filter(status=models.Status.DRAFT).exists()
    assert not models.Source.objects.filter(status=models.Status.DRAFT).exists()


def test_drafts_option_makes_that_share_of_operations_drafts():
    call_command("generate_operations", "--count", "400", "--seed", "5", "--drafts", "0.25",
                 stdout=io.StringIO())  # fmt: skip
    assert models.Operation.objects.filter(status=models.Status.DRAFT).count() == 100
    assert models.Operation.objects.published().count() == 300
    assert not models.Person.objects.filter(status=models.Status.DRAFT).exists()


def test_drafts_share_changes_nothing_but_the_status():
    with transaction.atomic():
        generate_operations(80, seed=6)
        published = [row[:-1] for row in snapshot()[0]]
        transaction.set_rollback(True)
    generate_operations(80, seed=6, drafts=0.5)
    assert [row[:-1] for row in snapshot()[0]] == published


def test_drafts_share_outside_zero_to_one_is_refused():
    with pytest.raises(CommandError):
        call_command("generate_operations", "--count", "5", "--drafts", "1.5")
    assert not models.Operation.objects.exists()


def test_about_one_operation_in_six_is_contested_as_the_summary_says():
    generate_operations(600, seed=8)
    contested = models.Operation.objects.contested().count()
    assert 0.08 * 600 <= contested <= 0.30 * 600
    by_summary = sum(
        operation.claims_summary.contested for operation in models.Operation.objects.with_summary()
    )
    assert by_summary == contested


def test_every_kind_precision_point_and_outcome_appears():
    generate_operations(500, seed=9)
    operations = models.Operation.objects
    assert set(operations.values_list("kind", flat=True)) == set(models.OperationKind.values)
    assert set(operations.values_list("date_precision", flat=True)) == set(DatePrecision.values)
    assert set(operations.values_list("location_precision", flat=True)) == set(
        models.LocationPrecision.values
    )
    countries = set(operations.values_list("place__country", flat=True))
    assert {"SY", "IQ"} < countries and len(countries) >= 5
    points = set(models.Claim.objects.values_list("point", flat=True))
    assert points == set(models.Claim.Point.values)
    outcomes = set(models.Target.objects.values_list("outcome", flat=True))
    assert outcomes == set(models.Outcome.values)
    assert set(models.Source.objects.values_list("reliability", flat=True)) >= set("BCDE")
    assert models.Claim.objects.filter(count_low__isnull=False, count_high__isnull=True).exists()


def test_operations_fall_between_2014_and_2026_in_their_local_time():
    generate_operations(400, seed=18)
    years = Counter(
        operation.local_occurred_at.year for operation in models.Operation.objects.all()
    )
    assert min(years) == 2014 and max(years) == 2026
    assert len(years) == 13


def test_places_have_coordinates_and_operations_spread_beyond_syria_and_iraq():
    generate_operations(400, seed=19)
    places = models.Place.objects.filter(operations__isnull=False).distinct()
    for place in places:
        assert place.latitude is not None and place.longitude is not None
        assert -90 <= place.latitude <= 90 and -180 <= place.longitude <= 180
    countries = Counter(models.Operation.objects.values_list("place__country", flat=True))
    assert countries.most_common(2)[0][0] in ("SY", "IQ")
    others = sum(number for country, number in countries.items() if country not in ("SY", "IQ"))
    assert 0.1 * 400 <= others <= 0.4 * 400


def test_every_number_of_targets_and_claims_occurs():
    generate_operations(400, seed=20)
    operations = models.Operation.objects.annotate(
        target_count=Count("targets", distinct=True), claim_count=Count("claims", distinct=True)
    )
    assert set(operations.values_list("target_count", flat=True)) == {1, 2, 3, 4}
    assert set(operations.values_list("claim_count", flat=True)) == set(range(1, 9))


def test_claims_come_from_a_pool_of_sources_shared_between_operations():
    generate_operations(400, seed=21)
    operations_per_source = Counter(
        source for source, _ in models.Claim.objects.values_list("source", "operation").distinct()
    )
    assert max(operations_per_source.values()) >= 3
    sources_per_operation = models.Operation.objects.annotate(
        source_count=Count("claims__source", distinct=True)
    ).values_list("source_count", flat=True)
    assert set(sources_per_operation) >= {1, 2, 3}


def test_contested_operations_mostly_disagree_on_counts():
    generate_operations(600, seed=22)
    contested = list(models.Operation.objects.contested().with_summary())
    assert 0.10 * 600 <= len(contested) <= 0.23 * 600
    on_counts = [
        operation
        for operation in contested
        if any(count.contested for count in operation.claims_summary.casualties.values())
    ]
    assert len(on_counts) >= len(contested) / 3


def test_aliases_are_other_transliterations_that_find_the_same_person():
    generate_operations(300, seed=23)
    spellings = models.PersonAlias.objects.filter(kind="spelling").select_related("person")
    per_person = Counter(spellings.values_list("person", flat=True))
    assert max(per_person.values()) >= 2  # several transliterations of one name
    for alias in spellings[:30]:
        assert alias.name != alias.person.name
        assert alias.person in models.Person.objects.matching(alias.name)
    scripts = Counter(
        "arabic" if not alias.isascii() else "latin"
        for alias in models.PersonAlias.objects.values_list("name", flat=True)
    )
    assert scripts["arabic"] > 0 and scripts["latin"] > scripts["arabic"]


def test_operations_have_their_share_of_forces_targets_and_claims():
    generate_operations(300, seed=10)
    for operation in models.Operation.objects.annotate(
        force_count=Count("forces", distinct=True),
        target_count=Count("targets", distinct=True),
        claim_count=Count("claims", distinct=True),
    ):
        assert 1 <= operation.force_count <= 2
        assert 1 <= operation.target_count <= 4
        assert 1 <= operation.claim_count <= 8
    leads = Counter(
        models.OperationForce.objects.filter(role="lead").values_list("operation", flat=True)
    )
    assert set(leads.values()) == {1} and len(leads) == 300
    kinds = Counter(
        "person" if t.person_id else "organisation" if t.organisation_id else "description"
        for t in models.Target.objects.all()
    )
    assert kinds["person"] > kinds["organisation"] > 0 and kinds["description"] > 0


def test_persons_have_one_to_five_aliases():
    generate_operations(400, seed=11)
    counts = Counter(
        models.Person.objects.annotate(aliases_count=Count("aliases")).values_list(
            "aliases_count", flat=True
        )
    )
    assert set(counts) == {1, 2, 3, 4, 5}
    kinds = set(models.PersonAlias.objects.values_list("kind", flat=True))
    assert {"kunya", "spelling", "native_script", "full_name"} <= kinds


def test_names_are_found_by_their_aliases():
    generate_operations(200, seed=12)
    for alias in sample(models.PersonAlias, 25):
        assert alias.person in models.Person.objects.matching(alias.name)
    for alias in sample(models.PlaceName, 10):
        assert alias.place in models.Place.objects.matching(alias.name)
    isis = models.Organisation.objects.get(name="Islamic State (ISIS)")
    assert isis in models.Organisation.objects.matching("Daesh")
    # The folded keys join transliterations: "el-" and "ash-" are articles like "al-".
    person = models.Person.objects.filter(name__contains=" al-").first()
    variant = person.name.replace(" al-", " el-")
    assert person in models.Person.objects.matching(variant)


def test_runs_on_a_database_with_demo_data(demo):
    demo_titles = set(models.Operation.objects.values_list("title", flat=True))
    out = io.StringIO()
    call_command("generate_operations", "--count", "100", "--seed", "13", stdout=out)
    assert "Generated 100 operations" in out.getvalue()
    assert models.Operation.objects.count() == 106
    assert demo_titles <= set(models.Operation.objects.values_list("title", flat=True))
    # The pools reuse the demo's records instead of doubling them.
    assert models.Organisation.objects.filter(name="US Central Command").count() == 1
    assert models.Place.objects.filter(name="Qamishli").count() == 1
    full_clean_all(sample(models.Claim, 30))


def test_a_second_run_with_the_same_seed_adds_sources_under_new_urls():
    generate_operations(60, seed=14)
    generate_operations(60, seed=14)
    assert models.Operation.objects.count() == 120
    assert models.Source.objects.filter(url__contains="/seed-14/run-2/").exists()
    assert models.Organisation.objects.filter(name="Islamic State (ISIS)").count() == 1


def test_records_created_afterwards_get_fresh_ids():
    # Ids are given by the generator; the database's sequences must have moved past them.
    generate_operations(40, seed=15)
    OperationFactory()
    SourceFactory()
    PersonFactory()
    assert models.Operation.objects.count() == 41


def test_ids_are_given_where_the_database_cannot_return_them(monkeypatch):
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    generate_operations(30, seed=16)
    for model in (models.Organisation, models.OrganisationAlias, models.Place, models.Claim):
        full_clean_all(sample(model, 10))
    OperationFactory()


def test_command_prints_a_summary_line():
    out = io.StringIO()
    call_command("generate_operations", "--count", "20", "--seed", "17", stdout=out)
    line = out.getvalue().strip()
    assert "\n" not in line
    assert line.startswith("Generated 20 operations (0 drafts)") and "operations/s" in line


def index_names(tables):
    with connection.cursor() as cursor:
        return {
            (table, name)
            for table in tables
            for name, constraint in connection.introspection.get_constraints(cursor, table).items()
            if constraint["index"]
        }


BULK_TABLES = [model._meta.db_table for model in BULK_MODELS]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_run_keeps_every_index_and_valid_foreign_keys():
    # Out of a test's transaction, foreign key checks are off during the load and indexes
    # are built after it: what the database holds at the end is the same.
    indexes = index_names(BULK_TABLES)
    assert indexes
    generate_operations(120, seed=24)
    assert index_names(BULK_TABLES) == indexes
    connection.check_constraints()
    full_clean_all(sample(models.Claim, 20))


@pytest.mark.django_db(transaction=True)
def test_a_run_that_fails_midway_writes_nothing_and_keeps_every_index(monkeypatch):
    indexes = index_names(BULK_TABLES)
    drawn = World.add_operation

    def fail_at_the_last(world, number, status):
        if number == 2_499:
            raise RuntimeError("drawing failed")
        drawn(world, number, status)

    monkeypatch.setattr(World, "add_operation", fail_at_the_last)
    with pytest.raises(RuntimeError, match="drawing failed"):
        generate_operations(2_500, seed=25)
    assert not models.Operation.objects.exists()
    assert not models.Person.objects.exists()
    assert index_names(BULK_TABLES) == indexes


def test_a_failed_write_stops_the_run_and_writes_nothing(monkeypatch):
    write = Rows.write

    def write_all_but_claims(self, cursor, rows):
        if self.table == connection.ops.quote_name(models.Claim._meta.db_table):
            raise RuntimeError("disk full")
        write(self, cursor, rows)

    monkeypatch.setattr(Rows, "write", write_all_but_claims)
    with pytest.raises(RuntimeError, match="disk full"):
        generate_operations(3_000, seed=26)
    assert not models.Operation.objects.exists()
    assert not models.Person.objects.exists()
