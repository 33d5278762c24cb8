"""The admin's "Add from article" page: paste an article, review what the assistant
proposes, correct or drop it, and record the rest as drafts in one go."""

import datetime as dt
import io
import json

import pytest
from django import forms
from django.contrib.admin.widgets import AutocompleteMixin
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from operations import models
from operations.intake.assistant import propose_from_text

from .api_client import api_client
from .conftest import make_user
from .factories import (
    CasualtyClaimFactory,
    OperationFactory,
    PersonFactory,
    PlaceFactory,
    SourceFactory,
)
from .test_intake_doors import row_counts

pytestmark = pytest.mark.django_db

PAGE = reverse("admin:operations_operation_add_from_article")
PUBLISHED = dt.date(2022, 10, 7)  # a Friday
URL = "https://news.example.org/two-leaders"
PUBLISHER = "US Central Command"
# DESIGN.md's worked example, retold for these tests.
TEXT = """Coalition strike kills two Islamic State leaders

An American airstrike in northern Syria killed Abu 'Ala, the group's deputy leader, and
Abu Mu'ad al-Qahtani on Thursday evening, US Central Command said. The command said no
civilians were killed.

A day earlier, a US helicopter raid near Qamishli killed Rakkan Wahid al-Shammri, a weapons
smuggler, and wounded one of his associates, Syrian state television reported. The channel
said one person was killed and several were kidnapped.
"""


def article(**changes):
    return {
        "text": TEXT,
        "url": URL,
        "publisher": PUBLISHER,
        "published": PUBLISHED.isoformat(),
        **changes,
    }


def review_page(client, **changes):
    return client.post(PAGE, {**article(**changes), "review": "Propose"})


def posted_values(form):
    """What a browser posts for `form` as the page shows it."""
    data = {}
    for field in form:
        value = field.value()
        if isinstance(field.field, forms.BooleanField):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(item) for item in value]
        elif isinstance(value, dt.date | dt.time):
            data[field.html_name] = value.isoformat()
        elif value is not None:
            data[field.html_name] = value
    return data


def as_shown(response, **changes):
    """The review page's forms as shown, submitted with `changes` by field name."""
    review = response.context["review"]
    data = {
        **article(),
        "confirm": "Record as drafts",
        "digest": review.digest,
        **posted_values(review.source),
    }
    for part in review.operations:
        for form in part.forms():
            data.update(posted_values(form))
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def confirm(client, **changes):
    """Review the article, then confirm the page with `changes`."""
    return client.post(PAGE, as_shown(review_page(client), **changes))


# The demo's operations are published: these tests record new ones unless they say not.
AS_NEW = {"op-0-add_to": "", "op-1-add_to": ""}


def new_source():
    return models.Source.objects.get(url=URL)


# Who may use the page


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_who_may_not_add_operations_are_refused(client, django_user_model):
    reader = make_user(django_user_model, "reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_operation"))
    client.force_login(reader)
    assert client.get(PAGE).status_code == 403
    assert review_page(client).status_code == 403


def test_the_operation_list_offers_the_page_to_analysts(analyst_client):
    response = analyst_client.get(reverse("admin:operations_operation_changelist"))
    assert f'href="{PAGE}"' in response.content.decode()


def test_the_article_form_is_shown_empty(analyst_client):
    response = analyst_client.get(PAGE)
    assert response.status_code == 200
    assert response.context["article"].is_bound is False
    assert 'name="review"' in response.content.decode()


# Step 1: the article


FUTURE = (timezone.now() + dt.timedelta(days=2)).date().isoformat()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"text": ""}, "text", "Give the text of the article."),
        ({"text": "  \n "}, "text", "Give the text of the article."),
        ({"text": "x" * 100_001}, "text", "at most 100000 characters"),
        ({"published": FUTURE}, "published", "A publication date cannot be in the future."),
        ({"published": ""}, "published", "This field is required."),
        ({"url": "ftp://example.org/a"}, "url", "http or https"),
    ],
)
def test_a_bad_article_is_refused_with_the_fields_message(analyst_client, changes, field, message):
    before = row_counts()
    response = review_page(analyst_client, **changes)
    assert response.status_code == 200
    assert "review" not in response.context
    assert message in " ".join(response.context["article"].errors[field])
    assert message in response.content.decode()
    assert row_counts() == before


def test_a_confirmation_with_a_bad_article_writes_nothing(demo, analyst_client):
    data = as_shown(review_page(analyst_client), text="", **AS_NEW)
    before = row_counts()
    response = analyst_client.post(PAGE, data)
    assert "Give the text of the article." in response.content.decode()
    assert row_counts() == before


