"""Analysts draft, reviewers publish: enforced on the server, whatever the request."""

import datetime as dt

import pytest

from operations import models
from operations.versions import stored_version

from .admin_forms import operation_form
from .factories import CasualtyClaimFactory, OperationFactory, PersonFactory, SourceFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/operations/operation/"


def change_url(operation):
    return f"{CHANGELIST}{operation.pk}/change/"


@pytest.fixture
def draft():
    return OperationFactory(status=models.Status.DRAFT, title="A draft raid")


def test_the_analysts_form_has_no_status_field(analyst_client, draft):
    page = analyst_client.get(change_url(draft))
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()


def test_an_analyst_cannot_publish_by_a_crafted_post_of_the_form(analyst_client, draft):
    response = analyst_client.post(
        change_url(draft), operation_form(draft, status="published", title="Renamed")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.title == "Renamed"
    assert draft.status == models.Status.DRAFT


def test_an_analyst_cannot_create_a_published_operation(analyst_client, draft):
    data = operation_form(draft, status="published", title="New and published?")
    for prefix in ["forces", "targets", "claims", "links_from"]:
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = 0
    response = analyst_client.post(f"{CHANGELIST}add/", data)
    assert response.status_code == 302
    created = models.Operation.objects.get(title="New and published?")
    assert created.status == models.Status.DRAFT


def test_an_analyst_cannot_publish_by_the_list_action(analyst_client, draft):
    assert "publish_selected" not in analyst_client.get(CHANGELIST).content.decode()
    analyst_client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == models.Status.DRAFT


def test_an_analyst_cannot_publish_through_list_editable_fields(analyst_client, draft):
    analyst_client.post(
        CHANGELIST,
        {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-0-id": draft.pk,
            "form-0-status": "published",
            "_save": "Save",
        },
    )
    draft.refresh_from_db()
    assert draft.status == models.Status.DRAFT


def test_an_analyst_cannot_publish_by_reverting_to_a_published_version(analyst_client):
    operation = OperationFactory(status=models.Status.PUBLISHED)
    published_version = operation.history.latest()
    operation.status = models.Status.DRAFT
    operation.save()
    url = f"{CHANGELIST}{operation.pk}/history/{published_version.history_id}/"
    analyst_client.post(url, operation_form(operation))
    operation.refresh_from_db()
    assert operation.status == models.Status.DRAFT


def test_an_analyst_cannot_publish_persons_or_sources_either(analyst_client):
    person = PersonFactory(status=models.Status.DRAFT)
    analyst_client.post(
        "/admin/operations/person/",
        {"action": "publish_selected", "_selected_action": [person.pk]},
    )
    person.refresh_from_db()
    assert person.status == models.Status.DRAFT


def test_a_reviewer_publishes_by_the_form(reviewer_client, draft):
    response = reviewer_client.post(change_url(draft), operation_form(draft, status="published"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == models.Status.PUBLISHED


def test_a_reviewer_publishes_by_the_action_and_hears_what_else_is_a_draft(reviewer_client, draft):
    source = SourceFactory(status=models.Status.DRAFT, title="A draft source")
    CasualtyClaimFactory(operation=draft, source=source)
    response = reviewer_client.post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.status == models.Status.PUBLISHED
    text = response.content.decode()
    assert "Published 1 record(s)." in text
    assert "readers will not see these drafts" in text
    assert "A draft source" in text


def test_each_change_makes_a_history_entry_with_its_user(analyst_client, analyst, draft):
    analyst_client.post(change_url(draft), operation_form(draft, title="Retitled"))
    latest = draft.history.latest()
    assert latest.title == "Retitled"
    assert latest.history_user == analyst
    assert latest.history_type == "~"


def casualty_row(source, count, **fields):
    return {
        "source": source.pk,
        "point": "casualties",
        "category": "civilians_killed",
        "count_low": count,
        "count_high": count,
        "credibility": 3,
        **fields,
    }


def test_a_revert_restores_the_old_values_inlines_included(analyst_client, analyst, draft):
    source = SourceFactory()
    analyst_client.post(
        change_url(draft), operation_form(draft, {"claims": [casualty_row(source, 1)]})
    )
    claim = draft.claims.get()
    version = draft.history.latest()
    # A later save: the title and the count change, a second claim is added.
    later = operation_form(
        draft,
        {"claims": [casualty_row(source, 9)]},
        title="Edited later",
        **{"claims-0-count_low": 4, "claims-0-count_high": 4},
    )
    assert analyst_client.post(change_url(draft), later).status_code == 302
    assert draft.claims.count() == 2

    url = f"{CHANGELIST}{draft.pk}/history/{version.history_id}/"
    response = analyst_client.post(url, operation_form(draft, title=version.title))
    assert response.status_code == 302

    draft.refresh_from_db()
    assert draft.title == "A draft raid"
    assert list(draft.claims.values_list("pk", "count_low")) == [(claim.pk, 1)]
    assert claim.history.latest().history_user == analyst


def test_reverting_to_the_latest_version_changes_no_inline_row(analyst_client, draft):
    source = SourceFactory()
    analyst_client.post(
        change_url(draft), operation_form(draft, {"claims": [casualty_row(source, 1)]})
    )
    version = draft.history.latest()
    url = f"{CHANGELIST}{draft.pk}/history/{version.history_id}/"
    analyst_client.post(url, operation_form(draft))
    assert list(draft.claims.values_list("count_low", flat=True)) == [1]


def test_a_revert_leaves_out_rows_whose_source_was_deleted_since(reviewer_client, draft):
    kept, gone = SourceFactory(), SourceFactory()
    rows = [casualty_row(kept, 1), casualty_row(gone, 2)]
    status = {"status": models.Status.DRAFT}  # a reviewer's form has the status field
    reviewer_client.post(change_url(draft), operation_form(draft, {"claims": rows}, **status))
    version = draft.history.latest()
    reviewer_client.post(change_url(draft), operation_form(draft, title="Later", **status))
    assert draft.history.latest().title == "Later"
    draft.claims.filter(source=gone).delete()
    gone.delete()

    url = f"{CHANGELIST}{draft.pk}/history/{version.history_id}/"
    data = operation_form(draft, title="A draft raid", **status)
    response = reviewer_client.post(url, data, follow=True)
    assert "Not restored, as what they refer to was deleted since" in response.content.decode()
    assert list(draft.claims.values_list("source", flat=True)) == [kept.pk]


def test_an_analyst_cannot_undelete_a_withdrawn_operation_by_reverting(client, analyst, reviewer):
    operation = OperationFactory(status=models.Status.PUBLISHED, title="Withdrawn")
    version = operation.history.latest()
    client.force_login(reviewer)
    client.post(f"{CHANGELIST}{operation.pk}/delete/", {"post": "yes"})
    operation.refresh_from_db()
    assert operation.deleted_at is not None
    client.force_login(analyst)
    url = f"{CHANGELIST}{operation.pk}/history/{version.history_id}/"
    client.post(url, operation_form(operation))
    operation.refresh_from_db()
    assert operation.deleted_at is not None


def test_an_analyst_cannot_change_a_published_operation_or_its_claims(analyst_client):
    operation = OperationFactory(status=models.Status.PUBLISHED, title="Live")
    claim = CasualtyClaimFactory(operation=operation)
    response = analyst_client.post(change_url(operation), operation_form(operation, title="X"))
    assert response.status_code == 403
    assert analyst_client.get(change_url(operation)).status_code == 200  # read-only view
    response = analyst_client.post(f"/admin/operations/claim/{claim.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    analyst_client.post(
        "/admin/operations/claim/",
        {"action": "delete_selected", "_selected_action": [claim.pk], "post": "yes"},
    )
    operation.refresh_from_db()
    assert operation.title == "Live"
    assert operation.claims.count() == 1


def test_a_delete_is_a_soft_delete_that_a_reviewer_undoes(analyst_client, reviewer, draft):
    response = analyst_client.post(f"{CHANGELIST}{draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.deleted_at is not None
    link = f"{CHANGELIST}{draft.pk}/change/"
    assert link not in analyst_client.get(CHANGELIST).content.decode()
    assert link in analyst_client.get(CHANGELIST + "?deleted=yes").content.decode()

    analyst_client.force_login(reviewer)
    analyst_client.post(
        CHANGELIST + "?deleted=yes",
        {"action": "restore_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.deleted_at is None


def test_an_analyst_cannot_delete_a_published_operation(analyst_client):
    operation = OperationFactory(status=models.Status.PUBLISHED)
    response = analyst_client.post(f"{CHANGELIST}{operation.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    operation.refresh_from_db()
    assert operation.deleted_at is None


def test_a_deleted_operation_is_not_published_to_readers(client):
    operation = OperationFactory(status=models.Status.PUBLISHED, title="Withdrawn")
    operation.deleted_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    operation.save()
    assert "Withdrawn" not in client.get("/").content.decode()


def test_the_history_page_lists_changes_to_inline_rows_with_their_users(
    analyst_client, analyst, draft
):
    source = SourceFactory()
    row = {
        "source": source.pk,
        "point": "casualties",
        "category": "civilians_killed",
        "count_low": 1,
        "count_high": 1,
        "credibility": 3,
    }
    analyst_client.post(change_url(draft), operation_form(draft, {"claims": [row]}))
    claim = draft.claims.get()
    analyst_client.post(
        change_url(draft),
        operation_form(draft, **{"claims-0-count_low": 4, "claims-0-count_high": 4}),
    )
    claim.refresh_from_db()
    assert claim.count_low == 4

    page = analyst_client.get(f"{CHANGELIST}{draft.pk}/history/").content.decode()
    assert "Changes to what is edited on this page" in page
    assert "count_low: 1 → 4" in page
    assert page.count(">analyst<") >= 2


def test_reverting_a_person_restores_their_aliases(analyst_client):
    person = PersonFactory(status=models.Status.DRAFT, name="Abu Test")
    url = f"/admin/operations/person/{person.pk}/change/"

    def person_form(aliases, initial):
        version = stored_version(models.Person, person.pk)
        data = {"name": person.name, "description": "", "version": version}
        for prefix in [
            "aliases",
            "roles",
            "possible_identities_as_first",
            "possible_identities_as_second",
            "targets",
        ]:
            data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
        data["aliases-TOTAL_FORMS"] = len(aliases)
        data["aliases-INITIAL_FORMS"] = initial
        for index, (pk, name) in enumerate(aliases):
            data |= {
                f"aliases-{index}-id": pk or "",
                f"aliases-{index}-name": name,
                f"aliases-{index}-kind": "spelling",
                f"aliases-{index}-person": person.pk,
            }
        return data

    assert analyst_client.post(url, person_form([(None, "Old alias")], 0)).status_code == 302
    version = person.history.latest()
    alias = person.aliases.get()
    response = analyst_client.post(url, person_form([(alias.pk, "New alias")], 1))
    assert response.status_code == 302
    assert list(person.aliases.values_list("name", flat=True)) == ["New alias"]

    history_url = f"/admin/operations/person/{person.pk}/history/{version.history_id}/"
    assert analyst_client.post(history_url, person_form([], 0)).status_code == 302
    assert list(person.aliases.values_list("name", flat=True)) == ["Old alias"]


def test_a_revert_leaves_a_claim_moved_to_another_operation_where_it_is(analyst_client, draft):
    source = SourceFactory()
    analyst_client.post(
        change_url(draft), operation_form(draft, {"claims": [casualty_row(source, 1)]})
    )
    version = draft.history.latest()
    analyst_client.post(change_url(draft), operation_form(draft, title="Later"))
    other = OperationFactory(status=models.Status.DRAFT)
    draft.claims.update(operation=other)

    url = f"{CHANGELIST}{draft.pk}/history/{version.history_id}/"
    response = analyst_client.post(url, operation_form(draft, title="A draft raid"), follow=True)
    assert "moved since" in response.content.decode()
    assert other.claims.count() == 1
    assert not draft.claims.exists()
