"""Recording a report in the admin: claims with their sources, folded search, all or nothing."""

import pytest

from operations import models

from .admin_forms import operation_form
from .factories import OperationFactory, SourceFactory, TargetFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/operations/operation/"


def change_url(operation):
    return f"{CHANGELIST}{operation.pk}/change/"


def casualty_row(**fields):
    return {
        "point": "casualties",
        "category": "civilians_killed",
        "count_low": 1,
        "count_high": 1,
        "credibility": 3,
        **fields,
    }


@pytest.fixture
def operation():
    return OperationFactory(status=models.Status.DRAFT, title="A raid")


def test_a_claim_with_a_new_url_creates_its_source_as_a_draft(analyst_client, operation):
    row = casualty_row(
        source_url="https://www.news.example.org/raid/?utm_source=feed",
        source_title="Raid report",
        source_kind="news_article",
    )
    response = analyst_client.post(
        change_url(operation), operation_form(operation, {"claims": [row]})
    )
    assert response.status_code == 302, response.context["errors"]
    source = models.Source.objects.get()
    assert (source.url, source.title, source.status) == (
        "https://news.example.org/raid",
        "Raid report",
        models.Status.DRAFT,
    )
    assert operation.claims.get().source == source


def test_a_claim_with_a_known_url_in_another_spelling_finds_its_source(analyst_client, operation):
    known = SourceFactory(url="https://news.example.org/raid")
    row = casualty_row(source_url="http://NEWS.example.org/raid/#comments")
    response = analyst_client.post(
        change_url(operation), operation_form(operation, {"claims": [row]})
    )
    assert response.status_code == 302
    assert models.Source.objects.get() == known
    assert operation.claims.get().source == known


def test_a_claim_needs_a_source_or_a_url(analyst_client, operation):
    response = analyst_client.post(
        change_url(operation), operation_form(operation, {"claims": [casualty_row()]})
    )
    assert response.status_code == 200
    assert "Choose a source, or give its URL." in response.content.decode()
    assert not models.Claim.objects.exists()


def test_one_bad_claim_writes_nothing_at_all(analyst_client, operation):
    source = SourceFactory()
    rows = [
        casualty_row(source=source.pk),
        casualty_row(source=source.pk, count_low=5, count_high=2),
    ]
    data = operation_form(operation, {"claims": rows}, title="Renamed")
    response = analyst_client.post(change_url(operation), data)
    assert response.status_code == 200
    assert "is below the low" in response.content.decode()
    operation.refresh_from_db()
    assert operation.title == "A raid"
    assert not models.Claim.objects.exists()


def test_a_claim_cannot_supersede_a_claim_of_another_operation(analyst_client, operation):
    elsewhere = models.Claim.objects.create(
        operation=OperationFactory(),
        source=SourceFactory(),
        point="casualties",
        category="civilians_killed",
        count_low=3,
        count_high=3,
    )
    row = casualty_row(source=elsewhere.source_id, supersedes=elsewhere.pk)
    response = analyst_client.post(
        change_url(operation), operation_form(operation, {"claims": [row]})
    )
    assert response.status_code == 200
    assert not operation.claims.exists()


def test_an_outcome_claim_offers_only_this_operations_targets(analyst_client, operation):
    mine = TargetFactory(operation=operation)
    other = TargetFactory()
    page = analyst_client.get(change_url(operation)).content.decode()
    assert f'<option value="{mine.pk}">{mine.name}</option>' in page
    assert other.name not in page


def changelist_titles(client, query):
    response = client.get(CHANGELIST, {"q": query})
    return {operation.title for operation in response.context["cl"].result_list}


def test_admin_search_folds_spellings_of_names(analyst_client, demo):
    assert changelist_titles(analyst_client, "Qurayshi") >= {
        "US raid in Atmeh: ISIS leader Abu Ibrahim al-Hashimi al-Qurashi dies"
    }
    assert changelist_titles(analyst_client, "abu muad") == {
        "US airstrike kills two senior ISIS figures in northern Syria"
    }
    assert changelist_titles(analyst_client, "Kamishli") == {
        "US helicopter raid near Qamishli kills an ISIS weapons smuggler"
    }
    assert len(changelist_titles(analyst_client, "CENTCOM")) == 6


def test_admin_search_finds_persons_by_alias_and_sources_by_url(analyst_client, demo):
    response = analyst_client.get("/admin/operations/person/", {"q": "Salim"})
    assert [p.name for p in response.context["cl"].result_list] == ["Hani Ahmed al-Kurdi"]
    url = "http://www.demo.example.org/sources/centcom-2022-07/?utm_medium=x"
    response = analyst_client.get("/admin/operations/source/", {"q": url})
    assert [s.title for s in response.context["cl"].result_list] == [
        "CENTCOM statement on the drone strike near Jindires"
    ]


