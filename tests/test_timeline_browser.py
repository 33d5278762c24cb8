"""A researcher on the timeline, in a real browser (Debian's Chromium, headless).

Map tiles come from the internet, which tests never reach: every request
that leaves the test server is refused, and the map must show its markers
all the same.
"""

import pytest

from operations import models

from .factories import OperationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, page, demo):
    """The demo data served, a page that reaches only the test server, and its script errors."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def local_only(route):
        if route.request.url.startswith(live_server.url):
            return route.continue_()
        return route.abort()

    page.route("**/*", local_only)
    page.errors = errors
    page.base = live_server.url
    return page


def titles(page):
    return page.locator(".operation-title").all_inner_texts()


def test_filtering_by_kind_and_a_date_range_shows_the_matching_operations(site):
    site.goto(site.base + "/")
    assert site.locator(".count").inner_text() == "6 published operations"

    with site.expect_navigation():
        site.get_by_label("helicopter raid").check()
    assert site.locator(".count").inner_text() == "3 matching operations"

    site.get_by_label("From", exact=True).fill("2022-01-01")
    site.get_by_label("to", exact=True).fill("2022-12-31")
    site.get_by_role("button", name="Apply filters").click()
    site.wait_for_url("**/?kind=helicopter_raid&date_after=2022-01-01&date_before=2022-12-31")

    assert site.locator(".count").inner_text() == "2 matching operations"
    assert titles(site) == [
        "US helicopter raid near Qamishli kills an ISIS weapons smuggler",
        "US raid in Atmeh: ISIS leader Abu Ibrahim al-Hashimi al-Qurashi dies",
    ]
    assert site.locator(".month h2").all_inner_texts() == [
        "October 2022\n1 operation",
        "February 2022\n1 operation",
    ]
    assert site.locator(".chart rect.bar").count() == 2
    assert site.errors == []


def test_searching_qurashi_leads_to_al_qurayshi_s_page(site):
    site.goto(site.base + "/")
    site.get_by_label("Search operations, people, organisations and places").fill("Qurashi")
    site.get_by_label("Search operations, people, organisations and places").press("Enter")
    site.wait_for_url("**/?q=Qurashi")

    assert "US raid in Atmeh" in " ".join(titles(site))
    site.locator(".suggestions").get_by_role(
        "link", name="Abu Ibrahim al-Hashimi al-Qurashi"
    ).click()

    assert site.locator("h1").inner_text().startswith("Abu Ibrahim al-Hashimi al-Qurashi")
    assert "Abu Ibrahim al-Hashimi al-Qurayshi" in site.locator("main").inner_text()
    assert site.errors == []


def test_an_operation_page_shows_both_disagreeing_claims(site):
    site.goto(site.base + "/")
    site.get_by_role(
        "link", name="US helicopter raid near Qamishli kills an ISIS weapons smuggler"
    ).click()

    contested = site.locator(".point.contested", has_text="civilians killed")
    claims = contested.locator(".claim").all_inner_texts()
    assert len(claims) == 2
    text = " ".join(claims)
    assert "Central Command" in text or "CENTCOM" in text
    assert "Syrian" in text
    assert site.errors == []


def markers_on(page):
    """Circles drawn one per operation, plus the operations gathered in numbered clusters."""
    circles = page.locator("#timeline-map path.op-marker").count()
    clustered = sum(
        int(n) for n in page.locator("#timeline-map .marker-cluster").all_inner_texts()
    )
    return circles, clustered


def test_the_map_shows_one_marker_per_located_operation_without_tiles(site):
    site.goto(site.base + "/")
    site.wait_for_selector("#timeline-map[data-marker-count]")

    located = models.Operation.objects.published().filter(place__latitude__isnull=False).count()
    assert site.locator("#timeline-map").get_attribute("data-marker-count") == str(located)
    assert site.locator(".map-note").inner_text() == f"{located} located operations"
    # Two demo operations are placed in "Northern Syria": they gather in a cluster of 2.
    assert markers_on(site) == (located - 2, 2)

    with site.expect_navigation():
        site.get_by_label("helicopter raid").check()
    site.wait_for_selector("#timeline-map[data-marker-count]")
    assert markers_on(site) == (3, 0)
    assert site.errors == []


def test_operations_at_the_same_place_spread_out_to_be_opened_one_by_one(site):
    site.goto(site.base + "/")
    site.wait_for_selector("#timeline-map[data-marker-count]")
    site.locator("#timeline-map .marker-cluster").click()
    site.wait_for_function(
        "document.querySelectorAll('#timeline-map path.op-marker').length === 6"
    )
    # Every operation is now a circle of its own; the cluster's number stays at the centre.
    assert markers_on(site)[0] == 6


def test_a_marker_s_popup_names_the_operation_and_links_to_it(site):
    site.goto(site.base + "/?kind=capture")
    site.wait_for_selector("#timeline-map[data-marker-count='1']")
    site.locator("#timeline-map path.op-marker").click()

    popup = site.locator(".map-popup")
    popup.get_by_text("US forces capture ISIS bomb-maker Hani Ahmed al-Kurdi").wait_for()
    assert "captured" in popup.inner_text()
    capture = models.Operation.objects.get(kind="capture")
    assert popup.get_by_role("link").get_attribute("href") == capture.get_absolute_url()


def test_screenshots_on_a_desktop_and_a_phone(site, output_path):
    for width, height in ((1280, 800), (390, 844)):
        site.set_viewport_size({"width": width, "height": height})
        site.goto(site.base + "/")
        site.wait_for_selector("#timeline-map[data-marker-count]")
        # Nothing wider than the screen: the page reads without scrolling sideways.
        assert site.evaluate("document.documentElement.scrollWidth") <= width
        site.screenshot(path=f"{output_path}/timeline-{width}x{height}.png", full_page=False)


def test_a_stored_script_is_shown_as_text_and_never_runs(site):
    operation = OperationFactory(
        title='<img src=x onerror="window.pwned=1">Strike',
        summary="<script>window.pwned = 2</script> A summary.",
    )
    site.goto(site.base + "/")
    assert site.get_by_text('<img src=x onerror="window.pwned=1">Strike').count() == 1

    site.goto(site.base + operation.get_absolute_url())
    assert "<script>window.pwned = 2</script>" in site.locator("main").inner_text()
    assert site.evaluate("window.pwned") is None


def test_the_keyboard_moves_through_the_filters_without_reloading_the_page(site):
    site.goto(site.base + "/")
    site.get_by_label("airstrike").focus()
    site.keyboard.press("Space")
    site.keyboard.press("Tab")
    site.keyboard.press("Space")
    assert site.url == site.base + "/"
    site.get_by_role("button", name="Apply filters").click()
    site.wait_for_url("**/?kind=airstrike&kind=drone_strike")
    assert site.locator(".count").inner_text() == "2 matching operations"


def test_on_a_phone_the_results_come_first_and_the_filters_stay_open_after_use(site):
    site.set_viewport_size({"width": 390, "height": 844})
    site.goto(site.base + "/")
    assert site.locator("#filters").get_attribute("open") is None
    site.locator("#filters summary").click()
    with site.expect_navigation():
        site.get_by_label("capture operation").check()
    assert site.locator("#filters").get_attribute("open") is not None
    assert site.locator(".count").inner_text() == "1 matching operation"


def test_a_keyboard_reader_skips_the_filters_and_the_map_to_the_results(site):
    site.goto(site.base + "/")
    site.get_by_role("link", name="Skip the filters and the map to the operations").focus()
    site.keyboard.press("Enter")
    site.keyboard.press("Tab")
    assert site.evaluate("document.activeElement.textContent") == "October 2022"
    site.keyboard.press("Tab")
    assert site.evaluate("document.activeElement.textContent") == (
        "US airstrike kills two senior ISIS figures in northern Syria"
    )
