"""Two people edit the same record: the second to save is told, and nothing is lost."""

import re
import threading
from unittest import mock

import pytest
from django.db import connection
from django.test import Client

from operations import models
from operations.versions import stored_version

from .admin_forms import operation_form
from .api_client import api_client
from .conftest import make_user
from .factories import CasualtyClaimFactory, OperationFactory, PersonFactory, SourceFactory

pytestmark = pytest.mark.django_db

DRAFT = models.Status.DRAFT


@pytest.fixture
def second_analyst(groups, django_user_model):
    return make_user(django_user_model, "second-analyst", groups["Analyst"])


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def change_url(record):
    return f"/admin/operations/{record._meta.model_name}/{record.pk}/change/"


def opened_version(client, record):
    """The version that the change page, as opened now, carries in its hidden field."""
    html = client.get(change_url(record)).content.decode()
    return re.search(r'name="version" value="([^"]+)"', html).group(1)


def test_the_second_analyst_to_save_is_told_the_operation_changed_and_the_first_edit_stays(
    analyst, second_analyst
):
    raid = OperationFactory(status=DRAFT, title="Raid near Atmeh")
    first, second = logged_in(analyst), logged_in(second_analyst)
    first_form = operation_form(raid, title="Raid near Atmeh, 3 Feb")
    second_form = operation_form(raid, summary="Two helicopters landed.")
    assert first_form["version"] == opened_version(first, raid) == opened_version(second, raid)

    assert first.post(change_url(raid), first_form).status_code == 302
    refused = second.post(change_url(raid), second_form)

    assert refused.status_code == 200
    assert (
        "This operation was changed by analyst at "
        in refused.context["adminform"].form.non_field_errors()[0]
    )
    assert "your changes were not saved" in refused.content.decode()
    raid.refresh_from_db()
    assert (raid.title, raid.summary) == ("Raid near Atmeh, 3 Feb", "")
    assert [entry.history_user for entry in raid.history.all()] == [analyst, None]


def test_a_refused_form_stays_refused_until_the_page_is_opened_again(analyst, second_analyst):
    raid = OperationFactory(status=DRAFT)
    first, second = logged_in(analyst), logged_in(second_analyst)
    stale = operation_form(raid, summary="Second analyst's summary")
    first.post(change_url(raid), operation_form(raid, title="Edited first"))

    assert second.post(change_url(raid), stale).status_code == 200
    assert second.post(change_url(raid), stale).status_code == 200
    raid.refresh_from_db()
    fresh = operation_form(raid, summary="Second analyst's summary")
    assert second.post(change_url(raid), fresh).status_code == 302
    raid.refresh_from_db()
    assert (raid.title, raid.summary) == ("Edited first", "Second analyst's summary")


def test_a_claim_added_meanwhile_through_the_api_also_refuses_the_stale_save(
    analyst, second_analyst
):
    raid = OperationFactory(status=DRAFT)
    form = operation_form(raid, title="Renamed")
    response = api_client(second_analyst).post(
        "/api/v1/claims/",
        {
            "operation": raid.pk,
            "source": SourceFactory().pk,
            "point": "casualties",
            "category": "civilians_killed",
            "count_low": 2,
            "count_high": 2,
        },
        format="json",
    )
    assert response.status_code == 201

    refused = logged_in(analyst).post(change_url(raid), form)

    assert refused.status_code == 200
    (error,) = refused.context["adminform"].form.non_field_errors()
    assert error.startswith("This operation or one of its rows was changed since you opened it")
    assert models.Operation.objects.get(pk=raid.pk).title != "Renamed"


def test_every_kind_of_record_is_protected_the_same_way(analyst, second_analyst):
    person = PersonFactory(status=DRAFT, name="Abu Test")
    first, second = logged_in(analyst), logged_in(second_analyst)
    version = opened_version(second, person)
    empty_inlines = {
        f"{prefix}-{count}": 0
        for prefix in [
            "aliases",
            "roles",
            "possible_identities_as_first",
            "possible_identities_as_second",
            "targets",
        ]
        for count in ("TOTAL_FORMS", "INITIAL_FORMS")
    }
    first_form = {"name": "Abu Test al-Iraqi", "version": opened_version(first, person)}
    assert first.post(change_url(person), first_form | empty_inlines).status_code == 302

    second_form = {"name": "Abu Testi", "version": version}
    assert second.post(change_url(person), second_form | empty_inlines).status_code == 200
    person.refresh_from_db()
    assert person.name == "Abu Test al-Iraqi"


# --- the API: ETag and If-Match ------------------------------------------------------


def test_a_write_naming_the_version_it_read_goes_through_and_gives_the_new_version(analyst):
    raid = OperationFactory(status=DRAFT)
    client = api_client(analyst)
    read = client.get(f"/api/v1/operations/{raid.pk}/")

    changed = client.patch(
        f"/api/v1/operations/{raid.pk}/",
        {"title": "Renamed"},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )

    assert changed.status_code == 200
    assert changed["ETag"] != read["ETag"]
    assert changed["ETag"] == client.get(f"/api/v1/operations/{raid.pk}/")["ETag"]