# Step 2: the review page


def test_the_review_page_shows_each_proposal_with_its_sentence(demo, analyst_client):
    response = review_page(analyst_client)
    assert response.status_code == 200
    page = response.content.decode()
    review = response.context["review"]
    assert [part.proposal.kind for part in review.operations] == ["airstrike", "helicopter_raid"]
    strike, raid = review.operations
    assert "killed Abu &#x27;Ala, the group&#x27;s deputy leader" in page
    assert "The channel\nsaid one person was killed" in page
    assert [form.proposal.text for form in raid.targets] == [
        "Rakkan Wahid al-Shammri",
        "one of his associates",
    ]
    associate = raid.targets[1]
    assert associate["description"].value() == "one of his associates"
    assert associate["outcome"].value() == "wounded"
    shammri = models.Person.objects.get(name="Rakkan Wahid al-Shammri")
    assert raid.targets[0]["candidate"].value() == f"person:{shammri.pk}"
    assert "matched “Rakkan Wahid al-Shammri”, score 1.00" in page
    count = raid.claims[2]
    assert (count["category"].value(), count["count_low"].value()) == ("people_killed", 1)
    assert strike.form["place"].value() == models.Place.objects.get(name="Northern Syria").pk
    assert strike.form["local_date"].value() == dt.date(2022, 10, 6)
    recorded_strike = models.Operation.objects.get(pk=strike.proposal.same_as[0].id)
    assert recorded_strike.kind == "airstrike"
    assert strike.form["add_to"].value() == recorded_strike.pk
    assert "add these claims to operation #" in page
    assert response.context["review"].source["title"].value() == (
        "Coalition strike kills two Islamic State leaders"
    )
    assert 'name="confirm"' in page


def test_every_autocomplete_on_the_review_page_answers_the_analyst(demo, analyst_client):
    review = review_page(analyst_client).context["review"]
    widgets = {
        (widget.field.model._meta.model_name, widget.field.name): widget
        for part in [review.source, *(f for op in review.operations for f in op.forms())]
        for widget in (field.widget for field in part.fields.values())
        if isinstance(widget, AutocompleteMixin)
    }
    assert set(widgets) == {
        ("claim", "source"),
        ("source", "publisher"),
        ("operation", "place"),
        ("claim", "claimed_forces"),
        ("target", "person"),
        ("target", "organisation"),
    }
    for (model_name, field_name), widget in widgets.items():
        response = analyst_client.get(
            widget.get_url(),
            {"app_label": "operations", "model_name": model_name, "field_name": field_name},
        )
        assert response.status_code == 200, (model_name, field_name)
        assert response.json()["results"], (model_name, field_name)


def test_namesakes_are_all_offered_and_none_is_chosen(analyst_client):
    PersonFactory(name="Abu Khalid")
    second = PersonFactory(name="Abu Khalid")
    text = "A US airstrike near Hajin on Thursday killed Abu Khalid, CENTCOM said."
    PlaceFactory(name="Hajin")
    response = review_page(analyst_client, text=text)
    (part,) = response.context["review"].operations
    (target,) = part.targets
    assert len(target.fields["candidate"].choices) == 3  # both, and "none of these"
    assert target["candidate"].value() == ""
    response = analyst_client.post(PAGE, as_shown(response, text=text))
    assert "Give exactly one of" in response.content.decode()
    assert not models.Operation.objects.exists()

    chosen = {"op-0-target-0-candidate": f"person:{second.pk}"}
    analyst_client.post(PAGE, as_shown(response, text=text, **chosen))
    assert models.Target.objects.get().person == second


def test_the_three_doors_give_the_same_proposals(demo, analyst_client, analyst, tmp_path):
    shown = review_page(analyst_client).context["proposal"].as_json()
    answered = api_client(analyst).post(
        "/api/v1/proposals/",
        {"text": TEXT, "published": "2022-10-07", "url": URL, "publisher": PUBLISHER},
        format="json",
    )
    path = tmp_path / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    printed = command_output(path)
    expected = propose_from_text(TEXT, published=PUBLISHED, url=URL, publisher=PUBLISHER)
    assert shown == answered.json() == json.loads(printed) == expected.as_json()
    assert shown["operations"]


def command_output(path):
    out = io.StringIO()
    call_command(
        "propose",
        str(path),
        "--published",
        "2022-10-07",
        "--url",
        URL,
        "--publisher",
        PUBLISHER,
        stdout=out,
    )
    return out.getvalue()


# Confirming


