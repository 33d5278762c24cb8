"""The worked example of DESIGN.md as demo data: facts retold, no article prose.

Every record is found by a natural key (a name, a URL, a title) and updated in
place, so loading twice changes nothing. The sources' URLs are placeholders
under example.org: the demo shows how records link, not where to read them.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from . import dates
from .dates import DatePrecision
from .models import (
    Claim,
    LocationPrecision,
    Operation,
    OperationForce,
    OperationKind,
    OperationLink,
    Organisation,
    OrganisationAlias,
    Outcome,
    Person,
    PersonAlias,
    Place,
    PlaceName,
    Role,
    Source,
    Status,
    Target,
)

SYRIA = "Asia/Damascus"

PLACES = [
    # name, kind, country, province, district, latitude, longitude, alternate names
    (
        "Qamishli",
        Place.Kind.SETTLEMENT,
        "Al-Hasakah",
        "Qamishli",
        "37.05220",
        "41.23170",
        ["Al-Qamishli", "Kamishli", "Qamishlo", "القامشلي"],
    ),
    (
        "Atmeh",
        Place.Kind.SETTLEMENT,
        "Idlib",
        "Harem",
        "36.32000",
        "36.68000",
        ["Atma", "Atmah", "أطمة"],
    ),
    (
        "Barisha",
        Place.Kind.SETTLEMENT,
        "Idlib",
        "Harem",
        "36.16230",
        "36.62860",
        ["Baricha", "باريشا"],
    ),
    (
        "Jindires",
        Place.Kind.SETTLEMENT,
        "Aleppo",
        "Afrin",
        "36.39530",
        "36.69470",
        ["Jinderes", "Jandairis", "جنديرس"],
    ),
    (
        "Northern Syria",
        Place.Kind.REGION,
        "",
        "",
        "36.40000",
        "38.90000",
        ["North Syria", "شمال سوريا"],
    ),
]

ORGANISATIONS = [
    # name, kind, country, parent, aliases
    (
        "Islamic State (ISIS)",
        Organisation.Kind.ARMED_GROUP,
        "",
        None,
        [
            "ISIS",
            "ISIL",
            "IS",
            "Daesh",
            "Islamic State of Iraq and the Levant",
            "Islamic State of Iraq and Syria",
            "الدولة الإسلامية",
            "داعش",
        ],
    ),
    ("ISIS in Syria", Organisation.Kind.ARMED_GROUP, "SY", "Islamic State (ISIS)", []),
    (
        "US Department of Defense",
        Organisation.Kind.GOVERNMENT_BODY,
        "US",
        None,
        ["Pentagon", "DoD"],
    ),
    (
        "US Central Command",
        Organisation.Kind.STATE_FORCE,
        "US",
        "US Department of Defense",
        ["CENTCOM", "USCENTCOM"],
    ),
    ("The White House", Organisation.Kind.GOVERNMENT_BODY, "US", None, []),
    (
        "Syrian Democratic Forces",
        Organisation.Kind.ARMED_GROUP,
        "SY",
        None,
        ["SDF", "QSD", "قسد"],
    ),
    (
        "Syrian state television",
        Organisation.Kind.MEDIA,
        "SY",
        None,
        ["Syrian TV", "التلفزيون العربي السوري"],
    ),
    (
        "Syrian Civil Defence",
        Organisation.Kind.OTHER,
        "SY",
        None,
        ["White Helmets", "الدفاع المدني السوري"],
    ),
    ("OpsDB demo newswire", Organisation.Kind.MEDIA, "", None, []),
]

ISIS = "Islamic State (ISIS)"

PERSONS = [
    # name, description, aliases (name, kind), roles (organisation, title, start, end)
    (
        "Abu Bakr al-Baghdadi",
        "First leader of ISIS as a self-declared caliphate.",
        [
            ("Ibrahim Awad Ibrahim al-Badri", PersonAlias.Kind.FULL_NAME),
            ("Abu Bakr al-Bagdadi", PersonAlias.Kind.SPELLING),
            ("أبو بكر البغدادي", PersonAlias.Kind.NATIVE_SCRIPT),
        ],
        [(ISIS, "leader", (2013, 4), (2019, 10, 26))],
    ),
    (
        "Abu Ibrahim al-Hashimi al-Qurashi",
        "Second leader of ISIS, named after al-Baghdadi's death.",
        [
            ("Abu Ibrahim al-Hashimi al-Qurayshi", PersonAlias.Kind.SPELLING),
            ("Amir Muhammad Sa'id Abd al-Rahman al-Mawla", PersonAlias.Kind.FULL_NAME),
            ("أبو إبراهيم الهاشمي القرشي", PersonAlias.Kind.NATIVE_SCRIPT),
        ],
        [(ISIS, "leader", (2019, 10, 31), (2022, 2, 3))],
    ),
    (
        "Abu al-Hasan al-Hashimi al-Qurashi",
        "Third leader of ISIS; the group announced his death in November 2022.",
        [
            ("Abu al-Hassan al-Hashemi al-Qurayshi", PersonAlias.Kind.SPELLING),
            ("أبو الحسن الهاشمي القرشي", PersonAlias.Kind.NATIVE_SCRIPT),
        ],
        [(ISIS, "leader", (2022, 3, 10), (2022, 10))],
    ),
    (
        "Abu al-Husayn al-Husayni al-Qurashi",
        "Fourth leader of ISIS.",
        [
            ("Abu al-Hussein al-Husseini al-Qurayshi", PersonAlias.Kind.SPELLING),
            ("أبو الحسين الحسيني القرشي", PersonAlias.Kind.NATIVE_SCRIPT),
        ],
        [(ISIS, "leader", (2022, 11, 30), (2023, 4))],
    ),
    (
        "Abu Hafs al-Hashimi al-Qurashi",
        "Fifth leader of ISIS, named in August 2023.",
        [("أبو حفص الهاشمي القرشي", PersonAlias.Kind.NATIVE_SCRIPT)],
        [(ISIS, "leader", (2023, 8, 3), None)],
    ),
    (
        "Abu 'Ala",
        "Senior ISIS figure in Syria.",
        [
            ("Abu Ala", PersonAlias.Kind.SPELLING),
            ("Abu Alaa", PersonAlias.Kind.SPELLING),
            ("أبو علاء", PersonAlias.Kind.NATIVE_SCRIPT),
        ],
        [("ISIS in Syria", "deputy leader", None, (2022, 10, 6))],
    ),
    (
        "Abu Mu'ad al-Qahtani",
        "ISIS official in charge of prisoner matters.",
        [
            ("Abu Muad al-Qahtani", PersonAlias.Kind.SPELLING),
            ("Abu Mu'adh al-Qahtani", PersonAlias.Kind.SPELLING),
            ("أبو معاذ القحطاني", PersonAlias.Kind.NATIVE_SCRIPT),
        ],
        [(ISIS, "official for prisoner matters", None, (2022, 10, 6))],
    ),
    (
        "Rakkan Wahid al-Shammri",
        "ISIS member who smuggled weapons.",
        [
            ("Rakkan Wahid al-Shammari", PersonAlias.Kind.SPELLING),
            ("ركان وحيد الشمري", PersonAlias.Kind.NATIVE_SCRIPT),
        ],
        [(ISIS, "weapons smuggler", None, (2022, 10, 5))],
    ),
    (
        "Maher al-Agal",
        "Senior ISIS leader in Syria.",
        [
            ("Maher al-Aqal", PersonAlias.Kind.SPELLING),
            ("ماهر العقال", PersonAlias.Kind.NATIVE_SCRIPT),
        ],
        [("ISIS in Syria", "leader", None, (2022, 7, 12))],
    ),
    (
        "Hani Ahmed al-Kurdi",
        "ISIS bomb-maker and facilitator, captured in 2022.",
        [
            ("Salim", PersonAlias.Kind.NOM_DE_GUERRE),
            ("Hani Ahmad al-Kurdi", PersonAlias.Kind.SPELLING),
        ],
        [(ISIS, "bomb-maker and facilitator", None, None)],
    ),
]

SOURCES = [
    # key, kind, title, publisher, published, reliability
    (
        "newswire-2022-10",
        Source.Kind.NEWS_ARTICLE,
        "US strike and raid kill ISIS figures in Syria (demo retelling)",
        "OpsDB demo newswire",
        (2022, 10, 7),
        Source.Reliability.B,
    ),
    (
        "centcom-2022-10-airstrike",
        Source.Kind.OFFICIAL_STATEMENT,
        "CENTCOM statement on the airstrike in northern Syria",
        "US Central Command",
        (2022, 10, 6),
        Source.Reliability.B,
    ),
    (
        "centcom-2022-10-raid",
        Source.Kind.PRESS_RELEASE,
        "CENTCOM statement on the helicopter raid near Qamishli",
        "US Central Command",
        (2022, 10, 6),
        Source.Reliability.B,
    ),
    (
        "syrian-tv-2022-10-raid",
        Source.Kind.SOCIAL_MEDIA,
        "Syrian state television on Telegram about the raid near Qamishli",
        "Syrian state television",
        (2022, 10, 6),
        Source.Reliability.D,
    ),
    (
        "white-house-2022-02",
        Source.Kind.OFFICIAL_STATEMENT,
        "White House statement on the counter-terrorism operation in north-west Syria",
        "The White House",
        (2022, 2, 3),
        Source.Reliability.B,
    ),
    (
        "newswire-2022-02",
        Source.Kind.NEWS_ARTICLE,
        "Rescuers count the dead after the raid in Atmeh (demo retelling)",
        "OpsDB demo newswire",
        (2022, 2, 3),
        Source.Reliability.C,
    ),
    (
        "white-house-2019-10",
        Source.Kind.BROADCAST,
        "Televised presidential address on the death of al-Baghdadi",
        "The White House",
        (2019, 10, 27),
        Source.Reliability.C,
    ),
    (
        "pentagon-2019-10",
        Source.Kind.OFFICIAL_STATEMENT,
        "Pentagon briefing by the CENTCOM commander on the Barisha raid",
        "US Department of Defense",
        (2019, 10, 30),
        Source.Reliability.B,
    ),
    (
        "centcom-2022-07",
        Source.Kind.PRESS_RELEASE,
        "CENTCOM statement on the drone strike near Jindires",
        "US Central Command",
        (2022, 7, 12),
        Source.Reliability.B,
    ),
    (
        "centcom-2022-06",
        Source.Kind.PRESS_RELEASE,
        "CENTCOM statement on the capture of an ISIS bomb-maker",
        "US Central Command",
        (2022, 6, 16),
        Source.Reliability.B,
    ),
]

CENTCOM = "US Central Command"

# Each operation: its fields, its forces, its targets (key, person or
# description, role, outcome) and its claims.
OPERATIONS = [
    {
        "key": "airstrike",
        "title": "US airstrike kills two senior ISIS figures in northern Syria",
        "kind": OperationKind.AIRSTRIKE,
        "local": (2022, 10, 6, 18, 23),
        "precision": DatePrecision.MINUTE,
        "place": "Northern Syria",
        "location_precision": LocationPrecision.REGION,
        "summary": (
            "A US airstrike on a Thursday evening killed Abu 'Ala, deputy leader of ISIS in "
            "Syria, and Abu Mu'ad al-Qahtani, who handled the group's prisoner matters. "
            "CENTCOM said no civilians were killed or injured."
        ),
        "forces": [(CENTCOM, OperationForce.Role.LEAD)],
        "targets": [
            ("ala", {"person": "Abu 'Ala"}, "deputy leader of ISIS in Syria", Outcome.KILLED),
            (
                "qahtani",
                {"person": "Abu Mu'ad al-Qahtani"},
                "official for prisoner matters",
                Outcome.KILLED,
            ),
        ],
        "claims": [
            {
                "source": "centcom-2022-10-airstrike",
                "point": Claim.Point.OUTCOME,
                "target": "ala",
                "outcome": Outcome.KILLED,
                "attribution": "US Central Command, in a statement",
                "credibility": 2,
            },
            {
                "source": "centcom-2022-10-airstrike",
                "point": Claim.Point.OUTCOME,
                "target": "qahtani",
                "outcome": Outcome.KILLED,
                "attribution": "US Central Command, in a statement",
                "credibility": 2,
            },
            {
                "source": "centcom-2022-10-airstrike",
                "point": Claim.Point.CASUALTIES,
                "category": Claim.Category.CIVILIANS_KILLED,
                "count": (0, 0),
                "attribution": "US Central Command, in a statement",
                "credibility": 3,
            },
            {
                "source": "centcom-2022-10-airstrike",
                "point": Claim.Point.CASUALTIES,
                "category": Claim.Category.CIVILIANS_WOUNDED,
                "count": (0, 0),
                "attribution": "US Central Command, in a statement",
                "credibility": 3,
            },
            {
                "source": "centcom-2022-10-airstrike",
                "point": Claim.Point.TIME,
                "time": ((2022, 10, 6, 18, 23), DatePrecision.MINUTE),
                "attribution": "US Central Command, in a statement",
                "credibility": 2,
            },
            {
                "source": "newswire-2022-10",
                "point": Claim.Point.CASUALTIES,
                "category": Claim.Category.COMBATANTS_KILLED,
                "count": (2, 2),
                "attribution": "US military, as quoted in the report",
                "credibility": 2,
            },
        ],
    },
    {
        "key": "raid",
        "title": "US helicopter raid near Qamishli kills an ISIS weapons smuggler",
        "kind": OperationKind.HELICOPTER_RAID,
        "local": (2022, 10, 5),
        "precision": DatePrecision.DAY,
        "place": "Qamishli",
        "location_precision": LocationPrecision.NEAR,
        "summary": (
            "On the Wednesday night before the airstrike, US forces landed by helicopter "
            "near Qamishli and killed Rakkan Wahid al-Shammri; one of his associates was "
            "injured. The report calls it a unilateral US action, of which Russia was not "
            "warned through the deconfliction line. Syrian state television gave a "
            "different account."
        ),
        "forces": [(CENTCOM, OperationForce.Role.LEAD)],
        "targets": [
            (
                "shammri",
                {"person": "Rakkan Wahid al-Shammri"},
                "weapons smuggler",
                Outcome.KILLED,
            ),
            ("associate", {"description": "an associate of al-Shammri"}, "", Outcome.WOUNDED),
        ],
        "claims": [
            {
                "source": "centcom-2022-10-raid",
                "point": Claim.Point.OUTCOME,
                "target": "shammri",
                "outcome": Outcome.KILLED,
                "attribution": "US Central Command, in a statement",
                "credibility": 2,
            },
            {
                "source": "centcom-2022-10-raid",
                "point": Claim.Point.OUTCOME,
                "target": "associate",
                "outcome": Outcome.WOUNDED,
                "attribution": "US Central Command, in a statement",
                "credibility": 2,
            },
            {
                "source": "centcom-2022-10-raid",
                "point": Claim.Point.CASUALTIES,
                "category": Claim.Category.CIVILIANS_KILLED,
                "count": (0, 0),
                "attribution": "US Central Command, in a statement",
                "credibility": 3,
            },
            {
                "source": "syrian-tv-2022-10-raid",
                "point": Claim.Point.CASUALTIES,
                "category": Claim.Category.CIVILIANS_KILLED,
                "count": (1, 1),
                "count_note": "presented as a victim of the raid, not as a fighter",
                "attribution": "state-run Syrian television, on Telegram",
                "credibility": 4,
            },
            {
                "source": "syrian-tv-2022-10-raid",
                "point": Claim.Point.CASUALTIES,
                "category": Claim.Category.DETAINED,
                "count": (2, None),
                "count_note": "'several', described as kidnapped",
                "attribution": "state-run Syrian television, on Telegram",
                "quote": "kidnapped",
                "credibility": 4,
            },
            {
                "source": "newswire-2022-10",
                "point": Claim.Point.FORCES,
                "forces": [CENTCOM],
                "attribution": "the report, citing US officials",
                "credibility": 2,
            },
        ],
    },
    {
        "key": "atmeh",
        "title": "US raid in Atmeh: ISIS leader Abu Ibrahim al-Hashimi al-Qurashi dies",
        "kind": OperationKind.HELICOPTER_RAID,
        "local": (2022, 2, 3),
        "precision": DatePrecision.DAY,
        "place": "Atmeh",
        "location_precision": LocationPrecision.EXACT,
        "summary": (
            "US special forces raided a house in Atmeh, north-west Syria. The ISIS leader "
            "set off explosives, killing himself and members of his family."
        ),
        "forces": [(CENTCOM, OperationForce.Role.LEAD)],
        "targets": [
            (
                "qurashi",
                {"person": "Abu Ibrahim al-Hashimi al-Qurashi"},
                "leader of ISIS",
                Outcome.DIED_BY_OWN_HAND,
            ),
        ],
        "claims": [
            {
                "source": "white-house-2022-02",
                "point": Claim.Point.OUTCOME,
                "target": "qurashi",
                "outcome": Outcome.DIED_BY_OWN_HAND,
                "attribution": "the US president, in a White House statement",
                "credibility": 2,
            },
            {
                "source": "newswire-2022-02",
                "point": Claim.Point.CASUALTIES,
                "category": Claim.Category.PEOPLE_KILLED,
                "count": (13, 13),
                "count_note": "among them six children and four women",
                "attribution": "Syrian Civil Defence rescue workers",
                "credibility": 3,
            },
            {
                "source": "newswire-2022-10",
                "point": Claim.Point.OUTCOME,
                "target": "qurashi",
                "outcome": Outcome.DIED_BY_OWN_HAND,
                "attribution": "the report, recalling the raid",
                "credibility": 2,
            },
            {
                "source": "newswire-2022-10",
                "point": Claim.Point.TIME,
                "time": ((2022, 2, 1), DatePrecision.MONTH),
                "attribution": "the report, recalling the raid",
                "credibility": 2,
            },
        ],
    },
    {
        "key": "barisha",
        "title": "US raid near Barisha: Abu Bakr al-Baghdadi dies",
        "kind": OperationKind.HELICOPTER_RAID,
        "local": (2019, 10, 26),
        "precision": DatePrecision.DAY,
        "place": "Barisha",
        "location_precision": LocationPrecision.NEAR,
        "summary": (
            "US special forces flew by helicopter to a compound outside Barisha in Idlib "
            "province. Abu Bakr al-Baghdadi fled into a tunnel and set off a suicide vest, "
            "killing himself and children who were with him. The SDF said it had shared "
            "intelligence."
        ),
        "forces": [
            (CENTCOM, OperationForce.Role.LEAD),
            ("Syrian Democratic Forces", OperationForce.Role.SUPPORT),
        ],
        "targets": [
            (
                "baghdadi",
                {"person": "Abu Bakr al-Baghdadi"},
                "leader of ISIS",
                Outcome.DIED_BY_OWN_HAND,
            ),
        ],
        "claims": [
            {
                "source": "white-house-2019-10",
                "point": Claim.Point.OUTCOME,
                "target": "baghdadi",
                "outcome": Outcome.DIED_BY_OWN_HAND,
                "attribution": "the US president, in a televised address",
                "credibility": 2,
            },
            {
                "key": "three-children",
                "source": "white-house-2019-10",
                "point": Claim.Point.CASUALTIES,
                "category": Claim.Category.CIVILIANS_KILLED,
                "count": (3, 3),
                "count_note": "three of his children",
                "attribution": "the US president, in a televised address",
                "credibility": 3,
            },
            {
                "source": "pentagon-2019-10",
                "point": Claim.Point.CASUALTIES,
                "category": Claim.Category.CIVILIANS_KILLED,
                "count": (2, 2),
                "count_note": "two children, both under twelve",
                "attribution": "the CENTCOM commander, at a Pentagon briefing",
                "credibility": 2,
                "supersedes": "three-children",
            },
        ],
    },
    {
        "key": "agal",
        "title": "US drone strike near Jindires kills Maher al-Agal",
        "kind": OperationKind.DRONE_STRIKE,
        "local": (2022, 7, 12),
        "precision": DatePrecision.DAY,
        "place": "Jindires",
        "location_precision": LocationPrecision.NEAR,
        "summary": (
            "A US drone strike in north-west Syria killed Maher al-Agal, a leader of ISIS in "
            "Syria; a senior associate was seriously injured."
        ),
        "forces": [(CENTCOM, OperationForce.Role.LEAD)],
        "targets": [
            ("agal", {"person": "Maher al-Agal"}, "leader of ISIS in Syria", Outcome.KILLED),
            ("agal-associate", {"description": "a senior associate"}, "", Outcome.WOUNDED),
        ],
        "claims": [
            {
                "source": "centcom-2022-07",
                "point": Claim.Point.OUTCOME,
                "target": "agal",
                "outcome": Outcome.KILLED,
                "attribution": "US Central Command, in a statement",
                "credibility": 2,
            },
            {
                "source": "centcom-2022-07",
                "point": Claim.Point.OUTCOME,
                "target": "agal-associate",
                "outcome": Outcome.WOUNDED,
                "attribution": "US Central Command, in a statement",
                "credibility": 2,
            },
            {
                "source": "centcom-2022-07",
                "point": Claim.Point.CASUALTIES,
                "category": Claim.Category.CIVILIANS_KILLED,
                "count": (0, 0),
                "attribution": "US Central Command, after an initial review",
                "credibility": 3,
            },
        ],
    },
    {
        "key": "kurdi",
        "title": "US forces capture ISIS bomb-maker Hani Ahmed al-Kurdi",
        "kind": OperationKind.CAPTURE,
        "local": (2022, 6, 16),
        "precision": DatePrecision.DAY,
        "place": "Northern Syria",
        "location_precision": LocationPrecision.REGION,
        "summary": (
            "US forces captured Hani Ahmed al-Kurdi, known as Salim, an ISIS bomb-maker "
            "and facilitator."
        ),
        "forces": [(CENTCOM, OperationForce.Role.LEAD)],
        "targets": [
            (
                "kurdi",
                {"person": "Hani Ahmed al-Kurdi"},
                "bomb-maker and facilitator",
                Outcome.CAPTURED,
            ),
        ],
        "claims": [
            {
                "source": "centcom-2022-06",
                "point": Claim.Point.OUTCOME,
                "target": "kurdi",
                "outcome": Outcome.CAPTURED,
                "attribution": "US Central Command, in a statement",
                "credibility": 2,
            },
        ],
    },
]

LINKS = [("airstrike", "raid", OperationLink.Relation.FOLLOWED)]


def partial(parts):
    """(2022, 10) → (1 Oct 2022, month precision); None → (None, day)."""
    if parts is None:
        return None, DatePrecision.DAY
    precision = [DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY][len(parts) - 1]
    return dt.date(*parts, *[1] * (3 - len(parts))), precision


def source_url(key):
    return f"https://demo.example.org/sources/{key}"


def publish(model, lookup, **fields):
    """Create or update one record by its natural key, published."""
    if "status" in {field.name for field in model._meta.fields}:
        fields["status"] = Status.PUBLISHED
    record = model.objects.filter(**lookup).first()
    if record is None:
        return model.objects.create(**lookup, **fields)
    changed = {name: value for name, value in fields.items() if getattr(record, name) != value}
    if changed:
        # Saved only when something differs, so that a second load writes no history.
        for name, value in changed.items():
            setattr(record, name, value)
        record.save()
    return record


@transaction.atomic
def load_demo():
    places = {}
    for name, kind, province, district, latitude, longitude, alternates in PLACES:
        places[name] = publish(
            Place,
            {"name": name},
            kind=kind,
            country="SY",
            province=province,
            district=district,
            latitude=Decimal(latitude),
            longitude=Decimal(longitude),
        )
        for alternate in alternates:
            publish(PlaceName, {"place": places[name], "name": alternate})

    organisations = {}
    for name, kind, country, parent, aliases in ORGANISATIONS:
        organisations[name] = publish(
            Organisation,
            {"name": name},
            kind=kind,
            country=country,
            parent=organisations.get(parent),
        )
        for alias in aliases:
            publish(OrganisationAlias, {"organisation": organisations[name], "name": alias})

    persons = {}
    for name, description, aliases, roles in PERSONS:
        person = persons[name] = publish(Person, {"name": name}, description=description)
        for alias, kind in aliases:
            publish(PersonAlias, {"person": person, "name": alias}, kind=kind)
        for organisation, title, start, end in roles:
            started_on, started_precision = partial(start)
            ended_on, ended_precision = partial(end)
            publish(
                Role,
                {"person": person, "organisation": organisations[organisation], "title": title},
                started_on=started_on,
                started_precision=started_precision,
                ended_on=ended_on,
                ended_precision=ended_precision,
            )

    sources = {}
    for key, kind, title, publisher, published, reliability in SOURCES:
        sources[key] = publish(
            Source,
            {"url": source_url(key)},
            kind=kind,
            title=title,
            publisher=organisations[publisher],
            published_on=dt.date(*published),
            language="en",
            reliability=reliability,
            accessed_on=dt.date(2026, 11, 30),
        )

    operations = {}
    for spec in OPERATIONS:
        operations[spec["key"]] = load_operation(spec, places, organisations, persons, sources)
    for from_key, to_key, relation in LINKS:
        publish(
            OperationLink,
            {
                "from_operation": operations[from_key],
                "to_operation": operations[to_key],
                "relation": relation,
            },
        )
    return operations


def load_operation(spec, places, organisations, persons, sources):
    operation = publish(
        Operation,
        {"title": spec["title"]},
        kind=spec["kind"],
        occurred_at=dates.from_local(*spec["local"], zone=SYRIA, precision=spec["precision"]),
        date_precision=spec["precision"],
        local_time_zone=SYRIA,
        place=places[spec["place"]],
        location_precision=spec["location_precision"],
        summary=spec["summary"],
    )
    for organisation, role in spec["forces"]:
        publish(
            OperationForce,
            {"operation": operation, "organisation": organisations[organisation]},
            role=role,
        )
    targets = {}
    for key, who, role, outcome in spec["targets"]:
        lookup = {"operation": operation}
        if "person" in who:
            lookup["person"] = persons[who["person"]]
        else:
            lookup["description"] = who["description"]
        targets[key] = publish(Target, lookup, role=role, outcome=outcome)

    claims = {}
    for claim in spec["claims"]:
        lookup = {
            "operation": operation,
            "source": sources[claim["source"]],
            "point": claim["point"],
            "target": targets.get(claim.get("target")),
            "category": claim.get("category", ""),
        }
        fields = {
            "outcome": claim.get("outcome", ""),
            "count_note": claim.get("count_note", ""),
            "attribution": claim["attribution"],
            "quote": claim.get("quote", ""),
            "credibility": claim["credibility"],
            "supersedes": claims.get(claim.get("supersedes")),
        }
        if "count" in claim:
            fields["count_low"], fields["count_high"] = claim["count"]
        if "time" in claim:
            local, precision = claim["time"]
            fields["occurred_at"] = dates.from_local(*local, zone=SYRIA, precision=precision)
            fields["date_precision"] = precision
            fields["local_time_zone"] = SYRIA
        record = publish(Claim, lookup, **fields)
        if "forces" in claim:
            record.claimed_forces.set([organisations[name] for name in claim["forces"]])
        if "key" in claim:
            claims[claim["key"]] = record
    return operation
