"""/api/v1/changes/: a script that follows it keeps an exact copy of the published data."""

import contextlib
import datetime as dt
import io
import random
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.throttling import AnonRateThrottle

from operations import changes, models, services

from .api_client import api_client
from .factories import (
    CasualtyClaimFactory,
    OperationFactory,
    OrganisationFactory,
    PersonFactory,
    PlaceFactory,
    SourceFactory,
    TargetFactory,
)

URL = "/api/v1/changes/"
SAMPLE = Path(__file__).parent / "samples" / "ucdp_ged_sample.csv"
SETTLE = 0.002  # seconds: a window ends this far behind the present
DRAFT, PUBLISHED = models.Status.DRAFT, models.Status.PUBLISHED


@pytest.fixture(autouse=True)
def quick_settle(settings, monkeypatch):
    settings.CHANGES_SETTLE_SECONDS = SETTLE
    # Anonymous reads stay throttled, at a rate these tests never reach.
    monkeypatch.setattr(AnonRateThrottle, "rate", "1000000/minute", raising=False)


def settled():
    """Wait until what was just written is older than the settle time."""
    time.sleep(SETTLE * 2)


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def start(client, since=None):
    """The first page: from `since`, or from the beginning."""
    return read(client, URL + (f"?since={since.isoformat().replace('+', '%2B')}" if since else ""))


def drain(client, page):
    """Every entry from `page` on, to the end of its window, and the next window's link."""
    entries = list(page["results"])
    while page["more"]:
        page = read(client, page["next"])
        entries += page["results"]
    return entries, page["next"]


def changes_after(client, link):
    settled()
    return drain(client, read(client, link))


def keys(entries):
    return {(entry["type"], entry["id"], entry["change"]) for entry in entries}


@pytest.fixture
def anonymous(db):
    return api_client()


@pytest.fixture
def caught_up(anonymous):
    """A copy that is up to date: the link to poll for what comes next."""

    def catch_up():
        settled()
        return drain(anonymous, start(anonymous))[1]

    return catch_up


# --- what the feed hands out -------------------------------------------------------


def test_a_first_read_gives_every_published_record_once_as_it_reads_in_the_api(anonymous):
    operation = OperationFactory()
    claim = CasualtyClaimFactory(operation=operation)
    PersonFactory(status=DRAFT, name="Secret draft person")
    settled()

    entries, _ = drain(anonymous, start(anonymous))

    assert {(entry["type"], entry["id"]) for entry in entries} == {
        ("places", operation.place_id),
        ("operations", operation.pk),
        ("sources", claim.source_id),
        ("claims", claim.pk),
    }
    for entry in entries:
        assert entry["change"] == "upsert"
        detail = read(anonymous, f"/api/v1/{entry['type']}/{entry['id']}/")
        assert entry["record"] == detail


def test_an_edit_comes_as_an_upsert_with_the_record_as_its_detail_gives_it(anonymous, caught_up):
    person = PersonFactory(name="Abu Ala")
    link = caught_up()

    person.name = "Abu 'Ala"
    person.save()
    entries, _ = changes_after(anonymous, link)

    assert keys(entries) == {("persons", person.pk, "upsert")}
    assert entries[0]["record"] == read(anonymous, f"/api/v1/persons/{person.pk}/")
    assert entries[0]["record"]["name"] == "Abu 'Ala"


def test_nothing_changed_gives_an_empty_page_and_the_same_window_end_moves_on(
    anonymous, caught_up
):
    link = caught_up()
    first = read(anonymous, link)
    assert first["results"] == [] and first["more"] is False
    assert read(anonymous, first["next"])["since"] == first["until"]


@pytest.mark.parametrize("model_factory", [PlaceFactory, PersonFactory, OrganisationFactory])
def test_unpublishing_a_record_gives_a_tombstone_with_its_type_and_id_only(
    anonymous, caught_up, model_factory
):
    record = model_factory(name="Withdrawn name")
    link = caught_up()

    record.status = DRAFT
    record.save()
    entries, _ = changes_after(anonymous, link)

    resource = {"place": "places", "person": "persons", "organisation": "organisations"}
    entry = next(entry for entry in entries if entry["id"] == record.pk)
    assert entry["type"] == resource[record._meta.model_name]
    assert entry["change"] == "tombstone"
    assert set(entry) == {"type", "id", "change", "cursor"}
    assert "Withdrawn name" not in str(entries)


