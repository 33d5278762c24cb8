"""The timeline: what each entry shows, its groups, chart, search and query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from operations import models
from operations.dates import from_local

from .factories import (
    CasualtyClaimFactory,
    OperationFactory,
    OrganisationFactory,
    PersonFactory,
    SourceFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_a_reader_sees_published_operations_newest_first_with_their_disputes(
    live_server, page, demo
):
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
    # The data version, count, page, forces, targets, claims, claimed forces, months,
    # countries, organisations.
    assert few == 10


def test_a_search_adds_a_fixed_number_of_queries_for_its_suggestions(client):
    def cost():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/", {"q": "Abu"}).status_code == 200
        return len(queries)

    TargetFactory(person__name="Abu One")
    few = cost()
    for number in range(20):
        TargetFactory(person__name=f"Abu {number}")
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


# --- what each entry shows ---------------------------------------------------------

DAMASCUS = "Asia/Damascus"


def entry(client, operation, params=None):
    """The timeline's entry for one operation, as HTML."""
    page = client.get("/", params or {}).content.decode()
    start = page.rindex("<article", 0, page.index(f'id="operation-{operation.pk}"'))
    return page[start : page.index("</article>", start)]


@pytest.mark.parametrize(
    ("precision", "local", "shown", "attribute"),
    [
        (
            "minute",
            (2022, 10, 6, 18, 23),
            "6 Oct 2022, 18:23 local time (15:23 UTC)",
            "2022-10-06T18:23+03:00",
        ),
        (
            "hour",
            (2022, 10, 6, 18, 0),
            "6 Oct 2022, around 18:00 local time (15:00 UTC)",
            "2022-10-06T18:00+03:00",
        ),
        ("day", (2022, 10, 6), "6 Oct 2022", "2022-10-06"),
        ("month", (2022, 2, 1), "Feb 2022", "2022-02"),
        ("year", (2019, 1, 1), "2019", "2019"),
    ],
)
def test_each_date_shows_as_precisely_as_it_is_known_and_no_more(
    client, precision, local, shown, attribute
):
    operation = OperationFactory(
        occurred_at=from_local(*local, zone=DAMASCUS, precision=precision),
        date_precision=precision,
        local_time_zone=DAMASCUS,
    )
    html = entry(client, operation)
    assert f'<time datetime="{attribute}">{shown}</time>' in html


def test_a_time_just_after_local_midnight_shows_the_local_date_first(client):
    operation = OperationFactory(
        occurred_at=from_local(2022, 10, 6, 0, 30, zone=DAMASCUS, precision="minute"),
        date_precision="minute",
        local_time_zone=DAMASCUS,
    )
    assert "6 Oct 2022, 00:30 local time (5 Oct, 21:30 UTC)" in entry(client, operation)
    page = client.get("/").content.decode()
    assert '<time datetime="2022-10">October 2022</time>' in page


@pytest.mark.parametrize(
    ("precision", "place_name", "shown"),
    [
        ("exact", "Barisha", 'Barisha</span>, Syria <span class="precision">(exact location)'),
        ("near", "Qamishli", "near Qamishli</span>, Syria\n"),
        (
            "district",
            "Al-Bab District",
            'Al-Bab District</span>, Syria <span class="precision">(somewhere in the district)',
        ),
        (
            "province",
            "Deir ez-Zor",
            'Deir ez-Zor</span>, Syria <span class="precision">(somewhere in the province)',
        ),
        (
            "region",
            "northern Syria",
            'northern Syria</span> <span class="precision">(somewhere in the region)',
        ),
        ("country", "Syria", 'Syria</span> <span class="precision">(somewhere in the country)'),
    ],
)
def test_each_place_shows_with_how_precisely_it_is_known(client, precision, place_name, shown):
    operation = OperationFactory(place__name=place_name, location_precision=precision)
    assert shown in entry(client, operation)


def test_a_contested_count_and_a_contested_outcome_are_marked_on_the_entry(client):
    target = TargetFactory(person__name="Abu Example")
    operation = target.operation
    CasualtyClaimFactory(operation=operation, count_low=0, count_high=0)
    CasualtyClaimFactory(operation=operation, count_low=1, count_high=1)
    for outcome in ("killed", "wounded"):
        models.Claim.objects.create(
            operation=operation,
            source=SourceFactory(),
            point="outcome",
            target=target,
            outcome=outcome,
        )
    html = entry(client, operation)
    assert 'class="operation is-contested"' in html
    assert 'civilians killed: <span class="range">0–1</span> <strong class="contested">' in html
    assert (
        '<strong class="contested">contested</strong> '
        '<span class="reported">(sources report: killed, wounded)</span>' in html
    )
    assert "Sources disagree on: outcome for Abu Example, civilians killed" in html
    assert "4 sources" in html


