"""The pages of a person, an organisation, a place and a source."""

import datetime as dt
import html as markup
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from operations import models
from operations.dates import DatePrecision

from .factories import (
    CasualtyClaimFactory,
    OperationFactory,
    OrganisationFactory,
    PersonFactory,
    PlaceFactory,
    SourceFactory,
    TargetFactory,
)
from .pages import page

pytestmark = pytest.mark.django_db

DRAFT = models.Status.DRAFT


@pytest.fixture
def reader():
    """An anonymous reader (the `client` fixture is the analyst's in tests that log one in)."""
    return Client()


def text(html):
    """The page's words, tags and extra spaces removed: what a reader reads."""
    return markup.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def cost(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def outcome_claim(target, outcome=models.Outcome.KILLED, **fields):
    fields.setdefault("source", SourceFactory())
    return models.Claim.objects.create(
        operation=target.operation,
        point=models.Claim.Point.OUTCOME,
        target=target,
        outcome=outcome,
        **fields,
    )


# --- persons -----------------------------------------------------------------


def test_a_person_page_lists_every_alias_and_the_roles_over_time(client, demo):
    baghdadi = models.Person.objects.get(name="Abu Bakr al-Baghdadi")

    html = page(client, baghdadi)

    assert "<title>Abu Bakr al-Baghdadi · OpsDB</title>" in html
    assert 'content="Abu Bakr al-Baghdadi: First leader of ISIS' in html
    words = text(html)
    assert "Full name Ibrahim Awad Ibrahim al-Badri" in words
    assert "Spelling or transliteration variant Abu Bakr al-Bagdadi" in words
    assert "In the original script أبو بكر البغدادي" in words
    assert "leader , Islamic State (ISIS) : Apr 2013 – 26 Oct 2019" in words
    assert '<time datetime="2013-04">Apr 2013</time>' in html
    assert '<time datetime="2019-10-26">26 Oct 2019</time>' in html
    # The timeline draws the same role, labelled, with its facts in a <title>.
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "<title>leader, Islamic State (ISIS): Apr 2013 – 26 Oct 2019</title>" in svg
    assert "leader, Islamic State (ISIS)</text>" in svg
    assert "Last known outcome: died by own hand" in words


def test_an_open_role_runs_to_today_on_the_timeline(client, demo):
    abu_hafs = models.Person.objects.get(name="Abu Hafs al-Hashimi al-Qurashi")

    html = page(client, abu_hafs)

    assert "3 Aug 2023 – present" in text(html)
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'class="bar open-end"' in svg
    assert f">{dt.date.today().year}</text>" in svg
    assert 'class="today"' in svg


def test_a_person_page_shows_what_each_source_reported_about_their_fate(client):
    person = PersonFactory(name="Abu Example")
    target = TargetFactory(person=person, outcome=models.Outcome.KILLED)
    first = outcome_claim(
        target,
        models.Outcome.WOUNDED,
        source=SourceFactory(title="Early wire report"),
        attribution="two local sources",
    )
    outcome_claim(target, supersedes=first, source=SourceFactory(title="Next-day statement"))
    outcome_claim(target, models.Outcome.ESCAPED, source=SourceFactory(title="Group's channel"))
    outcome_claim(
        target,
        models.Outcome.CAPTURED,
        source=SourceFactory(title="Unpublished memo", status=DRAFT),
    )

    words = text(page(client, person))

    assert "Next-day statement : killed" in words
    assert "Group's channel : escaped" in words
    assert "Early wire report : wounded (two local sources) corrected by a later report" in words
    assert "Sources disagree: killed, escaped." in words
    assert "Unpublished memo" not in words
    assert "captured" not in words
    assert target.operation.title in words


def test_possibly_the_same_as_shows_the_other_person_and_the_reason_both_ways(client):
    first = PersonFactory(name="Abu Ibrahim")
    second = PersonFactory(name="Amir al-Mawla")
    source = SourceFactory(title="A UN monitoring report")
    models.PossibleIdentity.objects.create(
        person=first, other=second, source=source, note="Same birthplace and kunya."
    )

    for record, other in ((first, second), (second, first)):
        html = page(client, record)
        words = text(html)
        assert "Possibly the same person as" in words
        assert f'<a href="{other.get_absolute_url()}">{other.name}</a>' in html
        assert "Same birthplace and kunya." in words
        assert f'<a href="{source.get_absolute_url()}">A UN monitoring report</a>' in html


def test_a_draft_person_is_not_found_by_anonymous_readers_but_analysts_read_it(
    reader, analyst_client
):
    draft = PersonFactory(status=DRAFT, name="Abu Draft")

    assert reader.get(draft.get_absolute_url()).status_code == 404
    assert "Abu Draft" in page(analyst_client, draft)


def test_draft_persons_are_not_named_on_a_published_page(reader, analyst_client):
    person = PersonFactory(name="Abu Published")
    hidden = PersonFactory(name="Abu Hidden", status=DRAFT)
    models.PossibleIdentity.objects.create(person=person, other=hidden, note="Abu Hidden?")
    isis = OrganisationFactory(name="A group")
    models.Role.objects.create(person=hidden, organisation=isis, title="emir")
    models.Role.objects.create(person=person, organisation=isis, title="deputy")
    operation = OperationFactory(title="The raid")
    TargetFactory(operation=operation, person=person)
    source = SourceFactory()
    outcome_claim(TargetFactory(operation=operation, person=hidden), source=source)
    draft_operation = OperationFactory(title="A draft raid", status=DRAFT)
    TargetFactory(operation=draft_operation, person=person)

    for record in (person, isis, source, operation.place):
        html = page(reader, record)
        assert "Abu Hidden" not in html
        assert "emir" not in html
        assert "A draft raid" not in html
    assert "a person not yet published" in page(reader, person)
    assert "a person not yet published killed" in text(page(reader, source))
    assert "Abu Hidden" in page(analyst_client, person)
    assert "A draft raid" in page(analyst_client, person)


@pytest.mark.parametrize(
    ("who", "queries"),
    # A reader's include the data version (caching.py); an analyst's session, account
    # and permissions cost four more, and no data version.
    [("reader", 14), ("analyst_client", 17)],
)
def test_a_person_page_costs_the_same_queries_with_few_and_many_related_rows(
    request, who, queries
):
    client = request.getfixturevalue(who)
    person = PersonFactory()
    organisation = OrganisationFactory()

    def add(count):
        for index in range(count):
            models.PersonAlias.objects.create(person=person, name=f"Abu {index} {count}")
            models.Role.objects.create(
                person=person,
                organisation=organisation,
                title="emir",
                source=SourceFactory(publisher=OrganisationFactory()),
                started_on=dt.date(2010 + index % 10, 1, 1),
                started_precision=DatePrecision.YEAR,
            )
            other = PersonFactory()
            models.PossibleIdentity.objects.create(
                person=min(person, other, key=lambda p: p.pk),
                other=max(person, other, key=lambda p: p.pk),
                source=SourceFactory(),
            )
            target = TargetFactory(person=person)
            target.operation.forces.create(organisation=OrganisationFactory())
            CasualtyClaimFactory(operation=target.operation)
            outcome_claim(target, supersedes=outcome_claim(target, models.Outcome.WOUNDED))

    add(2)
    few = cost(client, person.get_absolute_url())
    add(12)
    assert cost(client, person.get_absolute_url()) == few == queries


# --- organisations -------------------------------------------------------------


def test_an_organisation_page_shows_leadership_succession_in_order(client, demo):
    isis = models.Organisation.objects.get(name="Islamic State (ISIS)")

    html = page(client, isis)

    leaders = [
        "Abu Bakr al-Baghdadi",
        "Abu Ibrahim al-Hashimi al-Qurashi",
        "Abu al-Hasan al-Hashimi al-Qurashi",
        "Abu al-Husayn al-Husayni al-Qurashi",
        "Abu Hafs al-Hashimi al-Qurashi",
    ]
    table = html[html.index('<table class="succession">') : html.index("</table>")]
    positions = [table.index(f">{leader}</a>") for leader in leaders]
    assert positions == sorted(positions)
    rows = text(table)
    assert "Apr 2013 26 Oct 2019 leader Abu Bakr al-Baghdadi" in rows
    assert "3 Aug 2023 present leader Abu Hafs al-Hashimi al-Qurashi" in rows
    # One row of the timeline per title, a bar per leader, labelled with the name.
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count('class="row-label"') == len(set(isis.roles.values_list("title", flat=True)))
    assert ">leader</text>" in svg
    bars = [svg.index(f">{leader}</text>") for leader in leaders]
    assert bars == sorted(bars)
    assert "<title>Abu Bakr al-Baghdadi, leader: Apr 2013 – 26 Oct 2019</title>" in svg


def test_an_organisation_page_gives_its_names_family_and_operations(client, demo):
    isis = models.Organisation.objects.get(name="Islamic State (ISIS)")
    centcom = models.Organisation.objects.get(name="US Central Command")

    words = text(page(client, isis))
    assert "Also known as:" in words and "Daesh" in words and "داعش" in words
    assert "Its parts ISIS in Syria" in words
    targeted = models.Operation.objects.targeting(isis.pk).distinct().count()
    assert f"Operations that targeted it or its members ({targeted})" in words
    assert f"/?organisation={isis.pk}" in page(client, isis)

    html = page(client, centcom)
    words = text(html)
    assert "Part of US Department of Defense" in words
    assert "Organisation · state force · United States" in words
    assert re.search(r"Operations it conducted \((\d+)\)", words)
    assert f'href="/?actor={centcom.pk}"' in html
    assert "US airstrike kills two senior ISIS figures in northern Syria" in words


def test_an_organisation_page_costs_the_same_queries_with_few_and_many_related_rows(client):
    organisation = OrganisationFactory()

    def add(count):
        for index in range(count):
            models.OrganisationAlias.objects.create(
                organisation=organisation, name=f"Alias {index} {count}"
            )
            OrganisationFactory(parent=organisation)
            models.Role.objects.create(
                person=PersonFactory(),
                organisation=organisation,
                title=f"title {index % 3}",
                source=SourceFactory(),
                started_on=dt.date(2000 + index, 1, 1),
            )
            conducted = OperationFactory()
            conducted.forces.create(organisation=organisation)
            CasualtyClaimFactory(operation=conducted)
            target = TargetFactory(organisation=organisation, person=None)
            CasualtyClaimFactory(operation=target.operation)
            TargetFactory(person=models.Role.objects.filter(organisation=organisation)[0].person)

    add(2)
    few = cost(client, organisation.get_absolute_url())
    add(12)
    # 16, and the data version (caching.py).
    assert cost(client, organisation.get_absolute_url()) == few == 17


# --- places ---------------------------------------------------------------------


def test_a_place_page_gives_its_names_where_it_is_and_a_map(client, demo):
    qamishli = models.Place.objects.get(name="Qamishli")
    qamishli.aliases.filter(name="القامشلي").update(language="ar")

    html = page(client, qamishli)
    words = text(html)

    assert "<title>Qamishli · OpsDB</title>" in html
    assert (
        '<span lang="ar" dir="auto">القامشلي</span> <span class="language">(Arabic)</span>' in html
    )
    assert "Country Syria" in words
    assert "Province Al-Hasakah" in words
    assert "District Qamishli" in words
    assert "37.05220, 41.23170" in words
    assert (
        f'data-points-url="/map.json?place={qamishli.pk}" data-lat="37.05220" '
        'data-lon="41.23170"' in html
    )
    assert "data-tile-url=" in html and "data-tile-attribution=" in html
    assert "<noscript>" in html
    assert "map.js" in html and "leaflet.css" in html
    assert "<script>" not in html  # the map script is a file, not inline
    assert "Operations here (1)" in words
    assert f'href="/?place={qamishli.pk}"' in html


def test_a_place_page_lists_only_the_operations_a_reader_may_see(reader, analyst_client):
    place = PlaceFactory(name="Hajin")
    OperationFactory(place=place, title="Published strike")
    OperationFactory(place=place, title="Drafted strike", status=DRAFT)
    OperationFactory(place=place, title="Deleted strike", deleted_at=dt.datetime.now(dt.UTC))

    words = text(page(reader, place))
    assert "Published strike" in words
    assert "Drafted strike" not in words and "Deleted strike" not in words
    words = text(page(analyst_client, place))
    assert "Drafted strike" in words and "Deleted strike" not in words


def test_a_place_page_costs_the_same_queries_with_few_and_many_related_rows(client):
    place = PlaceFactory()

    def add(count):
        for index in range(count):
            models.PlaceName.objects.create(place=place, name=f"Name {index} {count}")
            target = TargetFactory(operation=OperationFactory(place=place))
            target.operation.forces.create(organisation=OrganisationFactory())
            CasualtyClaimFactory(operation=target.operation)

    add(2)
    few = cost(client, place.get_absolute_url())
    add(12)
    # 8, and the data version (caching.py).
    assert cost(client, place.get_absolute_url()) == few == 9


def test_a_record_page_lists_fifty_operations_and_links_to_the_rest(client):
    place = PlaceFactory()
    for _ in range(52):
        OperationFactory(place=place)

    html = page(client, place)

    assert html.count('<article class="operation') == 50
    assert f'<a href="/?place={place.pk}">All 52 operations on the timeline</a>' in html


# --- sources --------------------------------------------------------------------


def test_a_source_page_gives_its_facts_and_every_claim_by_operation(client, demo):
    raid_statement = models.Source.objects.get(title__startswith="Syrian state television")

    html = page(client, raid_statement)
    words = text(html)

    assert "Source · social media post" in words
    assert "Publisher Syrian state television" in words
    assert "Reliability D – not usually reliable" in words
    assert '<time datetime="2022-10-06">6 Oct 2022</time>' in html
    assert f'href="{raid_statement.url}" rel="noopener nofollow"' in html
    operation = models.Operation.objects.filter(claims__source=raid_statement).distinct().get()
    assert f'<a href="{operation.get_absolute_url()}">{operation.title}</a>' in html
    assert "<blockquote>kidnapped</blockquote>" in html
    assert "Credibility:" in words


def test_a_source_page_marks_corrected_and_correcting_claims(client):
    source = SourceFactory(
        title="The wire",
        url="https://www.example.com/a?utm_source=x",
        archive_url="https://web.archive.org/web/2022/https://example.com/a",
        accessed_on=dt.date(2022, 10, 8),
        language="ar",
    )
    later_source = SourceFactory(title="The correction")
    target = TargetFactory()
    first = outcome_claim(target, models.Outcome.WOUNDED, source=source, quote="seriously injured")
    outcome_claim(target, supersedes=first, source=later_source)
    hidden = OperationFactory(status=DRAFT, title="A drafted operation")
    CasualtyClaimFactory(operation=hidden, source=source)

    html = page(client, source)
    words = text(html)
    assert '<a class="url" href="https://example.com/a" rel="noopener nofollow">' in html
    assert 'href="https://web.archive.org/web/2022/https://example.com/a"' in html
    assert '<time datetime="2022-10-08">8 Oct 2022</time>' in html
    assert "Language Arabic" in words
    assert f"{target.person.name} wounded" in words
    assert "corrected by a later claim by The correction" in words
    assert "A drafted operation" not in words

    words = text(page(client, later_source))
    assert f"{target.person.name} killed" in words
    assert "corrects an earlier claim by The wire" in words


def test_a_source_page_costs_the_same_queries_with_few_and_many_claims(client):
    source = SourceFactory(publisher=OrganisationFactory())

    def add(count):
        for _ in range(count):
            target = TargetFactory()
            CasualtyClaimFactory(operation=target.operation, source=source)
            outcome_claim(target, supersedes=outcome_claim(target, source=source))
            forces = models.Claim.objects.create(
                operation=target.operation, source=source, point=models.Claim.Point.FORCES
            )
            forces.claimed_forces.add(OrganisationFactory(), OrganisationFactory())

    add(2)
    few = cost(client, source.get_absolute_url())
    add(12)
    # 4, and the data version (caching.py).
    assert cost(client, source.get_absolute_url()) == few == 5


# --- every page ---------------------------------------------------------------------


RECORDS = {
    "person": lambda **fields: PersonFactory(description="<script>alert(1)</script>", **fields),
    "organisation": lambda **fields: OrganisationFactory(
        description="<script>alert(1)</script>", **fields
    ),
    "place": lambda **fields: PlaceFactory(**fields),
    "source": lambda **fields: SourceFactory(**fields),
}


@pytest.mark.parametrize("kind", RECORDS)
def test_unknown_ids_and_drafts_are_not_found_by_anonymous_readers(reader, kind):
    draft = RECORDS[kind](status=DRAFT)

    assert reader.get(f"/{kind}s/999999/").status_code == 404
    assert reader.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("kind", RECORDS)
def test_names_and_descriptions_are_shown_as_text_never_as_markup(client, kind):
    field = "title" if kind == "source" else "name"
    record = RECORDS[kind](**{field: "<script>alert(2)</script>"})

    html = page(client, record)

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    if kind in ("person", "organisation"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_analysts_read_draft_pages_of_every_kind(analyst_client):
    for make in RECORDS.values():
        record = make(status=DRAFT)
        assert 'class="badge draft"' in page(analyst_client, record)


def test_a_stored_address_that_is_not_a_web_address_is_shown_but_not_linked(client):
    source = SourceFactory()
    # Validation refuses such a URL; a row written around it must still be harmless.
    models.Source.objects.filter(pk=source.pk).update(
        url="javascript:alert(1)", archive_url="data:text/html,hello"
    )
    html = page(client, source)
    assert 'href="javascript:' not in html
    assert 'href="data:' not in html
    assert "javascript:alert(1)" in html
