"""The operation page: the facts, and who says what, as a reader may see them."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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
Point = models.Claim.Point

# The data version (caching.py); operation with its place; forces; targets; claims;
# the claims' forces; links both ways.
PAGE_QUERIES = 8


VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Node:
    def __init__(self, name, attributes):
        self.name, self.attributes, self.children = name, dict(attributes), []

    def __str__(self):
        return f"<{self.name} {self.attributes}>{words(self)}</{self.name}>"


class Tree(HTMLParser):
    """The page as a tree of elements, its text kept as the reader reads it."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.root = Node("document", {})
        self.open = [self.root]
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs)
        self.open[-1].children.append(node)
        if tag not in VOID:
            self.open.append(node)

    def handle_endtag(self, tag):
        while len(self.open) > 1 and self.open.pop().name != tag:
            pass

    def handle_data(self, data):
        self.open[-1].children.append(data)


def parse(html):
    return Tree(html).root


def elements(node, *, tag=None, cls=None, id=None):
    """Every element under `node` of that tag, class and id."""
    for child in node.children:
        if isinstance(child, str):
            continue
        if (
            (tag is None or child.name == tag)
            and (cls is None or cls in child.attributes.get("class", "").split())
            and (id is None or child.attributes.get("id") == id)
        ):
            yield child
        yield from elements(child, tag=tag, cls=cls, id=id)


def element(node, **match):
    found = list(elements(node, **match))
    assert len(found) == 1, f"{len(found)} elements match {match}"
    return found[0]


def classes(node):
    return node.attributes.get("class", "").split()


def words(node):
    """The text a reader reads in `node`, spaces normalised."""

    def text(node):
        return node if isinstance(node, str) else "".join(text(child) for child in node.children)

    return re.sub(r"\s+", " ", text(node)).strip()


def outcome_claim(target, outcome=models.Outcome.KILLED, **fields):
    fields.setdefault("source", SourceFactory())
    return models.Claim.objects.create(
        operation=target.operation, point=Point.OUTCOME, target=target, outcome=outcome, **fields
    )


# --- who says what ------------------------------------------------------------


def test_a_contested_count_shows_both_claims_side_by_side(client, demo):
    raid = models.Operation.objects.get(title__contains="near Qamishli")

    html = parse(page(client, raid))

    point = element(html, id="point-civilians-killed")
    assert "contested" in classes(point)
    assert words(element(point, tag="h3")) == "Civilians killed"
    assert "Sources disagree: the current claims range over 0–1." in words(point)
    side_by_side = element(point, cls="side-by-side")
    centcom, syrian_tv = elements(side_by_side, cls="claim")
    assert words(element(centcom, cls="says")) == "civilians killed: 0"
    assert "CENTCOM statement on the helicopter raid near Qamishli" in words(centcom)
    assert "US Central Command, in a statement" in words(centcom)
    assert "Reliability B usually reliable" in words(centcom)
    assert "Credibility 3 possibly true" in words(centcom)
    assert words(element(syrian_tv, cls="says")).startswith("civilians killed: 1")
    assert "Syrian state television on Telegram about the raid near Qamishli" in words(syrian_tv)
    assert "state-run Syrian television, on Telegram" in words(syrian_tv)
    assert "Reliability D not usually reliable" in words(syrian_tv)
    assert "Credibility 4 doubtful" in words(syrian_tv)
    syrian_source = models.Source.objects.get(title__startswith="Syrian state")
    cite = element(syrian_tv, tag="cite")
    assert element(cite, tag="a").attributes["href"] == syrian_source.get_absolute_url()
    header = element(html, cls="disagreement")
    assert "Sources disagree on civilians killed (0–1)" in words(header)


