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

# A small gazetteer of Syria and Iraq, so that the places reports name are found
# (the intake assistant proposes only recorded places). Names, common alternate
# spellings and approximate coordinates, rounded, as public gazetteers give them.
# A governorate and its capital often share a name: the bare name is the town,
# "X province" and "X governorate" the governorate.
GOVERNORATES = [
    # country, name, latitude, longitude, alternate names
    ("SY", "Aleppo", "36.2", "37.5", []),
    ("SY", "Damascus", "33.5", "36.3", []),
    ("SY", "Rif Dimashq", "33.5", "36.6", ["Damascus Countryside", "Rural Damascus", "ريف دمشق"]),
    ("SY", "Daraa", "32.8", "36.2", ["Deraa", "درعا"]),
    ("SY", "Deir ez-Zor", "35.0", "40.3", ["Deir al-Zour", "Deir Ezzor", "Dayr az-Zawr"]),
    ("SY", "Hama", "35.2", "36.9", []),
    ("SY", "Al-Hasakah", "36.6", "40.9", ["Hasakah", "Hasaka", "Hassakeh"]),
    ("SY", "Homs", "34.6", "38.0", []),
    ("SY", "Idlib", "35.8", "36.6", ["Idleb"]),
    ("SY", "Latakia", "35.6", "35.9", ["Lattakia", "اللاذقية"]),
    ("SY", "Quneitra", "33.1", "35.8", ["القنيطرة"]),
    ("SY", "Raqqa", "35.8", "38.9", ["Ar-Raqqah", "al-Raqqa"]),
    ("SY", "As-Suwayda", "32.7", "36.7", ["Suwayda", "Sweida", "السويداء"]),
    ("SY", "Tartus", "34.9", "36.0", ["Tartous", "طرطوس"]),
    ("IQ", "Anbar", "33.0", "42.0", ["Al-Anbar", "الأنبار"]),
    ("IQ", "Babil", "32.5", "44.5", ["Babylon", "بابل"]),
    ("IQ", "Baghdad", "33.3", "44.4", []),
    ("IQ", "Basra", "30.5", "47.5", ["Basrah"]),
    ("IQ", "Dhi Qar", "31.0", "46.3", ["Thi Qar", "ذي قار"]),
    ("IQ", "Diyala", "33.9", "45.0", ["Diyalah", "ديالى"]),
    ("IQ", "Duhok", "36.9", "43.2", ["Dohuk", "Dahuk", "دهوك"]),
    ("IQ", "Erbil", "36.2", "44.3", []),
    ("IQ", "Halabja", "35.2", "46.0", []),
    ("IQ", "Karbala", "32.5", "43.6", []),
    ("IQ", "Kirkuk", "35.4", "44.1", ["Tamim"]),
    ("IQ", "Maysan", "31.9", "47.1", ["Misan", "ميسان"]),
    ("IQ", "Muthanna", "30.3", "45.3", ["Al-Muthanna", "المثنى"]),
    ("IQ", "Najaf", "31.0", "43.5", []),
    ("IQ", "Nineveh", "36.2", "42.5", ["Ninawa", "Ninewa", "نينوى"]),
    ("IQ", "Al-Qadisiyyah", "31.9", "45.0", ["Qadisiyah", "Diwaniyah", "القادسية"]),
    (
        "IQ",
        "Salah al-Din",
        "34.5",
        "43.6",
        ["Salahuddin", "Saladin", "Salah ad-Din", "صلاح الدين"],
    ),
    ("IQ", "Sulaymaniyah", "35.6", "45.4", ["Sulaimaniya", "Slemani"]),
    ("IQ", "Wasit", "32.6", "45.8", ["واسط"]),
]
TOWNS = [
    # country, name, governorate, latitude, longitude, alternate names
    ("SY", "Aleppo", "Aleppo", "36.20", "37.16", ["Halab", "حلب"]),
    ("SY", "Al-Bab", "Aleppo", "36.37", "37.52", ["Al Bab", "الباب"]),
    ("SY", "Manbij", "Aleppo", "36.53", "37.95", ["Menbij", "منبج"]),
    ("SY", "Kobani", "Aleppo", "36.89", "38.35", ["Kobane", "Ayn al-Arab", "عين العرب"]),
    ("SY", "Damascus", "Damascus", "33.51", "36.29", ["دمشق"]),
    (
        "SY",
        "Deir ez-Zor",
        "Deir ez-Zor",
        "35.33",
        "40.14",
        ["Deir al-Zour", "Deir Ezzor", "Dayr az-Zawr", "دير الزور"],
    ),
    ("SY", "Al-Mayadin", "Deir ez-Zor", "35.02", "40.45", ["Mayadin", "Mayadeen", "الميادين"]),
    ("SY", "Al-Bukamal", "Deir ez-Zor", "34.45", "40.92", ["Abu Kamal", "Albu Kamal", "البوكمال"]),
    ("SY", "Hajin", "Deir ez-Zor", "34.70", "40.83", ["Hajeen", "هجين"]),
    ("SY", "Baghuz", "Deir ez-Zor", "34.47", "40.95", ["Al-Baghuz", "الباغوز"]),
    (
        "SY",
        "Al-Hasakah",
        "Al-Hasakah",
        "36.50",
        "40.75",
        ["Hasakah", "Hasaka", "Hassakeh", "الحسكة"],
    ),
    ("SY", "Al-Shaddadi", "Al-Hasakah", "36.06", "40.73", ["Shaddadi", "Shadadi", "الشدادي"]),
    ("SY", "Al-Hol", "Al-Hasakah", "36.39", "41.15", ["al-Hawl", "الهول"]),
    ("SY", "Homs", "Homs", "34.73", "36.72", ["حمص"]),
    ("SY", "Palmyra", "Homs", "34.56", "38.27", ["Tadmur", "Tadmor", "تدمر"]),
    ("SY", "Idlib", "Idlib", "35.93", "36.63", ["Idleb", "إدلب"]),
    ("SY", "Sarmada", "Idlib", "36.18", "36.72", ["سرمدا"]),
    ("SY", "Raqqa", "Raqqa", "35.95", "39.01", ["Ar-Raqqah", "al-Raqqa", "Rakka", "الرقة"]),
    ("SY", "Tabqa", "Raqqa", "35.84", "38.55", ["Al-Thawrah", "الطبقة"]),
    ("SY", "Tal Abyad", "Raqqa", "36.70", "38.95", ["Tell Abyad", "تل أبيض"]),
    ("IQ", "Fallujah", "Anbar", "33.35", "43.78", ["Falluja", "الفلوجة"]),
    ("IQ", "Ramadi", "Anbar", "33.42", "43.30", ["Al-Ramadi", "الرمادي"]),
    ("IQ", "Al-Qaim", "Anbar", "34.38", "41.10", ["Qaim", "Al-Qa'im", "القائم"]),
    ("IQ", "Haditha", "Anbar", "34.14", "42.38", ["حديثة"]),
    ("IQ", "Rutba", "Anbar", "33.04", "40.28", ["Al-Rutbah", "الرطبة"]),
    ("IQ", "Baghdad", "Baghdad", "33.31", "44.37", ["بغداد"]),
    ("IQ", "Baqubah", "Diyala", "33.75", "44.64", ["Baquba", "بعقوبة"]),
    ("IQ", "Muqdadiyah", "Diyala", "33.98", "44.94", ["Muqdadiya", "المقدادية"]),
    ("IQ", "Erbil", "Erbil", "36.19", "44.01", ["Arbil", "Hawler", "أربيل"]),
    ("IQ", "Kirkuk", "Kirkuk", "35.47", "44.39", ["كركوك"]),
    ("IQ", "Hawija", "Kirkuk", "35.32", "43.77", ["Al-Hawija", "الحويجة"]),
    ("IQ", "Mosul", "Nineveh", "36.34", "43.13", ["Al-Mawsil", "الموصل"]),
    ("IQ", "Tal Afar", "Nineveh", "36.37", "42.45", ["Tall Afar", "تلعفر"]),
    ("IQ", "Sinjar", "Nineveh", "36.32", "41.87", ["Shingal", "سنجار"]),
    ("IQ", "Tikrit", "Salah al-Din", "34.60", "43.68", ["Tekrit", "تكريت"]),
    ("IQ", "Samarra", "Salah al-Din", "34.20", "43.88", ["سامراء"]),
    ("IQ", "Baiji", "Salah al-Din", "34.93", "43.49", ["Bayji", "بيجي"]),
    ("IQ", "Tuz Khurmatu", "Salah al-Din", "34.89", "44.63", ["Tuz Khormato", "طوز خورماتو"]),
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

    load_gazetteer()

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


def load_gazetteer():
    town_names = {name for _, name, *_ in TOWNS}
    for country, name, latitude, longitude, alternates in GOVERNORATES:
        governorate = publish(
            Place,
            {"name": f"{name} Governorate"},
            kind=Place.Kind.PROVINCE,
            country=country,
            province=name,
            district="",
            latitude=Decimal(latitude),
            longitude=Decimal(longitude),
        )
        spellings = [name, *alternates]
        # "X Governorate" is the record's name; reports also write "X province".
        names = [f"{spelling} province" for spelling in spellings if spelling.isascii()]
        if name not in town_names:
            names.extend(spellings)
        for alternate in names:
            publish(PlaceName, {"place": governorate, "name": alternate})
    for country, name, governorate, latitude, longitude, alternates in TOWNS:
        town = publish(
            Place,
            {"name": name},
            kind=Place.Kind.SETTLEMENT,
            country=country,
            province=governorate,
            latitude=Decimal(latitude),
            longitude=Decimal(longitude),
        )
        for alternate in alternates:
            publish(PlaceName, {"place": town, "name": alternate})


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