def test_an_entry_without_disagreement_has_no_contested_mark(client):
    operation = CasualtyClaimFactory(count_low=2, count_high=2).operation
    CasualtyClaimFactory(operation=operation, count_low=2, count_high=None)
    html = entry(client, operation)
    assert "contested" not in html
    assert 'civilians killed: <span class="range">at least 2</span>' in html


def test_entries_are_grouped_by_local_month_with_the_month_s_count_for_the_filter(client):
    for day in (3, 9, 20):
        OperationFactory(occurred_at=dt.datetime(2022, 10, day, tzinfo=dt.UTC))
    OperationFactory(occurred_at=dt.datetime(2022, 8, 1, tzinfo=dt.UTC))
    page = client.get("/", {"kind": "airstrike"}).content.decode().replace("&amp;", "&")
    assert (
        '<a href="?kind=airstrike&date_after=2022-10-01&date_before=2022-10-31">'
        '<time datetime="2022-10">October 2022</time></a> <span class="month-count">3 operations'
        in page
    )
    assert (
        '<time datetime="2022-08">August 2022</time></a> <span class="month-count">1 operation<'
        in page
    )


def test_a_month_keeps_its_whole_count_when_the_page_shows_part_of_it(client):
    for day in (3, 9, 20):
        OperationFactory(occurred_at=dt.datetime(2022, 10, day, tzinfo=dt.UTC))
    page = client.get("/", {"page_size": 2}).content.decode()
    assert page.count('<article class="operation') == 2
    assert '<span class="month-count">3 operations</span>' in page


def test_the_chart_has_a_bar_per_month_with_operations_linking_to_that_month(client):
    for day in (3, 9):
        OperationFactory(occurred_at=dt.datetime(2022, 10, day, tzinfo=dt.UTC), kind="airstrike")
    OperationFactory(occurred_at=dt.datetime(2022, 7, 1, tzinfo=dt.UTC), kind="airstrike")
    OperationFactory(occurred_at=dt.datetime(2022, 8, 1, tzinfo=dt.UTC), kind="capture")
    page = client.get("/", {"kind": "airstrike"}).content.decode().replace("&amp;", "&")

    assert page.count('<rect class="bar"') == 2
    assert "<title>October 2022: 2 operations</title>" in page
    assert "<title>July 2022: 1 operation</title>" in page
    assert (
        '<a href="?kind=airstrike&date_after=2022-10-01&date_before=2022-10-31" tabindex="-1">'
        in page
    )
    assert "the busiest month October 2022 with 2" in page
    assert 'text-anchor="middle">operations</text>' in page
    for label in ("Jul 22", "Aug 22", "Sep 22", "Oct 22"):
        assert f">{label}</text>" in page


def test_a_search_offers_matching_people_with_links_to_their_pages(client):
    person = PersonFactory(name="Abu Ibrahim al-Hashimi al-Qurayshi")
    TargetFactory(person=person)
    PersonFactory(name="Abu Secret al-Qurashi", status=models.Status.DRAFT)
    page = client.get("/", {"q": "Qurashi"}).content.decode()

    assert f'<a href="/persons/{person.pk}/">Abu Ibrahim al-Hashimi al-Qurayshi</a>' in page
    assert "Abu Secret" not in page
    assert "<strong>1</strong> matching operation" in page


def test_a_chosen_person_shows_as_a_chip_that_removes_only_that_filter(client):
    target = TargetFactory(person__name="Abu Chip")
    params = {"person": target.person.pk, "kind": "airstrike", "utm_source": "x"}
    page = client.get("/", params).content.decode()
    assert f'Targeted person: <a href="/persons/{target.person.pk}/">Abu Chip</a>' in page
    assert '<a class="remove" href="?kind=airstrike"' in page