def test_confirming_records_everything_kept_as_drafts(demo, analyst_client):
    response = confirm(analyst_client, **AS_NEW, **{"op-0-status": "published"})
    source = new_source()
    strike, raid = models.Operation.objects.filter(claims__source=source).distinct()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:operations_operation_change", args=[strike.pk])
    assert {strike.status, raid.status, source.status} == {models.Status.DRAFT}
    assert (strike.kind, raid.kind) == ("airstrike", "helicopter_raid")
    assert strike.local_date == dt.date(2022, 10, 6)
    assert raid.place.name == "Qamishli" and raid.location_precision == "near"
    assert [force.name for force in raid.conducted_by.all()] == ["US Central Command"]
    assert [str(target) for target in raid.targets.all()] == [
        "Rakkan Wahid al-Shammri",
        "one of his associates",
    ]
    assert sorted(claim.statement for claim in raid.claims.all()) == [
        "Rakkan Wahid al-Shammri killed",
        "one of his associates wounded",
        "people killed (not broken down): 1",
    ]
    assert strike.claims.count() == 3
    assert source.publisher.name == "US Central Command"
    page = analyst_client.get(response["Location"]).content.decode()
    assert "Recorded from the article" in page
    assert f"#{raid.pk}" in page


def test_a_reviewer_confirming_also_records_drafts(demo, reviewer_client):
    confirm(reviewer_client, **AS_NEW, **{"op-0-status": "published"})
    statuses = models.Operation.objects.filter(claims__source=new_source()).values_list(
        "status", flat=True
    )
    assert set(statuses) == {models.Status.DRAFT}


def test_the_analyst_is_in_the_history_of_every_record(demo, analyst_client, analyst):
    confirm(analyst_client, **AS_NEW)
    operation = models.Operation.objects.filter(claims__source=new_source()).first()
    records = [
        new_source(),
        operation,
        *operation.forces.all(),
        *operation.targets.all(),
        *operation.claims.all(),
    ]
    for record in records:
        assert record.history.earliest().history_user == analyst, record


def test_a_failure_midway_writes_nothing(demo, analyst_client, monkeypatch):
    data = as_shown(review_page(analyst_client), **AS_NEW)
    before = row_counts()
    saved = []

    def fail_on_the_fifth_claim(claim, *args, **kwargs):
        saved.append(claim)
        if len(saved) == 5:
            raise DatabaseError("the disk is full")
        return save_claim(claim, *args, **kwargs)

    save_claim = models.Claim.save
    monkeypatch.setattr(models.Claim, "save", fail_on_the_fifth_claim)
    with pytest.raises(DatabaseError):
        analyst_client.post(PAGE, data)
    assert len(saved) == 5
    assert row_counts() == before


def test_a_record_the_model_refuses_is_a_form_error_and_nothing_is_written(demo, analyst_client):
    # A wounded associate with a count is not an outcome claim: the model says so.
    data = as_shown(review_page(analyst_client), **AS_NEW, **{"op-1-claim-1-count_low": "3"})
    before = row_counts()
    response = analyst_client.post(PAGE, data)
    assert response.status_code == 200
    errors = response.context["confirm_errors"]
    assert errors == [
        "Claim 2.2: count low: A claim about a target's outcome leaves this field empty."
    ]
    assert "Claim 2.2: count low" in response.content.decode()
    claim = response.context["review"].operations[1].claims[1]
    assert claim.errors["count_low"] == [
        "A claim about a target's outcome leaves this field empty."
    ]
    assert row_counts() == before


def test_dropped_proposals_are_left_out(demo, analyst_client):
    confirm(
        analyst_client,
        **AS_NEW,
        **{"op-0-keep": None, "op-1-target-1-keep": None, "op-1-claim-1-keep": None},
    )
    (raid,) = models.Operation.objects.filter(claims__source=new_source()).distinct()
    assert raid.kind == "helicopter_raid"
    assert [str(target) for target in raid.targets.all()] == ["Rakkan Wahid al-Shammri"]
    assert raid.claims.count() == 2


def test_a_claim_about_a_dropped_target_is_refused(demo, analyst_client):
    before = row_counts()
    response = confirm(analyst_client, **AS_NEW, **{"op-1-target-1-keep": None})
    assert "Claim 2.2: target: A claim about a target" in " ".join(
        response.context["confirm_errors"]
    )
    assert row_counts() == before


def test_dropping_every_operation_records_nothing(demo, analyst_client):
    before = row_counts()
    response = confirm(analyst_client, **AS_NEW, **{"op-0-keep": None, "op-1-keep": None})
    assert response.context["confirm_errors"] == [
        "Nothing is kept: keep at least one operation to record."
    ]
    assert row_counts() == before