def test_claims_that_agree_are_listed_without_the_contested_mark(client, demo):
    raid = models.Operation.objects.get(title__contains="near Qamishli")

    html = parse(page(client, raid))

    detained = element(html, id="point-detained")
    assert "contested" not in classes(detained)
    assert "Sources disagree" not in words(detained)
    assert "1 current claim; range at least 2." in words(detained)
    assert words(element(detained, tag="blockquote")) == "kidnapped"
    shammri = models.Target.objects.get(person__name="Rakkan Wahid al-Shammri")
    outcome = element(html, id=f"point-outcome-{shammri.pk}")
    assert words(element(outcome, tag="h3")) == "Outcome for Rakkan Wahid al-Shammri"
    assert "Analyst's reading: killed." in words(outcome)


def test_a_correction_reads_as_first_reported_then_later_reported(client, demo):
    barisha = models.Operation.objects.get(title__contains="Barisha")

    html = parse(page(client, barisha))

    corrections = element(html, id="corrections")
    assert (
        "On civilians killed: first reported 3 (Televised presidential address on the death "
        "of al-Baghdadi, 27 Oct 2019), later reported 2 (Pentagon briefing by the CENTCOM "
        "commander on the Barisha raid, 30 Oct 2019)."
    ) in words(corrections)
    point = element(html, id="point-civilians-killed")
    assert "contested" not in classes(point)
    assert "range 2" in words(point)
    current = element(point, cls="claims")
    assert (
        words(element(current, cls="says"))
        == "civilians killed: 2 (two children, both under twelve)"
    )
    corrected = element(point, cls="superseded")
    assert (
        words(element(corrected, cls="says"))
        == "corrected civilians killed: 3 (three of his children)"
    )
    assert "Corrected by a later report: civilians killed: 2 (Pentagon briefing" in words(
        corrected
    )
    assert "the US president, in a televised address" in words(corrected)


def test_a_correction_from_a_draft_source_is_not_shown_to_the_public(client, analyst):
    target = TargetFactory(outcome=models.Outcome.WOUNDED)
    wounded = outcome_claim(target, models.Outcome.WOUNDED)
    outcome_claim(
        target,
        models.Outcome.KILLED,
        supersedes=wounded,
        source=SourceFactory(title="Unchecked follow-up", status=DRAFT),
    )

    html = page(client, target.operation)
    assert "Unchecked follow-up" not in html
    assert 'id="corrections"' not in html
    assert "superseded" not in html

    client.force_login(analyst)
    html = parse(page(client, target.operation))
    assert "first reported wounded (Report" in words(element(html, id="corrections"))
    assert "later reported killed (Unchecked follow-up, 7 Oct 2022)" in words(
        element(html, id="corrections")
    )


def test_every_point_has_a_linkable_section_under_claims(client):
    operation = OperationFactory(local_time_zone="Asia/Damascus")
    target = TargetFactory(operation=operation)
    outcome_claim(target)
    CasualtyClaimFactory(
        operation=operation, category="people_killed", count_low=13, count_high=None
    )
    source = SourceFactory()
    for fields in (
        {
            "point": Point.TIME,
            "occurred_at": dt.datetime(2022, 10, 5, 21, tzinfo=dt.UTC),
            "date_precision": DatePrecision.DAY,
            "local_time_zone": "Asia/Damascus",
        },
        {"point": Point.PLACE, "place": operation.place, "location_precision": "near"},
        {"point": Point.KIND, "kind": models.OperationKind.DRONE_STRIKE},
        {"point": Point.FORCES},
    ):
        models.Claim.objects.create(operation=operation, source=source, **fields)

    html = parse(page(client, operation))

    claims = element(html, id="claims")
    anchors = [section.attributes["id"] for section in elements(claims, cls="point")]
    assert anchors == [
        f"point-outcome-{target.pk}",
        "point-people-killed",
        "point-time",
        "point-place",
        "point-forces",
        "point-kind",
    ]
    assert "people killed (not broken down): at least 13" in words(claims)
    claimed_time = element(element(claims, id="point-time"), cls="says")
    assert element(claimed_time, tag="time").attributes["datetime"] == "2022-10-06"
    assert words(claimed_time) == "6 Oct 2022"
    assert f"at near {operation.place.name}" in words(claims)
    assert "drone strike" in words(element(claims, id="point-kind"))


