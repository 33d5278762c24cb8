"""The home page lists the published operations, in a real browser."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from operations import models

from .factories import (
    CasualtyClaimFactory,
    OperationFactory,
    OrganisationFactory,
    SourceFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_sees_published_operations_newest_first_with_their_disputes(live_server, page):
    call_command("loaddemo", verbosity=0)
    OperationFactory(title="A draft nobody may see yet", status=models.Status.DRAFT)

    page.goto(live_server.url + "/")

    titles = page.locator(".operation h3").all_inner_texts()
    assert len(titles) == 6
    assert titles[0] == "US airstrike kills two senior ISIS figures in northern Syria"
    assert titles[-1] == "US raid near Barisha: Abu Bakr al-Baghdadi dies"
    assert "A draft nobody may see yet" not in page.content()
    assert page.locator(".count").inner_text() == "6 published operations"

    airstrike = page.locator(".operation").first
    assert "6 Oct 2022, 18:23 local time (15:23 UTC)" in airstrike.inner_text()

    raid = page.locator(".operation", has_text="near Qamishli")
    assert "civilians killed: 0–1 contested" in raid.inner_text()
    assert "Sources disagree on: civilians killed" in raid.inner_text()
    assert "3 sources" in raid.inner_text()


def test_the_home_page_costs_the_same_queries_for_any_number_of_operations(client):
    def cost():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    def operations(count):
        for _ in range(count):
            target = TargetFactory()
            target.operation.forces.create(organisation=OrganisationFactory())
            CasualtyClaimFactory(operation=target.operation)
            models.Claim.objects.create(
                operation=target.operation,
                source=SourceFactory(),
                point="outcome",
                target=target,
                outcome="killed",
            )

    operations(3)
    few = cost()
    operations(30)
    assert cost() == few


def test_readers_see_no_draft_person_or_draft_source_figure(client):
    target = TargetFactory(person__name="Abu Secret", person__status=models.Status.DRAFT)
    CasualtyClaimFactory(
        operation=target.operation,
        source=SourceFactory(status=models.Status.DRAFT),
        count_low=40,
        count_high=40,
    )
    page = client.get("/").content.decode()
    assert target.operation.title in page
    assert "Abu Secret" not in page
    assert "a person not yet published" in page
    assert "civilians killed" not in page