def test_corrections_are_recorded_as_corrected(demo, analyst_client):
    atmeh = models.Place.objects.get(name="Atmeh")
    confirm(
        analyst_client,
        **AS_NEW,
        **{
            "op-1-place": str(atmeh.pk),
            "op-1-location_precision": "exact",
            "op-1-claim-2-count_low": "2",
            "op-1-claim-2-count_high": "4",
            "op-1-target-1-description": "a bodyguard",
        },
    )
    raid = models.Operation.objects.filter(claims__source=new_source(), kind="helicopter_raid")
    raid = raid.distinct().get()
    assert (raid.place, raid.location_precision) == (atmeh, "exact")
    count = raid.claims.get(point="casualties")
    assert (count.count_low, count.count_high) == (2, 4)
    assert raid.targets.filter(description="a bodyguard").exists()


def test_what_the_text_leaves_out_is_asked_for_and_completed(db, analyst_client):
    PlaceFactory(name="Hajin")
    text = "A US airstrike near Hajin killed three fighters, CENTCOM said."
    response = review_page(analyst_client, text=text)
    (part,) = response.context["review"].operations
    assert part.form["local_date"].value() is None
    response = analyst_client.post(PAGE, as_shown(response, text=text))
    assert response.context["review"].operations[0].form.errors["local_date"]
    assert not models.Operation.objects.exists()

    day = {
        "op-0-local_date": "2022-10-03",
        "op-0-date_precision": "day",
        "op-0-local_time_zone": "Asia/Damascus",
    }
    analyst_client.post(PAGE, as_shown(response, text=text, **day))
    operation = models.Operation.objects.get()
    assert (operation.local_date, operation.date_precision) == (dt.date(2022, 10, 3), "day")


def test_a_name_no_record_has_becomes_a_draft_person(db, analyst_client):
    PlaceFactory(name="Hajin")
    text = "A US airstrike near Hajin on Thursday killed Zaid al-Barqawi, CENTCOM said."
    response = review_page(analyst_client, text=text)
    (part,) = response.context["review"].operations
    assert part.targets[0]["new_person"].value() == "Zaid al-Barqawi"
    analyst_client.post(PAGE, as_shown(response, text=text))
    person = models.Person.objects.get(name="Zaid al-Barqawi")
    assert person.status == models.Status.DRAFT
    assert person.targets.get().operation.status == models.Status.DRAFT


def test_a_new_name_in_two_operations_is_one_draft_person(db, analyst_client):
    PlaceFactory(name="Hajin")
    text = (
        "A US airstrike near Hajin on Thursday wounded Zaid al-Barqawi, CENTCOM said. "
        "On Wednesday, a US raid in Hajin had failed to capture Zaid al-Barqawi, "
        "local officials said."
    )
    response = review_page(analyst_client, text=text)
    # The assistant reads "failed to capture" as a capture: the analyst corrects it.
    escaped = {"op-1-target-0-outcome": "escaped", "op-1-claim-0-outcome": "escaped"}
    analyst_client.post(PAGE, as_shown(response, text=text, **escaped))
    person = models.Person.objects.get(name="Zaid al-Barqawi")
    assert sorted(person.targets.values_list("operation__kind", "outcome")) == [
        ("airstrike", "wounded"),
        ("ground_raid", "escaped"),
    ]
    assert sorted(models.Claim.objects.values_list("outcome", flat=True)) == [
        "escaped",
        "wounded",
    ]


def test_a_text_without_an_operation_offers_nothing_to_record(analyst_client):
    text = "The ministry will publish its annual report next month."
    response = review_page(analyst_client, text=text)
    page = response.content.decode()
    assert response.context["review"].operations == []
    assert "The assistant found no operation in this text" in page
    assert 'name="confirm"' not in page


def test_proposals_that_changed_since_the_page_was_shown_are_shown_again(db, analyst_client):
    PlaceFactory(name="Hajin")
    text = "A US airstrike near Hajin on Thursday killed Zaid al-Barqawi, CENTCOM said."
    data = as_shown(review_page(analyst_client, text=text), text=text)
    person = PersonFactory(name="Zaid al-Barqawi")  # recorded by someone else meanwhile
    before = row_counts()
    response = analyst_client.post(PAGE, data)
    assert row_counts() == before
    assert "The records changed since the page was shown" in response.content.decode()
    (part,) = response.context["review"].operations
    assert part.targets[0]["candidate"].value() == f"person:{person.pk}"


def test_a_recorded_source_is_used_again(demo, analyst_client):
    source = SourceFactory(url=URL)
    confirm(analyst_client, **AS_NEW)
    assert models.Source.objects.filter(url=URL).count() == 1
    assert source.claims.count() == 6