# --- the facts ----------------------------------------------------------------


def test_the_page_shows_the_facts_of_the_operation(client, demo):
    airstrike = models.Operation.objects.get(title__startswith="US airstrike")

    source = page(client, airstrike)
    html = parse(source)

    assert (
        "<title>US airstrike kills two senior ISIS figures in northern Syria · OpsDB</title>"
        in source
    )
    assert (
        '<meta name="description" content="Airstrike, 6 Oct 2022, 18:23 local time (15:23 UTC), '
        "Northern Syria. Targets: Abu &#x27;Ala (killed); Abu Mu&#x27;ad al-Qahtani (killed). "
        '6 claims from 2 sources.">'
    ) in source
    assert words(element(html, tag="h1")) == airstrike.title
    facts = element(html, tag="dl", cls="facts")
    assert (
        '<time datetime="2022-10-06T18:23+03:00">6 Oct 2022, 18:23 local time (15:23 UTC)</time>'
        in source
    )
    text = words(facts)
    assert "Kind Airstrike" in text
    place = models.Place.objects.get(name="Northern Syria")
    assert f"Where Northern Syria, {place.country_name} (somewhere in the region)" in text
    assert f'<a href="/places/{place.pk}/">Northern Syria</a>' in source
    assert "Coordinates 36.40000, 38.90000" in text
    assert "Conducted by US Central Command (lead) Unilateral: one force alone." in text
    assert "Sources 2 sources, 6 claims" in text
    assert "CENTCOM said no civilians were killed or injured." in words(
        element(html, cls="summary-text")
    )
    targets = words(element(html, id="targets"))
    assert "Abu 'Ala deputy leader of ISIS in Syria killed killed" in targets
    airstrike.refresh_from_db()
    updated = airstrike.updated_at.astimezone(dt.UTC)
    assert f'Last changed <time datetime="{updated:%Y-%m-%dT%H:%M:%SZ}">' in source


def test_a_joint_operation_lists_each_force_with_its_role(client, demo):
    barisha = models.Operation.objects.get(title__contains="Barisha")

    facts = words(element(parse(page(client, barisha)), tag="dl", cls="facts"))

    assert (
        "Conducted by US Central Command (lead) Syrian Democratic Forces "
        "(support (intelligence, logistics)) Joint: 2 forces."
    ) in facts


def test_the_sources_are_listed_once_with_the_original_and_the_archived_copy(client):
    operation = OperationFactory()
    source = SourceFactory(
        title="A wire report",
        url="https://wire.example.org/raid",
        archive_url="https://web.archive.org/web/2022/https://wire.example.org/raid",
        publisher=OrganisationFactory(name="Example Wire", kind="media"),
        accessed_on=dt.date(2022, 10, 8),
    )
    CasualtyClaimFactory(operation=operation, source=source)
    CasualtyClaimFactory(operation=operation, source=source, category="civilians_wounded")

    html = parse(page(client, operation))

    listed = list(elements(element(html, id="sources"), tag="li"))
    assert len(listed) == 1
    text = words(listed[0])
    assert "A wire report news article · Example Wire · 7 Oct 2022" in text
    assert "original · archived copy (read 8 Oct 2022)" in text
    links = {a.attributes["href"] for a in elements(listed[0], tag="a")}
    assert f"/sources/{source.pk}/" in links
    assert "https://wire.example.org/raid" in links
    assert "https://web.archive.org/web/2022/https://wire.example.org/raid" in links


