"""An analyst records a report in a real browser; a reviewer publishes it."""

import pytest
from django.contrib.auth.models import User

from operations import models
from operations.groups import setup_groups

from .factories import PersonFactory, PlaceFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password"


def staff(username, group):
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(group)
    return user


def log_in(page, base_url, username):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def choose(page, select_id, typed, option):
    """Pick `option` in the autocomplete widget of the select `select_id`, typing `typed`."""
    page.locator(f"#{select_id} + .select2 .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.wait_for()
    # Typed key by key, as select2 queries on key events.
    search.press_sequentially(typed, delay=30)
    page.locator(
        ".select2-container--open .select2-results__option:not(.loading-results)",
        has_text=option,
    ).first.click()


def add_claim(page, index, source, low, high):
    page.click("#claims-group .add-row a")
    prefix = f"id_claims-{index}"
    choose(page, f"{prefix}-source", source[:6], source)
    page.select_option(f"#{prefix}-point", "casualties")
    page.select_option(f"#{prefix}-category", "civilians_killed")
    page.fill(f"#{prefix}-count_low", str(low))
    page.fill(f"#{prefix}-count_high", str(high))
    page.fill(f"#{prefix}-attribution", source)


def saved(page):
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert not errors, errors
    assert page.locator(".messagelist .success").count() == 1


def test_an_analyst_records_a_disputed_raid_and_a_reviewer_publishes_it(live_server, page):
    groups = setup_groups()
    staff("analyst", groups["Analyst"])
    staff("reviewer", groups["Reviewer"])
    PlaceFactory(name="Qamishli")
    PersonFactory(name="Rakkan Wahid al-Shammri").aliases.create(name="Rakkan al-Shammari")
    SourceFactory(title="CENTCOM statement")
    SourceFactory(title="Syrian state television")

    log_in(page, live_server.url, "analyst")
    page.goto(live_server.url + "/admin/operations/operation/add/")
    page.fill("#id_title", "Helicopter raid near Qamishli")
    page.select_option("#id_kind", "helicopter_raid")
    page.fill("#id_local_date", "2022-10-05")
    page.fill("#id_local_time_zone", "Asia/Damascus")
    page.select_option("#id_date_precision", "day")
    choose(page, "id_place", "Kamish", "Qamishli")
    page.select_option("#id_location_precision", "near")
    choose(page, "id_targets-0-person", "shammari", "Rakkan Wahid al-Shammri")
    page.select_option("#id_targets-0-outcome", "killed")
    saved(page)

    add_claim(page, 0, "CENTCOM statement", 0, 0)
    add_claim(page, 1, "Syrian state television", 1, 1)
    saved(page)

    operation = models.Operation.objects.get(title="Helicopter raid near Qamishli")
    assert operation.status == models.Status.DRAFT
    assert operation.claims.count() == 2
    assert operation.targets.get().person.name == "Rakkan Wahid al-Shammri"

    page.goto(live_server.url + "/admin/operations/operation/")
    row = page.locator("#result_list tbody tr", has_text="Helicopter raid near Qamishli")
    assert "civilians killed: 0–1" in row.inner_text()
    assert row.locator(".field-contested img").get_attribute("alt") == "True"
    assert page.locator("select[name=action] option[value=publish_selected]").count() == 0

    page.click("#logout-form button")
    log_in(page, live_server.url, "reviewer")
    page.goto(live_server.url + "/admin/operations/operation/")
    page.locator("#result_list tbody tr", has_text="Helicopter raid").locator(
        "input.action-select"
    ).check()
    page.select_option("select[name=action]", "publish_selected")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    operation.refresh_from_db()
    assert operation.status == models.Status.PUBLISHED