# A second report of a recorded event


def recorded_airstrike():
    """A draft airstrike in Hajin that a first source said killed no civilians."""
    operation = OperationFactory(
        kind=models.OperationKind.AIRSTRIKE,
        place=PlaceFactory(name="Hajin"),
        occurred_at=dt.datetime(2022, 10, 6, tzinfo=dt.UTC),
        local_time_zone="UTC",
        status=models.Status.DRAFT,
    )
    CasualtyClaimFactory(operation=operation, count_low=0, count_high=0)
    return operation


SECOND_REPORT = "A US airstrike in Hajin on Thursday killed three civilians, local officials said."


def test_a_second_report_proposes_adding_its_claims_and_makes_the_operation_contested(
    analyst_client, analyst
):
    recorded = recorded_airstrike()
    assert not models.Operation.objects.contested().filter(pk=recorded.pk).exists()
    response = review_page(analyst_client, text=SECOND_REPORT)
    (part,) = response.context["review"].operations
    assert part.form["add_to"].value() == recorded.pk
    page = response.content.decode()
    assert f"add these claims to operation #{recorded.pk}" in page
    assert "Says otherwise than recorded claim" in page

    response = analyst_client.post(PAGE, as_shown(response, text=SECOND_REPORT))
    assert response["Location"] == reverse("admin:operations_operation_change", args=[recorded.pk])
    assert models.Operation.objects.count() == 1
    added = recorded.claims.get(source__url=URL)
    assert (added.category, added.count_low, added.count_high) == ("civilians_killed", 3, 3)
    assert models.Operation.objects.contested().filter(pk=recorded.pk).exists()
    recorded.refresh_from_db()
    assert recorded.claims_summary.contested
    assert recorded.history.latest().history_user == analyst


def test_a_later_report_of_the_same_source_corrects_its_earlier_claim(analyst_client):
    recorded = recorded_airstrike()
    earlier = recorded.claims.get()
    earlier.source.url = URL
    earlier.source.save()
    response = review_page(analyst_client, text=SECOND_REPORT)
    assert response.context["review"].source["existing"].value() == earlier.source.pk
    assert f"Corrects claim #{earlier.pk} of the same source" in response.content.decode()
    analyst_client.post(PAGE, as_shown(response, text=SECOND_REPORT))
    correction = recorded.claims.exclude(pk=earlier.pk).get()
    assert (correction.source, correction.supersedes) == (earlier.source, earlier)
    assert not models.Operation.objects.contested().filter(pk=recorded.pk).exists()


def test_another_source_chosen_corrects_nothing(analyst_client):
    recorded = recorded_airstrike()
    earlier = recorded.claims.get()
    earlier.source.url = URL
    earlier.source.save()
    other = SourceFactory()
    response = review_page(analyst_client, text=SECOND_REPORT)
    analyst_client.post(
        PAGE, as_shown(response, text=SECOND_REPORT, **{"source-existing": str(other.pk)})
    )
    added = recorded.claims.get(source=other)
    assert added.supersedes is None
    assert models.Operation.objects.contested().filter(pk=recorded.pk).exists()


def test_the_analyst_may_record_a_new_operation_instead(analyst_client):
    recorded = recorded_airstrike()
    response = review_page(analyst_client, text=SECOND_REPORT)
    analyst_client.post(PAGE, as_shown(response, text=SECOND_REPORT, **{"op-0-add_to": ""}))
    assert models.Operation.objects.count() == 2
    assert recorded.claims.count() == 1


def test_an_analyst_may_not_add_claims_to_a_published_operation(analyst_client):
    recorded = recorded_airstrike()
    recorded.status = models.Status.PUBLISHED
    recorded.save()
    response = review_page(analyst_client, text=SECOND_REPORT)
    before = row_counts()
    response = analyst_client.post(PAGE, as_shown(response, text=SECOND_REPORT))
    assert response.status_code == 200
    (error,) = response.context["confirm_errors"]
    assert f"operation #{recorded.pk} is published, so only a reviewer adds claims" in error
    assert row_counts() == before


def test_a_reviewer_may_add_claims_to_a_published_operation(reviewer_client):
    recorded = recorded_airstrike()
    recorded.status = models.Status.PUBLISHED
    recorded.save()
    response = review_page(reviewer_client, text=SECOND_REPORT)
    reviewer_client.post(PAGE, as_shown(response, text=SECOND_REPORT))
    recorded.refresh_from_db()
    assert recorded.status == models.Status.PUBLISHED
    assert recorded.claims.count() == 2