def test_a_source_address_that_is_not_a_web_address_is_not_linked(client):
    operation = OperationFactory()
    source = SourceFactory(title="Odd")
    # Saved past validation, as a bulk load might.
    models.Source.objects.filter(pk=source.pk).update(
        url="javascript:alert(1)", archive_url="javascript:alert(2)"
    )
    CasualtyClaimFactory(operation=operation, source=source)

    html = page(client, operation)

    assert "javascript:" not in html
    assert "no web address" in html


def test_related_operations_are_listed_both_ways(client):
    operation = OperationFactory(title="The strike")
    earlier = OperationFactory(
        title="The raid before", occurred_at=dt.datetime(2022, 10, 5, tzinfo=dt.UTC)
    )
    later = OperationFactory(title="The strike's copy")
    hidden = OperationFactory(title="A draft campaign step", status=DRAFT)
    models.OperationLink.objects.create(
        from_operation=operation, to_operation=earlier, relation="followed"
    )
    models.OperationLink.objects.create(
        from_operation=later, to_operation=operation, relation="duplicate_of"
    )
    models.OperationLink.objects.create(
        from_operation=operation, to_operation=hidden, relation="same_campaign"
    )

    html = parse(page(client, operation))

    related = element(html, id="related")
    items = [words(item) for item in elements(related, tag="li")]
    assert items == [
        "Followed The raid before · 5 Oct 2022",
        "Recorded again as (duplicate) The strike's copy · 6 Oct 2022",
    ]
    links = {a.attributes["href"] for a in elements(related, tag="a")}
    assert links == {earlier.get_absolute_url(), later.get_absolute_url()}


def test_the_demo_raid_was_followed_by_the_airstrike(client, demo):
    raid = models.Operation.objects.get(title__contains="near Qamishli")

    related = words(element(parse(page(client, raid)), id="related"))

    assert related.startswith("Related operations Followed by US airstrike kills two senior ISIS")


# --- what readers may see -------------------------------------------------------


def test_an_unknown_operation_is_not_found(client):
    assert client.get("/operations/987654/").status_code == 404


@pytest.mark.parametrize(
    "fields", [{"status": DRAFT}, {"deleted_at": dt.datetime(2023, 1, 1, tzinfo=dt.UTC)}]
)
def test_drafts_and_deleted_operations_are_not_found_for_anonymous_readers(client, fields):
    operation = OperationFactory(**fields)

    assert client.get(operation.get_absolute_url()).status_code == 404


def test_a_deleted_operation_is_not_found_even_for_an_analyst(analyst_client):
    operation = OperationFactory(deleted_at=timezone.now())

    assert analyst_client.get(operation.get_absolute_url()).status_code == 404


def test_a_draft_sources_claim_is_left_out_for_the_public_but_shown_to_an_analyst(
    client, analyst_client
):
    operation = OperationFactory(status=DRAFT, title="A raid being recorded")
    CasualtyClaimFactory(operation=operation, count_low=0, count_high=0)
    CasualtyClaimFactory(
        operation=operation,
        source=SourceFactory(title="An unchecked blog", status=DRAFT),
        count_low=5,
        count_high=5,
    )

    html = parse(page(analyst_client, operation))
    assert "draft" in words(element(html, tag="h1"))
    point = element(html, id="point-civilians-killed")
    assert "contested" in classes(point)
    assert "An unchecked blog draft" in words(point)

    operation.status = models.Status.PUBLISHED
    operation.save()
    client.logout()
    source = page(client, operation)
    assert "An unchecked blog" not in source
    assert "civilians killed: 5" not in source
    html = parse(source)
    point = element(html, id="point-civilians-killed")
    assert "contested" not in classes(point)
    assert len(list(elements(point, cls="claim"))) == 1
    assert "1 source, 1 claim" in words(element(html, tag="dl", cls="facts"))