def test_unpublishing_an_operation_withdraws_it_and_each_of_its_claims(anonymous, caught_up):
    operation = OperationFactory(title="Raid near Qamishli")
    claims = CasualtyClaimFactory.create_batch(2, operation=operation)
    link = caught_up()

    operation.status = DRAFT
    operation.save()
    entries, _ = changes_after(anonymous, link)

    assert {("operations", operation.pk, "tombstone")} | {
        ("claims", claim.pk, "tombstone") for claim in claims
    } <= keys(entries)
    assert "Raid near Qamishli" not in str([e for e in entries if e["change"] == "tombstone"])


def test_deleting_an_operation_withdraws_it_and_its_claims(anonymous, caught_up):
    operation = OperationFactory()
    claim = CasualtyClaimFactory(operation=operation)
    link = caught_up()

    operation.deleted_at = timezone.now()
    operation.save()
    entries, _ = changes_after(anonymous, link)

    assert {("operations", operation.pk, "tombstone"), ("claims", claim.pk, "tombstone")} <= keys(
        entries
    )


def test_a_merged_duplicate_is_withdrawn_and_its_claims_move_to_the_kept_operation(
    anonymous, caught_up, reviewer
):
    kept, duplicate = OperationFactory(), OperationFactory()
    claim = CasualtyClaimFactory(operation=duplicate)
    link = caught_up()

    merge = services.merge_operations(kept=kept, duplicate=duplicate, user=reviewer)
    entries, link = changes_after(anonymous, link)

    assert {
        ("operations", duplicate.pk, "tombstone"),
        ("operations", kept.pk, "upsert"),
        ("claims", claim.pk, "upsert"),
    } <= keys(entries)
    moved = next(entry for entry in entries if entry["type"] == "claims")
    assert moved["record"]["operation"]["id"] == kept.pk

    services.undo_merge(merge, user=reviewer)
    entries, _ = changes_after(anonymous, link)
    assert {("operations", duplicate.pk, "upsert"), ("claims", claim.pk, "upsert")} <= keys(
        entries
    )


def test_hard_deleted_records_are_found_in_the_history_and_withdrawn(anonymous, caught_up):
    person = PersonFactory()
    claim = CasualtyClaimFactory()
    person_id, claim_id = person.pk, claim.pk
    link = caught_up()

    person.delete()
    claim.delete()
    services.mark_changed(claim.operation_id)
    entries, _ = changes_after(anonymous, link)

    assert {("persons", person_id, "tombstone"), ("claims", claim_id, "tombstone")} <= keys(
        entries
    )
    assert ("operations", claim.operation_id, "upsert") in keys(entries)


def test_an_operation_marked_changed_without_a_history_row_is_listed(anonymous, caught_up):
    """mark_changed moves an operation's updated_at with QuerySet.update(), perhaps in a
    later transaction than the claim that called for it: its own row tells."""
    operation = OperationFactory()
    link = caught_up()

    services.mark_changed(operation.pk)
    entries, _ = changes_after(anonymous, link)

    assert keys(entries) == {("operations", operation.pk, "upsert")}
    assert entries[0]["record"] == read(anonymous, f"/api/v1/operations/{operation.pk}/")


def test_a_draft_created_and_edited_shows_nothing_of_its_content(anonymous, caught_up):
    link = caught_up()
    operation = OperationFactory(status=DRAFT, title="Secret raid", summary="Secret summary")
    CasualtyClaimFactory(operation=operation, quote="Secret quote")
    source = SourceFactory(status=DRAFT, title="Secret source")
    CasualtyClaimFactory(source=source, quote="Another secret")

    settled()
    response = anonymous.get(link)

    assert "Secret" not in response.content.decode()
    for entry in response.json()["results"]:
        if entry["change"] == "tombstone":
            assert set(entry) == {"type", "id", "change", "cursor"}