def test_the_changelist_shows_casualty_ranges_and_the_contested_mark(analyst_client, demo):
    page = analyst_client.get(CHANGELIST).content.decode()
    assert "civilians killed: 0–1" in page
    assert "people detained: at least 2" in page
    assert 'alt="True"' in page


def test_the_time_is_typed_in_local_time_and_stored_in_utc(analyst_client, operation):
    data = operation_form(
        operation,
        local_date="2022-10-06",
        local_time="18:23",
        local_time_zone="Asia/Damascus",
        date_precision="minute",
    )
    assert analyst_client.post(change_url(operation), data).status_code == 302
    operation.refresh_from_db()
    assert operation.occurred_at.isoformat() == "2022-10-06T15:23:00+00:00"
    assert operation.when == "6 Oct 2022, 18:23 local time (15:23 UTC)"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"local_date": "2022-02-15", "date_precision": "month"}, "more precise than month"),
        ({"local_time": "", "date_precision": "minute"}, "Give the time for minute"),
        ({"local_time": "18:23", "date_precision": "day"}, "Leave the time empty"),
        ({"local_time_zone": "Mars/Olympus"}, "IANA time zone"),
        ({"local_date": "yesterdayish"}, "Enter a valid date"),
    ],
    ids=["day-in-a-month", "minute-without-time", "time-on-a-day", "unknown-zone", "not-a-date"],
)
def test_a_time_that_does_not_fit_is_refused_on_the_field_typed(
    analyst_client, operation, fields, message
):
    before = operation.occurred_at
    response = analyst_client.post(change_url(operation), operation_form(operation, **fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    operation.refresh_from_db()
    assert operation.occurred_at == before


AUTOCOMPLETES = [
    ("operation", "place", "Qamish"),
    ("operationforce", "organisation", "CENTCOM"),
    ("target", "person", "shammari"),
    ("target", "organisation", "Daesh"),
    ("claim", "source", "CENTCOM"),
    ("claim", "place", "Kamishli"),
    ("claim", "claimed_forces", "centcom"),
    ("operationlink", "to_operation", "Qurayshi"),
    ("role", "organisation", "ISIS"),
    ("possibleidentity", "other", "Qurashi"),
    ("source", "publisher", "White House"),
    ("organisation", "parent", "Pentagon"),
]


@pytest.mark.parametrize(("model", "field", "term"), AUTOCOMPLETES)
def test_every_autocomplete_finds_by_folded_names(analyst_client, demo, model, field, term):
    response = analyst_client.get(
        "/admin/autocomplete/",
        {"term": term, "app_label": "operations", "model_name": model, "field_name": field},
    )
    assert response.status_code == 200
    assert response.json()["results"], f"{model}.{field} found nothing for {term!r}"


def test_a_claimed_time_is_typed_in_local_time_too(analyst_client, operation):
    row = {
        "source": SourceFactory().pk,
        "point": "time",
        "local_date": "2022-10-06",
        "local_time": "18:32",
        "local_time_zone": "Asia/Damascus",
        "date_precision": "minute",
        "credibility": 3,
    }
    response = analyst_client.post(
        change_url(operation), operation_form(operation, {"claims": [row]})
    )
    assert response.status_code == 302
    claim = operation.claims.get()
    assert claim.occurred_at.isoformat() == "2022-10-06T15:32:00+00:00"
    assert claim.when == "6 Oct 2022, 18:32"


def test_a_casualty_claim_with_a_date_is_refused_on_the_date(analyst_client, operation):
    row = casualty_row(source=SourceFactory().pk, local_date="2022-10-06")
    response = analyst_client.post(
        change_url(operation), operation_form(operation, {"claims": [row]})
    )
    assert response.status_code == 200
    assert "time zone and precision too" in response.content.decode()
    assert not operation.claims.exists()
    row |= {"local_time_zone": "Asia/Damascus", "date_precision": "day"}
    response = analyst_client.post(
        change_url(operation), operation_form(operation, {"claims": [row]})
    )
    assert "leaves this field empty" in response.content.decode()
    assert not operation.claims.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_date_far_outside_the_records_is_refused_not_a_crash(analyst_client, operation, day):
    data = operation_form(operation, local_date=day, local_time_zone="Asia/Tokyo")
    response = analyst_client.post(change_url(operation), data)
    assert response.status_code == 200
    assert "Give a year between 1900 and 2100" in response.content.decode()