def test_a_draft_person_target_is_not_named_to_the_public(client, analyst):
    target = TargetFactory(person=PersonFactory(name="Abu Secret", status=DRAFT), role="courier")
    outcome_claim(target)

    source = page(client, target.operation)
    assert "Abu Secret" not in source
    html = parse(source)
    assert "a person not yet published courier killed" in words(element(html, id="targets"))
    outcome = element(html, id=f"point-outcome-{target.pk}")
    assert words(element(outcome, tag="h3")) == "Outcome for a person not yet published"
    assert words(element(outcome, cls="says")) == "a person not yet published killed"
    assert f"/persons/{target.person.pk}/" not in source

    client.force_login(analyst)
    assert "Abu Secret" in page(client, target.operation)


def test_a_draft_place_is_not_named_to_the_public(client):
    operation = OperationFactory(place=PlaceFactory(name="Secret Farm", status=DRAFT))

    source = page(client, operation)

    assert "Secret Farm" not in source
    assert "Where a place not yet published" in words(
        element(parse(source), tag="dl", cls="facts")
    )
    assert "Coordinates" not in source


def test_a_script_in_the_summary_or_a_quote_shows_as_text(client):
    operation = OperationFactory(
        title="<script>alert('title')</script>",
        summary="First line <script>alert('summary')</script>\nSecond line",
    )
    CasualtyClaimFactory(
        operation=operation,
        quote="<script>alert('quote')</script>",
        attribution="<b>officials</b>",
        count_note="<img src=x onerror=alert(1)>",
    )

    source = page(client, operation)

    assert "<script>alert" not in source
    assert "<img src=x" not in source
    assert "<b>officials" not in source
    html = parse(source)
    assert words(element(html, tag="blockquote")) == "<script>alert('quote')</script>"
    summary = element(html, cls="summary-text")
    assert words(summary) == "First line <script>alert('summary')</script>Second line"
    assert list(elements(summary, tag="br"))
    assert not list(elements(element(html, tag="main"), tag="script"))


# --- cost -------------------------------------------------------------------------


def add_claims(operation, count):
    """`count` claims on every kind of point, with targets, forces, corrections and links."""
    forces = [OrganisationFactory() for _ in range(2)]
    operation.forces.create(organisation=forces[0])
    operation.forces.create(organisation=forces[1], role="partner")
    models.OperationLink.objects.create(
        from_operation=operation, to_operation=OperationFactory(), relation="followed"
    )
    models.OperationLink.objects.create(
        from_operation=OperationFactory(), to_operation=operation, relation="same_campaign"
    )
    earlier = None
    for number in range(count):
        source = SourceFactory(publisher=OrganisationFactory(kind="media"))
        kind = number % 5
        if kind == 0:
            target = TargetFactory(operation=operation)
            outcome_claim(target, source=source)
        elif kind == 1:
            earlier = CasualtyClaimFactory(
                operation=operation,
                source=source,
                count_low=number,
                count_high=number,
                supersedes=earlier,
            )
        elif kind == 2:
            models.Claim.objects.create(
                operation=operation,
                source=source,
                point=Point.PLACE,
                place=PlaceFactory(),
                location_precision="near",
            )
        elif kind == 3:
            claim = models.Claim.objects.create(
                operation=operation, source=source, point=Point.FORCES
            )
            claim.claimed_forces.set(forces[: number % 2 + 1])
        else:
            models.Claim.objects.create(
                operation=operation,
                source=source,
                point=Point.TIME,
                occurred_at=dt.datetime(2022, 10, 6, number % 24, tzinfo=dt.UTC),
                date_precision=DatePrecision.HOUR,
                local_time_zone="UTC",
            )


def cost(client, operation):
    with CaptureQueriesContext(connection) as queries:
        page(client, operation)
    return len(queries)


def test_the_page_costs_the_same_queries_for_2_or_20_claims(client):
    few, many = OperationFactory(), OperationFactory()
    add_claims(few, 2)
    add_claims(many, 20)
    assert many.claims.count() == 20

    # Each read once: a second would come from the cache (test_caching.py).
    assert cost(client, few) == cost(client, many) == PAGE_QUERIES