def test_what_a_record_shows_of_another_changes_it_too(anonymous, caught_up):
    """A place renamed: its operations read differently; a source published: the
    operation gains its claims, and the claims appear."""
    operation = OperationFactory()
    source = SourceFactory(status=DRAFT)
    claim = CasualtyClaimFactory(operation=operation, source=source)
    link = caught_up()

    operation.place.name = "Qamishli"
    operation.place.save()
    entries, link = changes_after(anonymous, link)
    assert ("operations", operation.pk, "upsert") in keys(entries)

    source.status = PUBLISHED
    source.save()
    entries, _ = changes_after(anonymous, link)
    assert {
        ("sources", source.pk, "upsert"),
        ("claims", claim.pk, "upsert"),
        ("operations", operation.pk, "upsert"),
    } <= keys(entries)
    record = next(e["record"] for e in entries if e["type"] == "operations")
    assert [c["id"] for c in record["claims"]] == [claim.pk]


def test_a_bulk_import_s_records_are_in_the_feed_though_written_without_save(analyst, anonymous):
    """The import writes rows and their history rows with executemany: an analyst's
    copy receives its drafts; an anonymous copy learns nothing of them."""
    team = api_client(analyst)
    settled()
    link = drain(team, start(team))[1]
    public_link = drain(anonymous, start(anonymous))[1]

    call_command("import_operations", str(SAMPLE), "--format", "ucdp-ged", stdout=io.StringIO())
    entries, _ = changes_after(team, link)
    public_entries, _ = changes_after(anonymous, public_link)

    imported = {
        (resource, pk, "upsert")
        for model, resource in RESOURCE_OF.items()
        for pk in model.objects.values_list("pk", flat=True)
    }
    assert models.Operation.objects.exists()
    assert keys(entries) == imported
    assert {(kind, pk, "tombstone") for kind, pk, _ in imported} == keys(public_entries)


def rename(record, name="Renamed"):
    record.name = name
    record.save()


def unpublish(record):
    record.status = DRAFT
    record.save()


def retitle(operation):
    operation.title = "Retitled"
    operation.save()


@pytest.mark.parametrize(
    "edit, relisted",
    [
        # An operation shows its targets' names, its forces, and the operations it links to.
        (lambda o: rename(o["person"]), lambda o: ("operations", o["operation"].pk)),
        (lambda o: rename(o["organisation"]), lambda o: ("operations", o["operation"].pk)),
        (lambda o: retitle(o["linked"]), lambda o: ("operations", o["operation"].pk)),
        # A person shows the operations against them; an organisation its counts, its
        # parent's name and its members.
        (lambda o: retitle(o["operation"]), lambda o: ("persons", o["person"].pk)),
        (lambda o: unpublish(o["operation"]), lambda o: ("organisations", o["organisation"].pk)),
        (lambda o: rename(o["parent"]), lambda o: ("organisations", o["organisation"].pk)),
        (lambda o: rename(o["person"]), lambda o: ("organisations", o["parent"].pk)),
        # A source shows its publisher; a claim its operation, source and target.
        (lambda o: rename(o["parent"]), lambda o: ("sources", o["claim"].source_id)),
        (lambda o: rename(o["person"]), lambda o: ("claims", o["claim"].pk)),
        (lambda o: retitle(o["operation"]), lambda o: ("claims", o["claim"].pk)),
    ],
)
def test_a_record_is_listed_when_something_it_shows_of_another_changed(
    anonymous, caught_up, edit, relisted
):
    parent = OrganisationFactory()
    organisation = OrganisationFactory(parent=parent)
    operation, linked = OperationFactory(), OperationFactory()
    models.OperationForce.objects.create(operation=operation, organisation=organisation)
    target = TargetFactory(operation=operation)
    models.Role.objects.create(person=target.person, organisation=parent, title="emir")
    models.OperationLink.objects.create(
        from_operation=operation, to_operation=linked, relation="followed"
    )
    claim = models.Claim.objects.create(
        operation=operation,
        source=SourceFactory(publisher=parent),
        point="outcome",
        target=target,
        outcome="killed",
    )
    records = {
        "parent": parent,
        "organisation": organisation,
        "operation": operation,
        "linked": linked,
        "person": target.person,
        "claim": claim,
    }
    link = caught_up()

    edit(records)
    entries, _ = changes_after(anonymous, link)

    resource, pk = relisted(records)
    entry = next(e for e in entries if (e["type"], e["id"]) == (resource, pk))
    assert entry["record"] == read(anonymous, f"/api/v1/{resource}/{pk}/")