def test_a_write_naming_an_older_version_is_refused_with_412_and_writes_nothing(
    analyst, second_analyst
):
    raid = OperationFactory(status=DRAFT, title="Raid")
    script, colleague = api_client(analyst), api_client(second_analyst)
    stale = script.get(f"/api/v1/operations/{raid.pk}/")["ETag"]
    url = f"/api/v1/operations/{raid.pk}/"
    assert colleague.patch(url, {"title": "Colleague's title"}, format="json").status_code == 200

    refused = script.patch(url, {"title": "Script's title"}, format="json", HTTP_IF_MATCH=stale)
    deleted = script.delete(url, HTTP_IF_MATCH=stale)

    assert refused.status_code == deleted.status_code == 412
    assert refused.json()["detail"].startswith("The record changed since you read it")
    raid.refresh_from_db()
    assert (raid.title, raid.deleted_at) == ("Colleague's title", None)


def test_a_write_without_if_match_or_with_a_star_goes_ahead(analyst):
    raid = OperationFactory(status=DRAFT)
    client = api_client(analyst)
    url = f"/api/v1/operations/{raid.pk}/"

    assert client.patch(url, {"title": "One"}, format="json").status_code == 200
    assert client.patch(url, {"title": "Two"}, format="json", HTTP_IF_MATCH="*").status_code == 200


def test_an_api_write_after_an_admin_save_is_refused_too(analyst, second_analyst):
    source = SourceFactory(status=DRAFT, title="A report")
    script = api_client(second_analyst)
    stale = script.get(f"/api/v1/sources/{source.pk}/")["ETag"]
    admin = logged_in(analyst)
    form = {
        "title": "A report, corrected",
        "url": source.url,
        "kind": source.kind,
        "reliability": source.reliability,
        "version": opened_version(admin, source),
        "claims-TOTAL_FORMS": 0,
        "claims-INITIAL_FORMS": 0,
    }
    saved = admin.post(change_url(source), form)
    assert saved.status_code == 302, saved.context["adminform"].form.errors

    refused = script.patch(
        f"/api/v1/sources/{source.pk}/", {"title": "Other"}, format="json", HTTP_IF_MATCH=stale
    )

    assert refused.status_code == 412
    source.refresh_from_db()
    assert source.title == "A report, corrected"


@pytest.mark.django_db(transaction=True)
def test_two_writes_of_the_same_version_at_the_same_moment_cannot_both_pass(
    analyst, second_analyst
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer at a time; the row lock is PostgreSQL's to test")
    raid = OperationFactory(status=DRAFT)
    url = f"/api/v1/operations/{raid.pk}/"
    read = api_client(analyst).get(url)["ETag"]
    # Both writes reach the version check together: without the row lock both would
    # read the version they were sent, and the second would undo the first.
    both_checking = threading.Barrier(2, timeout=10)

    def check_together(model, pk, *, lock=False):
        both_checking.wait()
        return stored_version(model, pk, lock=lock)

    answers = []

    def write(user, title):
        try:
            answer = api_client(user).patch(
                url, {"title": title}, format="json", HTTP_IF_MATCH=read
            )
            answers.append(answer.status_code)
        finally:
            connection.close()

    with mock.patch("operations.api.views.stored_version", check_together):
        writers = [
            threading.Thread(target=write, args=(user, title))
            for user, title in ((analyst, "First"), (second_analyst, "Second"))
        ]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()

    assert sorted(answers) == [200, 412]
    assert raid.history.count() == 2


def test_a_claim_deleted_on_its_own_page_refuses_the_stale_operation_page(analyst, second_analyst):
    raid = OperationFactory(status=DRAFT)
    claim = CasualtyClaimFactory(operation=raid)
    stale = operation_form(raid, title="Renamed")

    deleted = logged_in(second_analyst).post(
        f"/admin/operations/claim/{claim.pk}/delete/", {"post": "yes"}
    )
    assert deleted.status_code == 302
    refused = logged_in(analyst).post(change_url(raid), stale)

    assert refused.status_code == 200
    (error,) = refused.context["adminform"].form.non_field_errors()
    assert error.startswith("This operation or one of its rows was changed since you opened it")
    assert not models.Claim.objects.filter(pk=claim.pk).exists()


def posted_back(form):
    """The data a browser sends back for an unchanged admin form."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if hasattr(field.widget, "widgets"):  # split date and time
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else part
        elif value is not None:
            data[name] = value
    return data


@pytest.mark.django_db(transaction=True)
def test_reverting_a_claim_on_its_own_page_checks_its_version_in_one_transaction(
    reviewer_client,
):
    claim = CasualtyClaimFactory(operation=OperationFactory(status=DRAFT), count_high=3)
    first = claim.history.earliest()
    claim.count_high = 5
    claim.save()
    url = f"/admin/operations/claim/{claim.pk}/history/{first.history_id}/"

    page = reviewer_client.get(url)
    reverted = reviewer_client.post(url, posted_back(page.context["adminform"].form))

    assert reverted.status_code == 302
    claim.refresh_from_db()
    assert claim.count_high == 3
