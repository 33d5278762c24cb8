"""An analyst pastes an article in a real browser, corrects what the assistant
proposes and records it as drafts."""

import pytest
from django.contrib.auth.models import User

from operations import models
from operations.groups import setup_groups

from .test_admin_browser import choose, log_in, staff
from .test_admin_intake import TEXT, URL

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_analyst_records_an_article_after_correcting_it(live_server, page, demo):
    staff("analyst", setup_groups()["Analyst"])
    recorded_raid = models.Operation.objects.get(title__contains="kills an ISIS weapons smuggler")

    log_in(page, live_server.url, "analyst")
    page.goto(live_server.url + "/admin/operations/operation/")
    page.click("text=Add from article")
    page.fill("#id_text", TEXT)
    page.fill("#id_url", URL)
    page.fill("#id_publisher", "US Central Command")
    page.fill("#id_published", "2022-10-07")
    page.click("input[name=review]")

    raid = page.locator("#operation-2")
    assert "A day earlier, a US helicopter raid near Qamishli" in raid.inner_text()
    assert f"add these claims to operation #{recorded_raid.pk}" in raid.inner_text()
    # The demo's operations are published, a reviewer's to change: both are recorded anew.
    page.check("#id_op-0-add_to_0")
    page.check("#id_op-1-add_to_0")
    page.uncheck("#id_op-0-keep")
    # Places are found by any of their names, as on the operation's own page.
    choose(page, "id_op-1-place", "Kamish", "Qamishli")
    page.fill("#id_op-1-claim-2-count_low", "2")
    page.fill("#id_op-1-claim-2-count_high", "3")
    page.uncheck("#id_op-1-claim-1-keep")
    page.uncheck("#id_op-1-target-1-keep")
    page.click("input[name=confirm]")
    page.wait_for_load_state()
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert not errors, errors
    assert "Recorded from the article" in page.locator(".messagelist").inner_text()
    operation = models.Operation.objects.filter(claims__source__url=URL).distinct().get()
    assert operation.kind == "helicopter_raid"
    assert page.url.endswith(f"/admin/operations/operation/{operation.pk}/change/")
    assert page.input_value("#id_title") == operation.title
    assert operation.status == models.Status.DRAFT
    assert sorted(claim.statement for claim in operation.claims.all()) == [
        "Rakkan Wahid al-Shammri killed",
        "people killed (not broken down): 2–3",
    ]
    assert operation.claims.first().source.url == URL
    assert page.locator("#claims-group .inline-related.has_original").count() == 2
    assert operation.history.earliest().history_user == User.objects.get(username="analyst")