# --- cursors, windows and bad requests --------------------------------------------


def test_pages_continue_exactly_where_the_last_one_stopped(anonymous):
    places = PlaceFactory.create_batch(5)
    persons = PersonFactory.create_batch(3)
    settled()

    page = read(anonymous, URL + "?page_size=3")
    seen = [(entry["type"], entry["id"]) for entry in page["results"]]
    while page["more"]:
        assert len(page["results"]) == 3
        page = read(anonymous, page["next"])
        seen += [(entry["type"], entry["id"]) for entry in page["results"]]

    expected = [("places", p.pk) for p in places] + [("persons", p.pk) for p in persons]
    assert seen == expected


def test_an_entry_s_cursor_resumes_just_after_it(anonymous):
    places = PlaceFactory.create_batch(4)
    settled()
    entries, _ = drain(anonymous, start(anonymous))

    resumed = read(anonymous, f"{URL}?cursor={entries[1]['cursor']}")

    assert [entry["id"] for entry in resumed["results"]] == [p.pk for p in places[2:]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's sessions")
def test_a_window_ends_before_the_oldest_transaction_still_open(anonymous):
    """Its writes, stamped after it began, may commit after the window is read."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT xact_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")
            (began,) = cursor.fetchone()
        time.sleep(SETTLE * 5)

        assert changes.horizon() <= began - dt.timedelta(seconds=SETTLE)
        with other.cursor() as cursor:
            cursor.execute("ROLLBACK")
        assert changes.horizon() > began
    finally:
        other.close()


def test_a_change_younger_than_the_settle_time_waits_for_the_next_window(anonymous, settings):
    settings.CHANGES_SETTLE_SECONDS = 60
    before = timezone.now()
    PlaceFactory()

    page = start(anonymous, since=before - dt.timedelta(hours=1))

    assert page["results"] == []
    assert dt.datetime.fromisoformat(page["until"]) <= before - dt.timedelta(seconds=59)


@pytest.mark.parametrize(
    "query, field",
    [
        ("since=yesterday", "since"),
        ("since=2024-13-01T00:00:00Z", "since"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=eyJzaW5jZSI6IDF9", "cursor"),
        # {"since": "2024-01-01T00:00:00"}: no offset
        ("cursor=eyJzaW5jZSI6ICIyMDI0LTAxLTAxVDAwOjAwOjAwIn0", "cursor"),
        # {"since": …, "until": …, "type": "places", "after": 10**20}: past any id
        (
            "cursor=eyJzaW5jZSI6ICIyMDI1LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiwgInVudGlsIjogIjIwMjUtMDEt"
            "MDJUMDA6MDA6MDArMDA6MDAiLCAidHlwZSI6ICJwbGFjZXMiLCAiYWZ0ZXIiOiAxMDAwMDAwMDAwMDAwMDAw"
            "MDAwMDB9",
            "cursor",
        ),
        # {"since": "0001-01-01T00:00:00+05:00"}: before the calendar begins, in UTC
        ("cursor=eyJzaW5jZSI6ICIwMDAxLTAxLTAxVDAwOjAwOjAwKzA1OjAwIn0", "cursor"),
        ("since=2024-01-01T00:00:00Z&cursor=abc", "since"),
        ("page_size=0", "page_size"),
        ("sinse=2024-01-01", "sinse"),
    ],
)
def test_a_bad_request_is_a_400_that_names_the_parameter(anonymous, query, field):
    response = anonymous.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_a_page_costs_the_same_queries_whatever_its_size(anonymous, django_assert_num_queries):
    def page_of(count):
        models.Operation.objects.all().delete()
        for _ in range(count):
            operation = OperationFactory()
            TargetFactory(operation=operation)
            CasualtyClaimFactory.create_batch(2, operation=operation)
        settled()

    page_of(2)
    with CaptureQueriesContext(connection) as small:
        anonymous.get(URL + "?page_size=1000")
    page_of(8)
    with django_assert_num_queries(len(small.captured_queries)):
        anonymous.get(URL + "?page_size=1000")


# --- the replay: a copy kept by the feed equals the API -----------------------------

RESOURCE_OF = {
    models.Place: "places",
    models.Person: "persons",
    models.Organisation: "organisations",
    models.Source: "sources",
    models.Operation: "operations",
    models.Claim: "claims",
}


class Mirror:
    """A script's copy of the data: {(type, id): record}, kept by following the feed."""

    def __init__(self, client, page_size):
        self.client, self.records, self.link = client, {}, f"{URL}?page_size={page_size}"

    def apply(self, page):
        for entry in page["results"]:
            key = (entry["type"], entry["id"])
            if entry["change"] == "upsert":
                self.records[key] = entry["record"]
            else:
                self.records.pop(key, None)
        self.link = page["next"]
        return page["more"]

    def poll(self, pages):
        """Read up to `pages` pages, stopping wherever that is (mid-window or not)."""
        for _ in range(pages):
            if not self.apply(read(self.client, self.link)):
                break

    def catch_up(self):
        """To the end of the window in progress (it may have ended long ago), then
        through a new window, which ends after every edit made so far has settled."""
        while self.apply(read(self.client, self.link)):
            pass
        settled()
        while self.apply(read(self.client, self.link)):
            pass


def published_data(client):
    """What the API's lists and details give an anonymous reader, as {(type, id): record}."""
    data = {}
    for resource in RESOURCE_OF.values():
        link = f"/api/v1/{resource}/?page_size=1000"
        while link:
            page = read(client, link)
            for item in page["results"]:
                data[resource, item["id"]] = read(client, f"/api/v1/{resource}/{item['id']}/")
            link = page["next"]
    return data


class Editor:
    """Random edits as analysts and reviewers make them, through the app's own paths."""

    def __init__(self, rng, user):
        self.rng, self.user, self.merges = rng, user, []

    def status(self):
        return self.rng.choice([DRAFT, PUBLISHED, PUBLISHED])

    def pick(self, model, **conditions):
        ids = list(model.objects.filter(**conditions).values_list("pk", flat=True))
        return model.objects.get(pk=self.rng.choice(ids)) if ids else None

    def create_records(self):
        factories = [PlaceFactory, PersonFactory, OrganisationFactory, SourceFactory]
        self.rng.choice(factories)(status=self.status())

    def create_operation(self):
        operation = OperationFactory(
            status=self.status(), place=self.pick(models.Place) or PlaceFactory()
        )
        organisation = self.pick(models.Organisation)
        if organisation:
            models.OperationForce.objects.create(operation=operation, organisation=organisation)
        target = TargetFactory(operation=operation, person=self.pick(models.Person))
        for _ in range(self.rng.randint(0, 2)):
            self.add_claim(operation, target)

    def add_claim(self, operation=None, target=None):
        operation = operation or self.pick(models.Operation, merged_into=None)
        if operation is None:
            return
        source = self.pick(models.Source) or SourceFactory()
        if target is not None and self.rng.random() < 0.5:
            claim = models.Claim.objects.create(
                operation=operation,
                source=source,
                point="outcome",
                target=target,
                outcome="wounded",
            )
        else:
            low = self.rng.randint(0, 3)
            claim = CasualtyClaimFactory(
                operation=operation, source=source, count_low=low, count_high=low
            )
        organisation = self.pick(models.Organisation)
        if organisation and self.rng.random() < 0.3:
            claim.claimed_forces.add(organisation)
        services.mark_changed(operation.pk)

    def remove_claim(self):
        claim = self.pick(models.Claim, superseded_by=None)
        if claim is not None:
            claim.delete()
            services.mark_changed(claim.operation_id)

    def rename(self):
        model = self.rng.choice([models.Place, models.Person, models.Organisation])
        record = self.pick(model)
        if record is not None:
            record.name = f"{record.name.split(' (')[0]} ({self.rng.randint(1, 99)})"
            record.save()

    def add_alias(self):
        person = self.pick(models.Person)
        if person is not None:
            name = f"Abu {self.rng.randint(1, 99)}"
            models.PersonAlias.objects.get_or_create(person=person, name=name)

    def toggle_status(self):
        model = self.rng.choice(list(RESOURCE_OF)[:-1])
        record = self.pick(model)
        if record is not None:
            record.status = DRAFT if record.is_published else PUBLISHED
            record.save()

    def retitle_operation(self):
        operation = self.pick(models.Operation)
        if operation is not None:
            operation.title = f"Operation {self.rng.randint(1, 999)}"
            operation.save()

    def delete_or_restore_operation(self):
        operation = self.pick(models.Operation, merged_into=None)
        if operation is not None:
            operation.deleted_at = None if operation.deleted_at else timezone.now()
            operation.save()

    def merge(self):
        alive = models.Operation.objects.alive()
        kept, duplicate = self.pick(models.Operation, pk__in=alive), None
        if kept is not None:
            duplicate = self.pick(models.Operation, pk__in=alive.exclude(pk=kept.pk))
        if duplicate is not None:
            merge = services.merge_operations(kept=kept, duplicate=duplicate, user=self.user)
            self.merges.append(merge)

    def undo_merge(self):
        if self.merges:
            merge = self.merges.pop(self.rng.randrange(len(self.merges)))
            # Refused when later claims refer to what it moved: the app says so and writes nothing.
            with contextlib.suppress(services.MergeError):
                services.undo_merge(merge, user=self.user)

    def delete_person(self):
        person = self.pick(models.Person, targets=None, roles=None)
        if person is not None:
            person.delete()

    def change_target(self):
        target = self.pick(models.Target, claims=None)
        person = self.pick(models.Person)
        if target is not None and person is not None:
            target.person = person
            target.save()
            services.mark_changed(target.operation_id)

    def link_operations(self):
        first, second = self.pick(models.Operation), self.pick(models.Operation)
        if first and second and first != second:
            models.OperationLink.objects.get_or_create(
                from_operation=first, to_operation=second, relation="followed"
            )

    def add_role(self):
        person, organisation = self.pick(models.Person), self.pick(models.Organisation)
        if person and organisation:
            models.Role.objects.create(person=person, organisation=organisation, title="emir")

    def set_publisher(self):
        source, organisation = self.pick(models.Source), self.pick(models.Organisation)
        if source is not None:
            source.publisher = organisation
            source.save()

    def set_parent(self):
        child, parent = self.pick(models.Organisation), self.pick(models.Organisation)
        if child and parent and child != parent and parent.parent_id != child.pk:
            child.parent = parent
            child.save()

    def step(self):
        edits = [
            (self.create_records, 2),
            (self.create_operation, 2),
            (self.add_claim, 3),
            (self.remove_claim, 1),
            (self.rename, 4),
            (self.add_alias, 1),
            (self.toggle_status, 4),
            (self.retitle_operation, 2),
            (self.delete_or_restore_operation, 1),
            (self.merge, 1),
            (self.undo_merge, 1),
            (self.delete_person, 1),
            (self.change_target, 1),
            (self.link_operations, 2),
            (self.add_role, 1),
            (self.set_publisher, 1),
            (self.set_parent, 1),
        ]
        edit = self.rng.choices([e for e, _ in edits], weights=[w for _, w in edits])[0]
        edit()


def fresh_copy(client):
    """A copy made from scratch by the feed (each record once, as its detail gives it)."""
    mirror = Mirror(client, page_size=1000)
    mirror.catch_up()
    return mirror.records


@pytest.mark.parametrize("seed", [1, 2])
def test_a_copy_kept_by_polling_ends_with_exactly_the_published_data(anonymous, reviewer, seed):
    rng = random.Random(seed)
    editor, mirror = Editor(rng, reviewer), Mirror(anonymous, page_size=8)
    for factory in (PlaceFactory, PersonFactory, OrganisationFactory, SourceFactory):
        factory.create_batch(3)
    for _ in range(6):
        editor.create_operation()
    for step in range(1, 81):
        editor.step()
        if rng.random() < 0.2:
            time.sleep(rng.choice([0, SETTLE]))
            # Wherever it stops, mid-window or not.
            mirror.poll(pages=rng.randint(1, 3))
        if step % 16 == 0:
            # Caught up, the copy is exact at once, not only once later edits mask a miss.
            mirror.catch_up()
            assert mirror.records == fresh_copy(anonymous), f"after step {step}"

    mirror.catch_up()

    expected = published_data(anonymous)
    assert sorted(mirror.records) == sorted(expected)
    for key, record in expected.items():
        assert mirror.records[key] == record, key
