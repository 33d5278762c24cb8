"""Anonymous readers are served from the cache and revalidate with an ETag; every write
makes the next read fresh, in every process, on both cache backends (issue 11, part 3)."""

import io
import os
import uuid

import pytest
import redis
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import pre_save
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.throttling import AnonRateThrottle

from operations import models
from operations.caching import data_version
from operations.services import merge_operations

from .admin_forms import operation_form
from .api_client import api_client, body
from .cache_keys import clear_own_keys
from .factories import (
    CasualtyClaimFactory,
    OperationFactory,
    OrganisationFactory,
    PlaceFactory,
    SourceFactory,
    TargetFactory,
)
from .test_import import SAMPLE

pytestmark = pytest.mark.django_db

# Tests keep to their own Redis database (on these machines, number 3).
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/3"
BACKENDS = {
    "local memory": "django.core.cache.backends.locmem.LocMemCache",
    "redis": "operations.cache_backend.TolerantRedisCache",
}


@pytest.fixture(params=BACKENDS, autouse=True)
def backend(request, settings):
    """Each test runs on local memory and on Redis, under keys of its own."""
    location = "caching-tests"
    if request.param == "redis":
        location = REDIS_URL
        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        except redis.RedisError as error:
            pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    settings.CACHES = {
        "default": {
            "BACKEND": BACKENDS[request.param],
            "LOCATION": location,
            "KEY_PREFIX": f"caching-test-{uuid.uuid4().hex}",
        }
    }
    yield request.param
    clear_own_keys()


@pytest.fixture
def raid():
    """A published operation with a target, a claim and a force: on every page and list."""
    target = TargetFactory(operation__title="Raid near Qamishli", person__name="Abu Example")
    operation = target.operation
    operation.forces.create(organisation=OrganisationFactory(name="Task Force One"))
    CasualtyClaimFactory(operation=operation, source=SourceFactory(title="CENTCOM statement"))
    return operation


def urls_of(raid):
    target = raid.targets.get()
    source = raid.claims.get().source
    return [
        "/",
        "/map.json",
        "/feed/",
        f"/operations/{raid.pk}/",
        f"/persons/{target.person_id}/",
        f"/places/{raid.place_id}/",
        f"/sources/{source.pk}/",
        f"/organisations/{raid.forces.get().organisation_id}/",
        "/api/v1/operations/",
        f"/api/v1/operations/{raid.pk}/",
        "/api/v1/persons/",
        f"/api/v1/persons/{target.person_id}/",
        "/api/v1/organisations/",
        "/api/v1/places/",
        "/api/v1/sources/",
        "/api/v1/claims/",
        "/api/v1/operations/?format=csv",
        "/api/v1/operations/?format=geojson",
    ]


def text_of(response):
    return body(response) if response.status_code == 200 else ""


def test_every_page_and_api_read_answers_304_to_the_etag_it_gave(raid):
    reader = Client()
    for url in urls_of(raid):
        first = reader.get(url)
        assert first.status_code == 200, url
        etag = first["ETag"]
        assert etag.startswith('W/"'), url

        again = reader.get(url, HTTP_IF_NONE_MATCH=etag)

        assert again.status_code == 304, url
        assert again["ETag"] == etag
        assert again.content == b""


def test_a_second_anonymous_read_is_the_first_one_for_one_query(raid):
    reader = Client()
    for url in ["/", f"/operations/{raid.pk}/", "/api/v1/operations/", "/api/v1/persons/"]:
        first = reader.get(url)
        with CaptureQueriesContext(connection) as queries:
            again = reader.get(url)
        assert again.status_code == 200
        assert again.content == first.content, url
        assert again["Content-Type"] == first["Content-Type"]
        assert [query["sql"] for query in queries] == [queries[0]["sql"]], url
        assert "operations_dataversion" in queries[0]["sql"]


