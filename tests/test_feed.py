"""The Atom feed of a timeline query (/feed/), read as a feed reader reads it."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from operations import models

from .factories import OperationFactory, PlaceFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def read_feed(client, **params):
    response = client.get("/feed/", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries(feed):
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "updated": entry.findtext(f"{ATOM}updated"),
            "summary": entry.findtext(f"{ATOM}summary") or "",
        }
        for entry in feed.iter(f"{ATOM}entry")
    ]


def changed(operation, days_ago):
    """Sets when the operation last changed, as if edited `days_ago` days ago."""
    when = timezone.now() - dt.timedelta(days=days_ago)
    models.Operation.objects.filter(pk=operation.pk).update(updated_at=when)


def test_the_feed_lists_the_querys_operations_most_recently_changed_first(client):
    old_news = OperationFactory(title="Raid recorded last week", kind="ground_raid")
    fresh = OperationFactory(
        title="Raid of 2015 recorded today",
        kind="ground_raid",
        occurred_at=dt.datetime(2015, 3, 1, tzinfo=dt.UTC),
    )
    OperationFactory(title="An airstrike", kind="airstrike")
    changed(old_news, days_ago=7)
    changed(fresh, days_ago=0)

    found = entries(read_feed(client, kind="ground_raid"))

    assert [entry["title"] for entry in found] == [
        "Raid of 2015 recorded today",
        "Raid recorded last week",
    ]
    assert found[0]["link"] == f"http://testserver/operations/{fresh.pk}/"
    assert found[0]["summary"].startswith("<p>Ground raid, 1 Mar 2015")


def test_readers_of_the_feed_see_neither_drafts_nor_merged_duplicates(client):
    kept = OperationFactory(title="The raid")
    OperationFactory(title="Its duplicate", merged_into=kept)
    OperationFactory(title="A draft", status=models.Status.DRAFT)

    assert [entry["title"] for entry in entries(read_feed(client))] == ["The raid"]


def test_an_entry_withholds_a_draft_place(client):
    OperationFactory(
        title="Strike", place=PlaceFactory(name="Secret village", status=models.Status.DRAFT)
    )

    (entry,) = entries(read_feed(client))
    assert "Secret village" not in entry["summary"]


def test_the_feed_title_and_links_name_the_query(client):
    feed = read_feed(client, kind="airstrike", country="SY")

    assert feed.findtext(f"{ATOM}title") == (
        "OpsDB: operations against ISIS (kind airstrike; country SY)"
    )
    links = {link.get("rel"): link.get("href") for link in feed.iter(f"{ATOM}link")}
    assert links["self"] == "http://testserver/feed/?kind=airstrike&country=SY"
    assert links["alternate"] == "http://testserver/?kind=airstrike&country=SY"


def test_a_filter_that_cannot_be_read_is_refused_with_its_reason(client):
    response = client.get("/feed/", {"date_after": "yesterday"})

    assert response.status_code == 400
    assert "date_after: Give an ISO date" in response.content.decode()


def test_the_feed_holds_the_fifty_latest_changes_in_a_fixed_number_of_queries(client):
    def cost():
        with CaptureQueriesContext(connection) as queries:
            found = entries(read_feed(client))
        return len(queries), len(found)

    OperationFactory.create_batch(3)
    few = cost()
    OperationFactory.create_batch(60)
    many = cost()

    # The data version (caching.py), then the entries.
    assert few == (2, 3)
    assert many == (2, 50)


def test_the_timeline_links_to_the_feed_of_its_query(client):
    OperationFactory()
    html = client.get("/", {"kind": "ground_raid"}).content.decode()

    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'title="Atom feed of this query" href="/feed/?kind=ground_raid">'
    ) in html
    assert '<a href="/feed/?kind=ground_raid" type="application/atom+xml">Atom feed</a>' in html


def test_characters_xml_cannot_carry_are_left_out_not_a_crash(client):
    OperationFactory(title="Raid\x0b near\x0c Atmeh", summary="Two\x1b killed")

    feed = read_feed(client, q="Raid\x0b")

    assert feed.findtext(f"{ATOM}title") == "OpsDB: operations against ISIS (q Raid)"
    (entry,) = entries(feed)
    assert entry["title"] == "Raid near Atmeh"
    assert "Two killed" in entry["summary"]