def test_the_map_gives_no_coordinates_of_a_draft_place(client):
    hidden = OperationFactory(place__status=models.Status.DRAFT, place__name="Secret Farm")
    shown = OperationFactory()
    data = client.get("/map.json").json()
    assert [row[0] for row in data["points"]] == [shown.pk]
    assert list(data["places"]) == [str(shown.place.pk)]
    assert "Secret Farm" not in entry(client, hidden)


def test_a_title_with_markup_is_shown_as_text(client):
    operation = OperationFactory(title="<script>alert(1)</script> Strike")
    html = entry(client, operation)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Strike" in html
    assert "<script>alert" not in client.get("/").content.decode()


def test_the_page_has_a_title_and_a_description_for_the_query(client):
    OperationFactory()
    page = client.get("/", {"q": "Operation"}).content.decode()
    assert "<title>“Operation” – Timeline of operations · OpsDB</title>" in page
    assert (
        '<meta name="description" content="1 operation against ISIS matching this filter' in page
    )


def test_an_unknown_page_is_a_helpful_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "the timeline of operations" in response.content.decode()
    assert client.get("/api/v1/nothing/").json() == {"detail": "Not found."}


def test_a_single_month_is_drawn_within_a_year_not_as_one_wide_bar(client):
    OperationFactory(occurred_at=dt.datetime(2022, 10, 3, tzinfo=dt.UTC))
    page = client.get("/").content.decode()
    assert page.count('<rect class="bar"') == 1
    assert page.count('class="axis-label') == 12
    assert ">Nov 21</text>" in page and ">Oct 22</text>" in page


def test_the_force_and_target_choices_list_only_organisations_that_can_match(client):
    force = OrganisationFactory(name="Coalition air wing")
    targeted = OrganisationFactory(name="An armed group")
    OrganisationFactory(name="A newswire")
    operation = TargetFactory(person=None, organisation=targeted).operation
    operation.forces.create(organisation=force)
    page = client.get("/").content.decode()
    actor = page[page.index('id="f-actor"') : page.index("</select>", page.index('id="f-actor"'))]
    target = page[
        page.index('id="f-organisation"') : page.index(
            "</select>", page.index('id="f-organisation"')
        )
    ]
    assert "Coalition air wing" in actor and "An armed group" not in actor
    assert "An armed group" in target and "Coalition air wing" not in target
    assert "A newswire" not in actor + target


def test_a_broken_page_link_is_a_404_that_keeps_the_filters_for_the_first_page(client):
    OperationFactory()
    response = client.get("/", {"kind": "airstrike", "cursor": "garbage"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "Invalid cursor" in html
    assert '(<a href="?kind=airstrike">first page</a>)' in html


def test_the_permalink_keeps_the_page_size_and_the_exports_do_not(client):
    OperationFactory()
    html = client.get("/", {"kind": "airstrike", "page_size": 10}).content.decode()
    html = html.replace("&amp;", "&")
    assert '<a href="?kind=airstrike&page_size=10" rel="bookmark">permalink</a>' in html
    assert 'href="/api/v1/operations/?kind=airstrike&page_size=10"' in html
    assert 'href="/api/v1/operations/?kind=airstrike&format=csv"' in html


def test_the_folded_filters_say_how_many_are_active(client):
    OperationFactory()
    html = client.get("/", {"kind": "airstrike", "country": "SY", "ordering": "date"})
    assert '<span class="active-filters">(2 active)</span>' in html.content.decode()


def test_a_reader_asking_for_drafts_is_told_they_need_an_account(client):
    OperationFactory(status=models.Status.DRAFT)
    html = client.get("/", {"status": "draft"}).content.decode()
    assert "<strong>0</strong> matching operations" in html
    assert "Drafts are shown to analysts and reviewers who are logged in" in html


def test_a_wrong_value_is_named_by_its_field_and_marked_on_it(client):
    html = client.get("/", {"date_after": "yesterday"}).content.decode()
    assert (
        '<li id="error-date_after"><strong>From (local date)</strong> (<code>date_after</code>): '
        "Give an ISO date: YYYY-MM-DD.</li>" in html
    )
    assert 'value="" aria-invalid="true" aria-describedby="error-date_after"' in html


def test_a_wrong_page_size_is_a_400_in_plain_words(client):
    response = client.get("/", {"page_size": "abc"})
    assert response.status_code == 400
    assert "<li>Give a whole number from 1 to 1000. (" in response.content.decode()