def test_a_reader_asking_past_caches_gets_the_answer_built_afresh(raid):
    reader = Client()
    first = reader.get("/api/v1/operations/")
    with CaptureQueriesContext(connection) as queries:
        again = reader.get("/api/v1/operations/", HTTP_CACHE_CONTROL="no-cache")
    assert again.status_code == 200
    assert again.content == first.content
    assert len(queries) > 1
    with CaptureQueriesContext(connection) as queries:
        reader.get("/api/v1/operations/")
    assert len(queries) == 1


def test_a_head_request_is_answered_from_the_same_cache(raid):
    reader = Client()
    reader.get("/api/v1/operations/")
    with CaptureQueriesContext(connection) as queries:
        head = reader.head("/api/v1/operations/")
    assert head.status_code == 200
    assert len(queries) == 1


def test_exports_are_streamed_every_time_but_revalidate(raid):
    reader = api_client()
    first = reader.get("/api/v1/operations/", {"format": "csv"})
    again = reader.get("/api/v1/operations/", {"format": "csv"})
    assert first.streaming and again.streaming
    text = body(again)
    assert text == body(first)
    assert "Raid near Qamishli" in text
    assert (
        reader.get(
            "/api/v1/operations/", {"format": "csv"}, HTTP_IF_NONE_MATCH=first["ETag"]
        ).status_code
        == 304
    )


def test_one_url_in_two_formats_is_two_cached_answers(raid):
    reader = api_client()
    as_json = reader.get("/api/v1/operations/", HTTP_ACCEPT="application/json")
    as_csv = reader.get("/api/v1/operations/", HTTP_ACCEPT="text/csv")
    assert as_json["Content-Type"] == "application/json"
    assert as_csv["Content-Type"].startswith("text/csv")
    assert as_json["ETag"] != as_csv["ETag"]
    assert reader.get("/api/v1/operations/", HTTP_ACCEPT="application/json").content == (
        as_json.content
    )
    assert "Accept" in reader.get("/api/v1/operations/", HTTP_ACCEPT="text/csv")["Vary"]


def test_anonymous_answers_say_who_may_share_them_and_to_revalidate(raid):
    response = Client().get("/")
    assert "no-cache" in response["Cache-Control"]
    assert {"Cookie", "Authorization"} <= {name.strip() for name in response["Vary"].split(",")}


# --- what a write changes, the next read shows --------------------------------------


def rename_through_the_api(raid, reviewer):
    response = api_client(reviewer).patch(
        f"/api/v1/operations/{raid.pk}/", {"title": "Raid renamed"}, format="json"
    )
    assert response.status_code == 200, response.content
    return "Raid renamed"


def rename_in_the_admin(raid, reviewer):
    client = Client()
    client.force_login(reviewer)
    response = client.post(
        f"/admin/operations/operation/{raid.pk}/change/",
        operation_form(raid, title="Raid renamed in the admin", status="published"),
    )
    assert response.status_code == 302, response.content
    return "Raid renamed in the admin"


def unpublish_in_the_admin(raid, reviewer):
    client = Client()
    client.force_login(reviewer)
    client.post(
        "/admin/operations/operation/",
        {"action": "unpublish_selected", "_selected_action": [raid.pk]},
    )
    raid.refresh_from_db()
    assert raid.status == models.Status.DRAFT
    return None


def add_a_claim(raid, reviewer):
    CasualtyClaimFactory(operation=raid, source=SourceFactory(title="Syrian state TV"))
    return "Syrian state TV"


def delete_a_claim_through_the_api(raid, reviewer):
    claim = raid.claims.get()
    assert api_client(reviewer).delete(f"/api/v1/claims/{claim.pk}/").status_code == 204
    return None


def rename_the_target(raid, reviewer):
    person = raid.targets.get().person
    person.name = "Abu Renamed"
    person.save()
    return "Abu Renamed"


def add_a_claimed_force(raid, reviewer):
    claim = raid.claims.get()
    claim.claimed_forces.add(OrganisationFactory(name="Claimed Brigade"))
    return None


def merge_a_duplicate(raid, reviewer):
    duplicate = OperationFactory(title="Helicopter landing reported twice")
    CasualtyClaimFactory(operation=duplicate, source=SourceFactory(title="Local monitor"))
    merge_operations(kept=raid, duplicate=duplicate, user=reviewer)
    return "Local monitor"


WRITES = [
    rename_through_the_api,
    rename_in_the_admin,
    unpublish_in_the_admin,
    add_a_claim,
    delete_a_claim_through_the_api,
    rename_the_target,
    add_a_claimed_force,
    merge_a_duplicate,
]


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__)
def test_every_write_makes_the_next_anonymous_read_fresh(raid, reviewer, write):
    reader = Client()
    urls = [f"/operations/{raid.pk}/", "/", f"/api/v1/operations/{raid.pk}/", "/api/v1/claims/"]
    before = {url: reader.get(url) for url in urls}

    shown = write(raid, reviewer)

    after = {url: reader.get(url) for url in urls}
    for url, earlier in before.items():
        assert reader.get(url, HTTP_IF_NONE_MATCH=earlier["ETag"]).status_code != 304, url
    clear_own_keys()
    for url in urls:
        assert text_of(after[url]) == text_of(reader.get(url)), f"{url} was stale"
    assert text_of(after[urls[2]]) != text_of(before[urls[2]])
    if shown is not None:
        assert shown in text_of(after[urls[0]])


def test_publishing_shows_the_record_at_once(reviewer):
    draft = OperationFactory(title="Strike awaiting review", status=models.Status.DRAFT)
    reader = Client()
    assert "Strike awaiting review" not in text_of(reader.get("/"))
    assert reader.get(f"/api/v1/operations/{draft.pk}/").status_code == 404

    client = Client()
    client.force_login(reviewer)
    client.post(
        "/admin/operations/operation/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )

    assert "Strike awaiting review" in text_of(reader.get("/"))
    assert reader.get(f"/api/v1/operations/{draft.pk}/").status_code == 200


def test_an_import_moves_the_data_version(raid):
    reader = Client()
    etag = reader.get("/api/v1/operations/")["ETag"]
    before = data_version()

    call_command("import_operations", str(SAMPLE), "--format", "ucdp-ged", stdout=io.StringIO())

    assert data_version() > before
    assert reader.get("/api/v1/operations/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_dry_run_import_leaves_the_cache_as_it_was(raid):
    reader = Client()
    etag = reader.get("/api/v1/operations/")["ETag"]

    call_command(
        "import_operations",
        str(SAMPLE),
        "--format",
        "ucdp-ged",
        "--dry-run",
        stdout=io.StringIO(),
    )

    assert reader.get("/api/v1/operations/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_generated_operations_are_read_at_once(raid):
    reader = Client()
    before = reader.get("/api/v1/operations/").json()

    call_command("generate_operations", "--count", "5", "--seed", "1", stdout=io.StringIO())

    after = reader.get("/api/v1/operations/").json()
    assert len(after["results"]) == len(before["results"]) + 5


def test_a_write_by_another_worker_with_its_own_memory_is_seen(raid, backend, settings):
    """With local memory each gunicorn worker has its own cache: what one writes, the
    others learn from the data version in the database, not from their memory."""
    reader = Client()
    assert "Raid near Qamishli" in text_of(reader.get("/"))
    this_worker = settings.CACHES

    with override_settings(
        CACHES={"default": {**this_worker["default"], "KEY_PREFIX": "another-worker"}}
    ):
        raid.title = "Raid renamed by another worker"
        raid.save()

    assert "Raid renamed by another worker" in text_of(reader.get("/"))


# --- people who read drafts -------------------------------------------------------------


def test_a_logged_in_analyst_is_never_served_the_anonymous_page(raid, analyst):
    draft = OperationFactory(title="Draft strike", status=models.Status.DRAFT)
    reader = Client()
    anonymous = reader.get("/")
    assert "Draft strike" not in text_of(anonymous)

    analyst_client = Client()
    analyst_client.force_login(analyst)
    seen = analyst_client.get("/")
    assert "Draft strike" in text_of(seen)
    assert "private" in seen["Cache-Control"]
    assert "ETag" not in seen
    # Even naming the anonymous ETag gets the analyst their own page.
    assert analyst_client.get("/", HTTP_IF_NONE_MATCH=anonymous["ETag"]).status_code == 200

    by_token = api_client(analyst).get(f"/api/v1/operations/{draft.pk}/")
    assert by_token.status_code == 200
    assert "private" in by_token["Cache-Control"]
    assert "Draft strike" not in text_of(reader.get("/"))


def test_an_analysts_read_is_never_kept_for_anonymous_readers(raid, analyst):
    OperationFactory(title="Draft strike", status=models.Status.DRAFT)
    analyst_client = Client()
    analyst_client.force_login(analyst)
    assert "Draft strike" in text_of(analyst_client.get("/"))
    assert "Draft strike" in text_of(api_client(analyst).get("/api/v1/operations/"))

    assert "Draft strike" not in text_of(Client().get("/"))
    assert "Draft strike" not in text_of(api_client().get("/api/v1/operations/"))


def test_a_token_read_keeps_the_records_own_etag_for_if_match(raid, reviewer):
    script = api_client(reviewer)
    read = script.get(f"/api/v1/operations/{raid.pk}/")
    assert not read["ETag"].startswith("W/")

    written = script.patch(
        f"/api/v1/operations/{raid.pk}/",
        {"title": "Raid renamed"},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert written.status_code == 200


# --- the throttle shares the cache ------------------------------------------------------


def test_cached_reads_count_against_the_anonymous_throttle(raid, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    reader = api_client()
    statuses = [reader.get("/api/v1/places/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.django_db(transaction=True)
def test_a_reader_between_the_version_and_a_save_without_transaction_keeps_nothing_stale():
    """A save in autocommit (a script, the shell) commits the version before its row:
    a reader in between caches the old page, which must not outlive the save."""
    place = PlaceFactory(name="Tell Example", status=models.Status.PUBLISHED)
    page = f"/api/v1/places/{place.pk}/"
    reader = Client()
    in_the_gap = []

    def read_in_the_gap(sender, instance, **kwargs):
        if instance.pk == place.pk:
            in_the_gap.append(reader.get(page).status_code)

    pre_save.connect(read_in_the_gap, sender=models.Place, dispatch_uid="reader-in-the-gap")
    try:
        place.status = models.Status.DRAFT
        place.save()
    finally:
        pre_save.disconnect(dispatch_uid="reader-in-the-gap", sender=models.Place)
    assert in_the_gap == [200]
    assert reader.get(page).status_code == 404


# --- a cache that stops answering ---------------------------------------------------------


@pytest.fixture
def unreachable_redis(settings, backend):
    """The cache is a Redis that nothing listens for (port 9 is discard)."""
    if backend != "redis":
        pytest.skip("only a Redis cache can be unreachable")
    reachable = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": BACKENDS["redis"],
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield
    # The backend fixture clears its keys in the reachable one.
    settings.CACHES = reachable


def test_readers_are_served_from_the_database_while_redis_is_unreachable(
    raid, unreachable_redis, caplog
):
    reader = Client()
    for url in ("/", f"/operations/{raid.pk}/", "/api/v1/operations/"):
        response = reader.get(url)
        assert response.status_code == 200, url
    assert b"Raid near Qamishli" in reader.get("/api/v1/operations/").content
    assert "Cache unreachable" in caplog.text


def test_a_write_is_seen_at_once_while_redis_is_unreachable(raid, unreachable_redis):
    reader = api_client()
    assert reader.get(f"/api/v1/operations/{raid.pk}/").json()["title"] == "Raid near Qamishli"
    raid.title = "Raid renamed"
    raid.save()
    assert reader.get(f"/api/v1/operations/{raid.pk}/").json()["title"] == "Raid renamed"
