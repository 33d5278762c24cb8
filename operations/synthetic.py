"""Synthetic operations for tests and benchmarks (`manage.py generate_operations`).

Everything is drawn from one `random.Random(seed)`, so a seed and a count give the same
values on an empty database every time (creation timestamps aside).

What the data looks like:

- places and organisations are fixed pools of real names in Syria, Iraq, Afghanistan,
  Somalia, Libya and Nigeria (plus generated villages); a record that already exists under
  the same name (the demo data, an earlier run) is reused, not duplicated;
- persons are generated from name parts, each with 1–5 aliases in the spellings that the
  search has to fold (al-/el-/ash-, Qurayshi/Qurashi, Hassan/Hasan, kunyas, Arabic);
- sources belong to one run: their URLs carry the seed and the run number;
- each operation has 1–2 forces, 1–4 targets and 1–8 claims from sources published after
  it. About one in six is contested on one point; the others are not, however their claims
  are corrected (a correction always restates the operation's own reading).

How it is written, for speed: the small pools that are looked up and reused go through the
ORM (bulk_create); everything whose number grows with the count (persons, sources,
operations and their rows) is written as prepared rows with ids given here (`Rows`: SQLite's
executemany, PostgreSQL's COPY). Model instances handed to bulk_create cost ~100 µs a row in
Python, which held a run to ~700 operations a second. So what save() would do is done
here: search keys (refresh_search_keys on a scratch instance), a claim's `occurred_until`,
an operation's `occurred_on`, normalised source URLs. No history rows are written. On
SQLite the operations' tables are loaded without their secondary indexes (built again
after) and foreign keys are checked once at the end; memory stays bounded (batches, a
64 MB page cache).
"""

import bisect
import datetime as dt
import io
import itertools
import operator
import random
import time
from collections import defaultdict, namedtuple
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from . import dates
from .caching import data_changed
from .models import (
    Claim,
    LocationPrecision,
    Operation,
    OperationForce,
    OperationKind,
    Organisation,
    OrganisationAlias,
    Outcome,
    Person,
    PersonAlias,
    Place,
    PlaceName,
    Source,
    Status,
    Target,
)
from .normalise import normalise_url

BATCH_SIZE = 2_000  # operations per write
ROWS_PER_WRITE = 10_000  # persons' and sources' rows per write
URL_BASE = "https://synthetic.example.org"
MAX_CLAIMS = 8
CONTESTED_SHARE = 1 / 6
CORRECTED_SHARE = 0.08

# --- pools: where -------------------------------------------------------------------------

# code, IANA zone, share of operations
COUNTRIES = (
    ("SY", "Asia/Damascus", 44),
    ("IQ", "Asia/Baghdad", 34),
    ("AF", "Asia/Kabul", 8),
    ("SO", "Africa/Mogadishu", 5),
    ("LY", "Africa/Tripoli", 4),
    ("NG", "Africa/Lagos", 5),
)
ZONES = {code: zone for code, zone, _ in COUNTRIES}

# fmt: off
K = Place.Kind
# country, name, kind, province, district, latitude, longitude, alternate names
PLACES = (
    ("SY", "Syria", K.COUNTRY, "", "", 35.0, 38.5, ("Syrian Arab Republic", "سوريا")),
    ("SY", "Northern Syria", K.REGION, "", "", 36.4, 38.9, ("North Syria", "شمال سوريا")),
    ("SY", "Eastern Syria", K.REGION, "", "", 35.0, 40.5, ("East Syria",)),
    ("SY", "Syrian Desert", K.REGION, "", "", 34.5, 38.5, ("Badia", "al-Badiya", "البادية")),
    ("SY", "Deir ez-Zor", K.PROVINCE, "Deir ez-Zor", "", 35.3, 40.1, ("Deir al-Zour",)),
    ("SY", "Raqqa", K.PROVINCE, "Raqqa", "", 35.9, 39.0, ("Ar-Raqqah", "al-Raqqa", "الرقة")),
    ("SY", "Al-Hasakah", K.PROVINCE, "Al-Hasakah", "", 36.5, 40.7, ("Hasakah", "Hassakeh")),
    ("SY", "Idlib", K.PROVINCE, "Idlib", "", 35.9, 36.6, ("Idleb", "إدلب")),
    ("SY", "Abu Kamal District", K.DISTRICT, "Deir ez-Zor", "Abu Kamal", 34.5, 40.9, ()),
    ("SY", "Harem District", K.DISTRICT, "Idlib", "Harem", 36.2, 36.5, ("Harim District",)),
    ("SY", "Qamishli", K.SETTLEMENT, "Al-Hasakah", "Qamishli", 37.052, 41.232, ("Kamishli",)),
    ("SY", "Atmeh", K.SETTLEMENT, "Idlib", "Harem", 36.32, 36.68, ("Atma", "أطمة")),
    ("SY", "Al-Bukamal", K.SETTLEMENT, "Deir ez-Zor", "Abu Kamal", 34.45, 40.94, ("Albu Kamal",)),
    ("SY", "Hajin", K.SETTLEMENT, "Deir ez-Zor", "Abu Kamal", 34.70, 40.83, ("Hajeen", "هجين")),
    ("SY", "Al-Shaddadi", K.SETTLEMENT, "Al-Hasakah", "Al-Shaddadi", 36.05, 40.73, ("Shaddadah",)),
    ("SY", "Manbij", K.SETTLEMENT, "Aleppo", "Manbij", 36.528, 37.955, ("Menbij", "منبج")),
    ("SY", "Al-Bab", K.SETTLEMENT, "Aleppo", "Al-Bab", 36.37, 37.52, ("al-Bab", "الباب")),
    ("SY", "Palmyra", K.SETTLEMENT, "Homs", "Tadmur", 34.55, 38.28, ("Tadmur", "تدمر")),
    ("SY", "Al-Mayadin", K.SETTLEMENT, "Deir ez-Zor", "Al-Mayadin", 35.02, 40.45, ("Mayadeen",)),
    ("SY", "Baghuz", K.SETTLEMENT, "Deir ez-Zor", "Abu Kamal", 34.46, 40.95, ("al-Baghuz",)),
    ("SY", "Sarmada", K.SETTLEMENT, "Idlib", "Harem", 36.18, 36.72, ("سرمدا",)),
    ("SY", "Al-Hol camp", K.SITE, "Al-Hasakah", "Al-Hasakah", 36.37, 41.14, ("al-Hawl camp",)),
    ("SY", "Ghwayran prison", K.SITE, "Al-Hasakah", "Al-Hasakah", 36.47, 40.73, ("Ghuwayran",)),
    ("IQ", "Iraq", K.COUNTRY, "", "", 33.0, 44.0, ("Republic of Iraq", "العراق")),
    ("IQ", "Northern Iraq", K.REGION, "", "", 36.0, 43.5, ("North Iraq",)),
    ("IQ", "Western Iraq", K.REGION, "", "", 33.5, 41.5, ("West Iraq",)),
    ("IQ", "Hamrin Mountains", K.REGION, "", "", 34.5, 44.3, ("Jebel Hamrin", "Hemrin")),
    ("IQ", "Nineveh", K.PROVINCE, "Nineveh", "", 36.2, 42.6, ("Ninawa", "Ninewa", "نينوى")),
    ("IQ", "Anbar", K.PROVINCE, "Anbar", "", 33.0, 42.0, ("Al-Anbar", "الأنبار")),
    ("IQ", "Salah al-Din", K.PROVINCE, "Salah al-Din", "", 34.5, 43.5, ("Salahuddin",)),
    ("IQ", "Kirkuk Governorate", K.PROVINCE, "Kirkuk", "", 35.5, 44.3, ("Kirkuk Province",)),
    ("IQ", "Diyala", K.PROVINCE, "Diyala", "", 33.9, 45.0, ("Diyalah", "ديالى")),
    ("IQ", "Tarmiyah District", K.DISTRICT, "Baghdad", "Tarmiyah", 33.67, 44.39, ("Tarmia",)),
    ("IQ", "Hawija District", K.DISTRICT, "Kirkuk", "Hawija", 35.3, 43.8, ()),
    ("IQ", "Sinjar District", K.DISTRICT, "Nineveh", "Sinjar", 36.32, 41.87, ("Shingal",)),
    ("IQ", "Mosul", K.SETTLEMENT, "Nineveh", "Mosul", 36.34, 43.13, ("Al-Mawsil", "الموصل")),
    ("IQ", "Fallujah", K.SETTLEMENT, "Anbar", "Fallujah", 33.35, 43.78, ("Falluja", "الفلوجة")),
    ("IQ", "Ramadi", K.SETTLEMENT, "Anbar", "Ramadi", 33.42, 43.30, ("Al-Ramadi", "الرمادي")),
    ("IQ", "Tikrit", K.SETTLEMENT, "Salah al-Din", "Tikrit", 34.60, 43.68, ("Tekrit", "تكريت")),
    ("IQ", "Hawija", K.SETTLEMENT, "Kirkuk", "Hawija", 35.32, 43.77, ("Al-Hawija", "الحويجة")),
    ("IQ", "Tal Afar", K.SETTLEMENT, "Nineveh", "Tal Afar", 36.37, 42.45, ("Tall Afar",)),
    ("IQ", "Al-Qaim", K.SETTLEMENT, "Anbar", "Al-Qaim", 34.37, 41.08, ("Qaim", "القائم")),
    ("IQ", "Rawa", K.SETTLEMENT, "Anbar", "Rawa", 34.47, 41.92, ("Rawah", "راوة")),
    ("IQ", "Baiji", K.SETTLEMENT, "Salah al-Din", "Baiji", 34.93, 43.49, ("Bayji", "بيجي")),
    ("IQ", "Rutba", K.SETTLEMENT, "Anbar", "Rutba", 33.04, 40.28, ("Al-Rutbah", "الرطبة")),
    ("IQ", "Muqdadiyah", K.SETTLEMENT, "Diyala", "Muqdadiyah", 33.98, 44.93, ("Muqdadiya",)),
    ("IQ", "Qayyarah airfield", K.SITE, "Nineveh", "Mosul", 35.77, 43.13, ("Q-West",)),
    ("AF", "Afghanistan", K.COUNTRY, "", "", 33.9, 67.7, ("افغانستان",)),
    ("AF", "Eastern Afghanistan", K.REGION, "", "", 34.5, 70.5, ("East Afghanistan",)),
    ("AF", "Nangarhar", K.PROVINCE, "Nangarhar", "", 34.2, 70.5, ("Ningarhar", "ننگرهار")),
    ("AF", "Kunar", K.PROVINCE, "Kunar", "", 34.85, 71.1, ("Konar", "کنړ")),
    ("AF", "Achin District", K.DISTRICT, "Nangarhar", "Achin", 34.13, 70.70, ("Achin",)),
    ("AF", "Jalalabad", K.SETTLEMENT, "Nangarhar", "Jalalabad", 34.43, 70.45, ("Jelalabad",)),
    ("AF", "Kabul", K.SETTLEMENT, "Kabul", "Kabul", 34.53, 69.17, ("Kaboul", "کابل")),
    ("AF", "Asadabad", K.SETTLEMENT, "Kunar", "Asadabad", 34.87, 71.15, ("Asad Abad",)),
    ("SO", "Somalia", K.COUNTRY, "", "", 5.15, 46.2, ("Soomaaliya",)),
    ("SO", "Puntland", K.REGION, "", "", 8.4, 48.5, ("Puntland State",)),
    ("SO", "Bari", K.PROVINCE, "Bari", "", 10.5, 49.5, ("Bari Region",)),
    ("SO", "Qandala District", K.DISTRICT, "Bari", "Qandala", 11.3, 49.8, ()),
    ("SO", "Bosaso", K.SETTLEMENT, "Bari", "Bosaso", 11.28, 49.18, ("Boosaaso", "Bossaso")),
    ("SO", "Qandala", K.SETTLEMENT, "Bari", "Qandala", 11.47, 49.87, ("Qandalla",)),
    ("SO", "Cal Miskaad", K.SITE, "Bari", "Qandala", 10.9, 49.2, ("Al-Miskad", "Calmiskaad")),
    ("LY", "Libya", K.COUNTRY, "", "", 26.3, 17.2, ("ليبيا",)),
    ("LY", "Fezzan", K.REGION, "", "", 26.0, 14.0, ("Fazzan", "فزان")),
    ("LY", "Sirte District", K.PROVINCE, "Sirte", "", 30.5, 16.5, ("Surt District",)),
    ("LY", "Harawa", K.DISTRICT, "Sirte", "Harawa", 31.0, 16.9, ("Harawah",)),
    ("LY", "Sirte", K.SETTLEMENT, "Sirte", "Sirte", 31.20, 16.59, ("Surt", "Sirt", "سرت")),
    ("LY", "Sabratha", K.SETTLEMENT, "Zawiya", "Sabratha", 32.79, 12.49, ("Sabrata", "صبراتة")),
    ("LY", "Derna", K.SETTLEMENT, "Derna", "Derna", 32.76, 22.64, ("Darnah", "درنة")),
    ("LY", "Ubari", K.SETTLEMENT, "Wadi al-Hayaa", "Ubari", 26.59, 12.78, ("Awbari",)),
    ("NG", "Nigeria", K.COUNTRY, "", "", 9.08, 8.68, ("Federal Republic of Nigeria",)),
    ("NG", "Lake Chad Basin", K.REGION, "", "", 13.3, 14.1, ("Lake Chad",)),
    ("NG", "Borno", K.PROVINCE, "Borno", "", 11.5, 13.0, ("Borno State",)),
    ("NG", "Kukawa", K.DISTRICT, "Borno", "Kukawa", 12.92, 13.57, ("Kukawa LGA",)),
    ("NG", "Maiduguri", K.SETTLEMENT, "Borno", "Maiduguri", 11.83, 13.15, ("Maidugari",)),
    ("NG", "Monguno", K.SETTLEMENT, "Borno", "Monguno", 12.67, 13.61, ("Mongonu",)),
    ("NG", "Baga", K.SETTLEMENT, "Borno", "Kukawa", 13.11, 13.83, ()),
    ("NG", "Malam Fatori", K.SETTLEMENT, "Borno", "Abadam", 13.68, 13.34, ("Malam Fatouri",)),
    ("NG", "Sambisa Forest", K.SITE, "Borno", "Gwoza", 11.3, 13.5, ("Sambisa",)),
)
del K

# Generated villages in Syria and Iraq: a first word with its spellings, and a second.
VILLAGE_PREFIXES = (
    ("Tal", ("Tell", "Tall")),
    ("Ain", ("Ayn", "Ein")),
    ("Khirbet", ("Khirbat", "Kherbet")),
    ("Umm", ("Um",)),
    ("Jabal", ("Jebel",)),
    ("Bir", ("Beer",)),
)
VILLAGE_WORDS = (
    "Hamid", "Abyad", "Jadid", "Sayyid", "Khadra", "Samra", "Tuwayl", "Baydar", "Hamra",
    "Kabir", "Saghir", "Nasr", "Shaykh", "Raml", "Dhahab", "Ghazal", "Zuhur", "Hajar",
)
# fmt: on

# The kinds of place that each location precision is given for.
PLACE_KINDS = {
    LocationPrecision.EXACT: (Place.Kind.SETTLEMENT, Place.Kind.SITE),
    LocationPrecision.NEAR: (Place.Kind.SETTLEMENT, Place.Kind.SITE),
    LocationPrecision.DISTRICT: (Place.Kind.DISTRICT,),
    LocationPrecision.PROVINCE: (Place.Kind.PROVINCE,),
    LocationPrecision.REGION: (Place.Kind.REGION,),
    LocationPrecision.COUNTRY: (Place.Kind.COUNTRY,),
}
LOCATION_WEIGHTS = {"exact": 30, "near": 30, "district": 8, "province": 12, "region": 12,
                    "country": 8}  # fmt: skip

# --- pools: who ---------------------------------------------------------------------------

ISIS = "Islamic State (ISIS)"
DOD = "US Department of Defense"
CJTF = "Combined Joint Task Force – Operation Inherent Resolve"

# fmt: off
ORG = Organisation.Kind
# name, kind, country, parent, aliases (parents come before their children)
ORGANISATIONS = (
    (ISIS, ORG.ARMED_GROUP, "", None, ("ISIS", "ISIL", "IS", "Daesh", "الدولة الإسلامية", "داعش")),
    ("ISIS in Syria", ORG.ARMED_GROUP, "SY", ISIS, ("Wilayat al-Sham",)),
    ("ISIS in Iraq", ORG.ARMED_GROUP, "IQ", ISIS, ("Wilayat al-Iraq",)),
    ("Islamic State Khorasan Province", ORG.ARMED_GROUP, "AF", ISIS, ("ISIS-K", "ISKP", "IS-K")),
    ("Islamic State Somalia Province", ORG.ARMED_GROUP, "SO", ISIS, ("ISIS-Somalia", "ISS")),
    ("Islamic State in Libya", ORG.ARMED_GROUP, "LY", ISIS, ("ISIS-Libya", "IS Libya")),
    ("Islamic State West Africa Province", ORG.ARMED_GROUP, "NG", ISIS, ("ISWAP",)),
    ("Amaq News Agency", ORG.MEDIA, "", ISIS, ("Amaq", "A'maq", "وكالة أعماق")),
    (DOD, ORG.GOVERNMENT_BODY, "US", None, ("Pentagon", "DoD")),
    ("US Central Command", ORG.STATE_FORCE, "US", DOD, ("CENTCOM", "USCENTCOM")),
    ("US Africa Command", ORG.STATE_FORCE, "US", DOD, ("AFRICOM", "USAFRICOM")),
    (CJTF, ORG.COALITION, "", None, ("CJTF-OIR", "Operation Inherent Resolve", "the Coalition")),
    ("Syrian Democratic Forces", ORG.ARMED_GROUP, "SY", None, ("SDF", "QSD", "قسد")),
    ("Syrian Arab Army", ORG.STATE_FORCE, "SY", None, ("SAA", "الجيش العربي السوري")),
    ("Syrian state television", ORG.MEDIA, "SY", None, ("Syrian TV",)),
    ("Iraqi Counter-Terrorism Service", ORG.STATE_FORCE, "IQ", None,
     ("CTS", "Iraqi CTS", "Golden Division", "جهاز مكافحة الإرهاب")),
    ("Iraqi Army", ORG.STATE_FORCE, "IQ", None, ("Iraqi Armed Forces", "الجيش العراقي")),
    ("Peshmerga", ORG.STATE_FORCE, "IQ", None, ("Kurdish Peshmerga", "Peshmarga")),
    ("Iraqi Security Media Cell", ORG.GOVERNMENT_BODY, "IQ", None, ("SMC", "خلية الإعلام الأمني")),
    ("Afghan National Army", ORG.STATE_FORCE, "AF", None, ("ANA",)),
    ("Taliban", ORG.ARMED_GROUP, "AF", None, ("Islamic Emirate of Afghanistan", "طالبان")),
    ("Somali National Army", ORG.STATE_FORCE, "SO", None, ("SNA",)),
    ("Puntland Security Force", ORG.STATE_FORCE, "SO", None, ("PSF",)),
    ("Libyan National Army", ORG.ARMED_GROUP, "LY", None, ("LNA",)),
    ("Nigerian Army", ORG.STATE_FORCE, "NG", None, ("NA",)),
    ("Multinational Joint Task Force", ORG.COALITION, "", None, ("MNJTF",)),
    # Invented outlets: synthetic reports are never put in a real newsroom's mouth.
    ("Synthetic Newswire", ORG.MEDIA, "", None, ("SynWire",)),
    ("Levant Monitor (synthetic)", ORG.OTHER, "", None, ("Levant Monitor",)),
    ("Mesopotamia Daily (synthetic)", ORG.MEDIA, "IQ", None, ("Mesopotamia Daily",)),
    ("Horn and Sahel Desk (synthetic)", ORG.MEDIA, "", None, ("Horn and Sahel Desk",)),
    ("Khorasan Observer (synthetic)", ORG.MEDIA, "", None, ("Khorasan Observer",)),
)
del ORG
# fmt: on

# The ISIS branch targeted in each country.
BRANCHES = {
    "SY": "ISIS in Syria",
    "IQ": "ISIS in Iraq",
    "AF": "Islamic State Khorasan Province",
    "SO": "Islamic State Somalia Province",
    "LY": "Islamic State in Libya",
    "NG": "Islamic State West Africa Province",
}

AIR = (OperationKind.AIRSTRIKE, OperationKind.DRONE_STRIKE)
GROUND = (OperationKind.GROUND_RAID, OperationKind.CAPTURE, OperationKind.OTHER)
ALL_KINDS = (*AIR, OperationKind.HELICOPTER_RAID, *GROUND)
AIR_AND_GROUND = (OperationKind.AIRSTRIKE, *GROUND)
RAIDS = (OperationKind.HELICOPTER_RAID, *GROUND)
KIND_WEIGHTS = {"airstrike": 35, "drone_strike": 22, "helicopter_raid": 10, "ground_raid": 18,
                "capture": 10, "other": 5}  # fmt: skip
KIND_WORDS = {"airstrike": "airstrike", "drone_strike": "drone strike",
              "helicopter_raid": "helicopter raid", "ground_raid": "raid",
              "capture": "operation", "other": "operation"}  # fmt: skip

# fmt: off
# Forces per country: name, short name for titles, first year, last year, weight, kinds.
FORCES = {
    "SY": (
        ("US Central Command", "CENTCOM", 2014, 2026, 5, ALL_KINDS),
        (CJTF, "Coalition", 2014, 2026, 3, AIR),
        ("Syrian Democratic Forces", "SDF", 2015, 2026, 3, GROUND),
        ("Syrian Arab Army", "Syrian army", 2014, 2024, 1, AIR_AND_GROUND),
    ),
    "IQ": (
        ("Iraqi Counter-Terrorism Service", "Iraqi CTS", 2014, 2026, 4, RAIDS),
        ("Iraqi Army", "Iraqi army", 2014, 2026, 3, AIR_AND_GROUND),
        (CJTF, "Coalition", 2014, 2026, 3, AIR),
        ("US Central Command", "CENTCOM", 2014, 2026, 1, ALL_KINDS),
        ("Peshmerga", "Peshmerga", 2014, 2026, 2, GROUND),
    ),
    "AF": (
        ("US Central Command", "CENTCOM", 2015, 2021, 3, ALL_KINDS),
        ("Afghan National Army", "Afghan army", 2015, 2021, 2, GROUND),
        ("Taliban", "Taliban", 2021, 2026, 3, GROUND),
    ),
    "SO": (
        ("US Africa Command", "AFRICOM", 2017, 2026, 3, AIR),
        ("Puntland Security Force", "Puntland forces", 2016, 2026, 2, GROUND),
        ("Somali National Army", "Somali army", 2016, 2026, 1, GROUND),
    ),
    "LY": (
        ("US Africa Command", "AFRICOM", 2015, 2026, 3, AIR),
        ("Libyan National Army", "LNA", 2014, 2026, 2, AIR_AND_GROUND),
    ),
    "NG": (
        ("Nigerian Army", "Nigerian army", 2014, 2026, 4, AIR_AND_GROUND),
        ("Multinational Joint Task Force", "MNJTF", 2015, 2026, 2, GROUND),
    ),
}

# Reliability weights A–F by kind of publisher.
OFFICIAL = (2, 55, 30, 8, 3, 2)
PRESS = (3, 35, 40, 12, 4, 6)
PARTISAN = (0, 5, 25, 40, 20, 10)
PROPAGANDA = (0, 0, 5, 20, 55, 20)
SK = Source.Kind
# Publishers: name, kinds of document, reliability weights, language, attributions.
NEWSWIRE = ("Synthetic Newswire", (SK.NEWS_ARTICLE,), PRESS, "en",
            ("two security sources", "a US official, speaking anonymously",
             "local residents, as quoted", "hospital sources"))
AMAQ = ("Amaq News Agency", (SK.SOCIAL_MEDIA,), PROPAGANDA, "ar",
        ("the group's Amaq agency", "an ISIS statement on Telegram"))
CENTCOM_DESK = ("US Central Command", (SK.PRESS_RELEASE, SK.OFFICIAL_STATEMENT), OFFICIAL, "en",
                ("US Central Command, in a statement", "a CENTCOM spokesperson"))
AFRICOM_DESK = ("US Africa Command", (SK.PRESS_RELEASE,), OFFICIAL, "en",
                ("US Africa Command, in a statement", "an AFRICOM assessment"))
COALITION_DESK = (CJTF, (SK.PRESS_RELEASE,), OFFICIAL, "en",
                  ("the coalition's strike release", "a coalition spokesperson"))
PUBLISHERS = {
    "SY": (CENTCOM_DESK, COALITION_DESK, NEWSWIRE, AMAQ,
           ("Syrian Democratic Forces", (SK.OFFICIAL_STATEMENT, SK.SOCIAL_MEDIA), PARTISAN, "ar",
            ("the SDF media centre", "an SDF commander")),
           ("Syrian state television", (SK.BROADCAST, SK.SOCIAL_MEDIA), PARTISAN, "ar",
            ("state-run Syrian television", "Syrian TV, on Telegram")),
           ("Levant Monitor (synthetic)", (SK.REPORT, SK.NEWS_ARTICLE), PRESS, "en",
            ("the monitor's network of local sources", "activists in the area"))),
    "IQ": (COALITION_DESK, CENTCOM_DESK, NEWSWIRE, AMAQ,
           ("Iraqi Security Media Cell", (SK.OFFICIAL_STATEMENT, SK.SOCIAL_MEDIA), OFFICIAL, "ar",
            ("the Security Media Cell", "an Iraqi military spokesman")),
           ("Mesopotamia Daily (synthetic)", (SK.NEWS_ARTICLE,), PRESS, "ar",
            ("a police officer, speaking anonymously", "a local official"))),
    "AF": (CENTCOM_DESK, NEWSWIRE, AMAQ,
           ("Taliban", (SK.SOCIAL_MEDIA, SK.OFFICIAL_STATEMENT), PARTISAN, "ps",
            ("a Taliban spokesman",)),
           ("Khorasan Observer (synthetic)", (SK.NEWS_ARTICLE, SK.REPORT), PRESS, "en",
            ("tribal elders, as quoted", "a provincial official"))),
    "SO": (AFRICOM_DESK, NEWSWIRE, AMAQ,
           ("Puntland Security Force", (SK.OFFICIAL_STATEMENT,), PARTISAN, "so",
            ("a Puntland security official",)),
           ("Horn and Sahel Desk (synthetic)", (SK.NEWS_ARTICLE,), PRESS, "en",
            ("residents reached by phone",))),
    "LY": (AFRICOM_DESK, NEWSWIRE, AMAQ,
           ("Libyan National Army", (SK.OFFICIAL_STATEMENT, SK.SOCIAL_MEDIA), PARTISAN, "ar",
            ("the LNA's media office",))),
    "NG": (NEWSWIRE, AMAQ,
           ("Nigerian Army", (SK.PRESS_RELEASE, SK.OFFICIAL_STATEMENT), PARTISAN, "en",
            ("the army's spokesman", "Operation Hadin Kai, in a statement")),
           ("Horn and Sahel Desk (synthetic)", (SK.NEWS_ARTICLE,), PRESS, "en",
            ("a militia leader, as quoted", "aid workers in Borno"))),
}
del SK
# fmt: on

# Name parts: the usual Latin spelling, other spellings, the Arabic.
GIVEN_NAMES = (
    ("Ahmad", ("Ahmed",), "أحمد"),
    ("Muhammad", ("Mohammed", "Mohamed"), "محمد"),
    ("Husayn", ("Hussein", "Husain"), "حسين"),
    ("Hasan", ("Hassan",), "حسن"),
    ("Khalid", ("Khaled",), "خالد"),
    ("Yusuf", ("Yousef", "Youssef"), "يوسف"),
    ("Umar", ("Omar",), "عمر"),
    ("Uthman", ("Othman",), "عثمان"),
    ("Abdullah", ("Abdallah",), "عبد الله"),
    ("Abd al-Rahman", ("Abdul Rahman", "Abdurrahman"), "عبد الرحمن"),
    ("Ibrahim", ("Ebrahim",), "إبراهيم"),
    ("Ismail", ("Isma'il",), "إسماعيل"),
    ("Mahmud", ("Mahmoud",), "محمود"),
    ("Mustafa", ("Moustafa", "Mostafa"), "مصطفى"),
    ("Salih", ("Saleh",), "صالح"),
    ("Sa'id", ("Said", "Saeed"), "سعيد"),
    ("Walid", ("Waleed",), "وليد"),
    ("Ali", ("Aly",), "علي"),
    ("Yasin", ("Yassin", "Yaseen"), "ياسين"),
    ("Qasim", ("Qassem", "Kasim"), "قاسم"),
    ("Rakkan", ("Rakan",), "ركان"),
    ("Fadil", ("Fadel", "Fadhil"), "فاضل"),
    ("Zayd", ("Zaid", "Zeid"), "زيد"),
    ("Sulayman", ("Suleiman", "Sulaiman"), "سليمان"),
    ("Tariq", ("Tarek", "Tareq"), "طارق"),
    ("Muhannad", ("Mohannad",), "مهند"),
    ("Jamal", ("Jamaal",), "جمال"),
    ("Hisham", ("Hesham",), "هشام"),
)
KUNYA_NAMES = (
    ("Bakr", ("Bakir",), "بكر"),
    ("Hafs", ("Hafs",), "حفص"),  # no other spelling in use
    ("Hamza", ("Hamzah",), "حمزة"),
    ("Ubayda", ("Obeida", "Ubaydah"), "عبيدة"),
    ("Talha", ("Talhah",), "طلحة"),
    ("Hudhayfa", ("Huthaifa", "Hudhaifah"), "حذيفة"),
    ("Mu'adh", ("Muad", "Mu'ad", "Moaz"), "معاذ"),
    ("Yasir", ("Yasser", "Yaser"), "ياسر"),
    ("Suhayb", ("Suhaib", "Sohaib"), "صهيب"),
    ("Qatada", ("Qatadah",), "قتادة"),
    ("Dujana", ("Dujanah",), "دجانة"),
    ("Mus'ab", ("Musab", "Mosab"), "مصعب"),
    ("Khattab", ("Khatab",), "خطاب"),
    ("'Ala", ("Ala", "Alaa"), "علاء"),
    ("Usama", ("Osama",), "أسامة"),
    ("Ayyub", ("Ayoub", "Ayub"), "أيوب"),
    ("Muhammad", ("Mohammed",), "محمد"),
    ("Ibrahim", ("Ebrahim",), "إبراهيم"),
)
NISBAS = (
    ("Iraqi", ("Eraqi",), "العراقي"),
    ("Shami", ("Shamy",), "الشامي"),
    ("Suri", ("Souri",), "السوري"),
    ("Ansari", ("Ansary",), "الأنصاري"),
    ("Muhajir", ("Mohajer",), "المهاجر"),
    ("Qurashi", ("Qurayshi", "Qurashy"), "القرشي"),
    ("Hashimi", ("Hashemi",), "الهاشمي"),
    ("Baghdadi", ("Bagdadi",), "البغدادي"),
    ("Mawsili", ("Mosuli", "Moslawi"), "الموصلي"),
    ("Anbari", ("Anbary",), "الأنباري"),
    ("Jubouri", ("Jaburi", "Jubori"), "الجبوري"),
    ("Dulaymi", ("Dulaimi",), "الدليمي"),
    ("Shammari", ("Shammri", "Shamari"), "الشمري"),
    ("Ubaydi", ("Obeidi", "Ubaidi"), "العبيدي"),
    ("Tunisi", ("Tounsi",), "التونسي"),
    ("Libi", ("Liby",), "الليبي"),
    ("Masri", ("Misri",), "المصري"),
    ("Urduni", ("Ordoni",), "الأردني"),
    ("Halabi", ("Halaby",), "الحلبي"),
    ("Raqqawi", ("Raqawi",), "الرقاوي"),
    ("Dayri", ("Deiri", "Dairi"), "الديري"),
    ("Kurdi", ("Kordi",), "الكردي"),
    ("Khurasani", ("Khorasani",), "الخراساني"),
    ("Somali", ("Somaly",), "الصومالي"),
    ("Barnawi", ("Barnawy",), "البرناوي"),
    ("Qahtani", ("Kahtani",), "القحطاني"),
    ("Rawi", ("Rawy",), "الراوي"),
    ("Zubaydi", ("Zubaidi",), "الزبيدي"),
    ("Tikriti", ("Tekriti",), "التكريتي"),
    ("Najdi", ("Nejdi",), "النجدي"),
)
# Letters that the article assimilates to: ash-Shami, ad-Dulaymi, at-Tunisi, an-Najdi.
SUN_LETTERS = ("sh", "th", "dh", "t", "d", "r", "z", "s", "n")
ALIAS_COUNTS = {1: 20, 2: 30, 3: 25, 4: 15, 5: 10}

ROLES = (
    "senior ISIS official", "ISIS commander", "weapons smuggler", "financier", "media official",
    "provincial governor (wali)", "bomb-maker", "logistics facilitator", "recruiter",
    "security official", "deputy leader", "fighter", "courier", "attack planner",
)  # fmt: skip
PEOPLE_DESCRIPTIONS = (
    "an associate", "two bodyguards", "a senior associate", "an unnamed ISIS fighter",
    "a courier", "a driver", "members of an ISIS cell",
)  # fmt: skip
OBJECT_DESCRIPTIONS = ("a vehicle", "a weapons cache", "a safe house", "a tunnel", "a checkpoint")

# How a person targeted fares, by kind of operation (weights in Outcome order: killed,
# wounded, captured, escaped, died by own hand, unharmed, unknown).
OUTCOME_WEIGHTS = {
    "air": (60, 15, 0, 6, 1, 4, 14),
    "raid": (42, 8, 28, 6, 5, 2, 9),
    "capture": (12, 5, 70, 6, 4, 1, 2),
}
KILLED = (Outcome.KILLED, Outcome.DIED_BY_OWN_HAND)
OUTCOME_VERBS = {"killed": "kills", "died_by_own_hand": "targets", "captured": "captures",
                 "wounded": "wounds", "escaped": "targets", "unharmed": "targets",
                 "unknown": "targets"}  # fmt: skip
# What an early report said before the correction that restates the target's outcome.
EARLIER_OUTCOMES = {"killed": "wounded", "died_by_own_hand": "killed", "captured": "killed"}
MISTAKEN_KINDS = {"airstrike": "drone_strike", "drone_strike": "airstrike",
                  "helicopter_raid": "ground_raid", "ground_raid": "helicopter_raid",
                  "capture": "ground_raid", "other": "ground_raid"}  # fmt: skip

YEARS = {2014: 6, 2015: 10, 2016: 12, 2017: 12, 2018: 9, 2019: 8, 2020: 6, 2021: 5, 2022: 6,
         2023: 5, 2024: 5, 2025: 5, 2026: 3}  # fmt: skip
LAST_MONTH = (2026, 10)
LAST_SOURCE_DAY = dt.date(2026, 11, 30)
PRECISION_WEIGHTS = {"minute": 20, "hour": 15, "day": 45, "month": 15, "year": 5}
PRECISIONS = tuple(PRECISION_WEIGHTS)  # finest first
# Hours of the day, weighted towards night raids.
DAYS, MINUTES = range(1, 29), range(60)
HOUR_WEIGHTS = (8, 8, 8, 7, 5, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 4, 5, 6, 7, 8, 8)
# How far back a report that gets the time wrong is: a period or more.
TIME_SHIFTS = {"minute": dt.timedelta(minutes=9), "hour": dt.timedelta(hours=2),
               "day": dt.timedelta(days=1), "month": dt.timedelta(days=31),
               "year": dt.timedelta(days=366)}  # fmt: skip
CONTESTS = {"civilians": 40, "combatants": 15, "outcome": 20, "time": 10, "place": 8,
            "kind": 5, "forces": 2}  # fmt: skip
CREDIBILITIES = {1: 5, 2: 30, 3: 35, 4: 15, 5: 5, 6: 10}
QUOTES = ("no civilians were harmed", "a precision strike", "a high-value target",
          "martyred", "kidnapped", "the operation was a success")  # fmt: skip


class Weighted:
    """A weighted choice from {item: weight}; rng.choices() costs ten times as much."""

    def __init__(self, weights, items=None):
        self.items = tuple(items if items is not None else weights)
        self.bounds = list(itertools.accumulate(weights.values() if items is None else weights))
        self.total = self.bounds[-1]

    def pick(self, rng):
        return self.items[bisect.bisect_right(self.bounds, rng.random() * self.total)]


def choose(rng, items):
    """rng.choice() for the hot paths: choice draws bits until they fall below the length,
    several times the cost of one random()."""
    return items[int(rng.random() * len(items))]


def choose_some(rng, items, count):
    """rng.sample() for the hot paths, drawn the same way as choose()."""
    pool = list(items)
    for index in range(count):
        other = index + int(rng.random() * (len(pool) - index))
        pool[index], pool[other] = pool[other], pool[index]
    return pool[:count]


PICK_YEAR = Weighted(YEARS)
PICK_PRECISION = Weighted(PRECISION_WEIGHTS)
PICK_LOCATION = Weighted(LOCATION_WEIGHTS)
PICK_HOUR = Weighted(HOUR_WEIGHTS, range(24))
PICK_OUTCOME = {group: Weighted(w, Outcome.values) for group, w in OUTCOME_WEIGHTS.items()}
PICK_CONTEST = Weighted(CONTESTS)
PICK_CREDIBILITY = Weighted(CREDIBILITIES)
PICK_ALIAS_COUNT = Weighted(ALIAS_COUNTS)
PICK_TARGET_COUNT = Weighted({1: 45, 2: 30, 3: 15, 4: 10})
PICK_SOURCE_COUNT = Weighted({1: 35, 2: 45, 3: 20})


@dataclass
class Generated:
    """What one run wrote, for the command's summary line."""

    operations: int = 0
    drafts: int = 0
    forces: int = 0
    targets: int = 0
    claims: int = 0
    persons: int = 0
    sources: int = 0
    places: int = 0
    organisations: int = 0
    seconds: float = 0.0

    @property
    def per_second(self):
        return self.operations / self.seconds if self.seconds else 0.0

    def __str__(self):
        return (
            f"Generated {self.operations} operations ({self.drafts} drafts) with "
            f"{self.forces} forces, {self.targets} targets and {self.claims} claims; "
            f"{self.persons} persons, {self.sources} sources, {self.places} new places, "
            f"{self.organisations} new organisations; {self.seconds:.1f} s, "
            f"{self.per_second:,.0f} operations/s."
        )


def generate_operations(count, seed, drafts=0.0, batch_size=BATCH_SIZE):
    """Write `count` synthetic operations and their pools, all or nothing."""
    if not 0 <= drafts <= 1:
        raise ValueError("The share of drafts is between 0 and 1.")
    started = time.perf_counter()
    rng = random.Random(seed)
    # Drafts are drawn from a stream of their own, so that --drafts changes nothing else.
    draft_numbers = set(
        random.Random(f"{seed}:drafts").sample(range(count), round(count * drafts))
    )
    result = Generated(drafts=len(draft_numbers))
    keys = SearchKeys()
    # Foreign keys are checked once at the end, table by table, as loaddata does: on SQLite
    # checking them row by row cost a fifth of the writing (a no-op inside a transaction).
    with connection.constraint_checks_disabled(), transaction.atomic(), large_sqlite_cache():
        # Rows go in by the batch, past the signals: readers' caches are told here.
        data_changed()
        organisations, result.organisations = ensure_organisations(keys)
        places, result.places = ensure_places(rng, keys, count)
        # Each person is targeted ~13 times: folding a name for its search keys costs ~75 µs.
        persons = create_persons(rng, count // 10 + 30)
        sources = create_sources(rng, organisations, seed, count // 4 + 60)
        result.persons = len(persons)
        result.sources = sum(len(pool) for pool in sources.values())
        world = World(rng, places, organisations, persons, sources)
        with indexes_built_after(BULK_MODELS):
            for number in range(count):
                status = Status.DRAFT if number in draft_numbers else Status.PUBLISHED
                world.add_operation(number, status)
                if world.operations.pending >= batch_size:
                    world.flush()
            world.flush()
        connection.check_constraints(table_names=[model._meta.db_table for model in WRITTEN])
        result.operations = world.operations.written
        result.forces = world.forces.written
        result.targets = world.targets.written
        result.claims = world.claims.written
        reset_sequences()
        refresh_statistics()
    result.seconds = time.perf_counter() - started
    return result


# --- writing ------------------------------------------------------------------------------


def db_adapters():
    """(db_datetime, db_date): how this connection's backend stores a datetime and a date.

    Bound once, since the connection proxy looks the connection up on every use.
    """
    return connection.ops.adapt_datetimefield_value, connection.ops.adapt_datefield_value


class Rows:
    """Rows of one model, written as prepared tuples with ids given here.

    `names` are the fields each row gives, in order, as database values (dates through
    db_adapters()); every other field takes its default, auto_now fields the time of the
    run. Ids continue from the highest in the table, and PostgreSQL's sequences are moved
    past them at the end (reset_sequences). Meant for test and benchmark databases: a
    writer adding rows to the same tables meanwhile could take the same ids, and the run
    would then fail and write nothing.
    """

    def __init__(self, model, names):
        fields = [model._meta.get_field(name) for name in names]
        others = [field for field in model._meta.concrete_fields if field not in fields]
        now = timezone.now()
        self.constants = tuple(default_value(model, field, now) for field in others)
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in (*fields, *others))
        self.width = len(fields) + len(others)
        self.vendor = connection.vendor
        # Rows per INSERT (SQLite): as many as its parameters allow. PostgreSQL has no such
        # limit, and takes COPY instead.
        self.per_statement = max(1, (connection.features.max_query_params or 999) // self.width)
        highest = model.objects.aggregate(highest=models.Max("pk"))["highest"] or 0
        # A bound method: no Python frame for each of the run's hundreds of thousands of ids.
        self.next_id = itertools.count(highest + 1).__next__
        self.rows = []
        self.written = 0

    @property
    def pending(self):
        return len(self.rows)

    def add(self, *values):
        self.rows.append(values + self.constants)

    def flush(self):
        """Write the rows added since the last flush."""
        rows, self.rows = self.rows, []
        if not rows:
            return
        with connection.cursor() as cursor:
            self.write(cursor, rows)
        self.written += len(rows)

    def write(self, cursor, rows):
        if self.vendor == "postgresql":
            # COPY: several times faster than INSERT, whose parameters psycopg formats.
            text = "".join("\t".join(map(copy_text, row)) + "\n" for row in rows)
            cursor.copy_expert(f"COPY {self.table} ({self.columns}) FROM STDIN", io.StringIO(text))
        else:
            self.insert_many(cursor, rows)

    def insert_many(self, cursor, rows):
        """SQLite: as many rows per INSERT as its parameters allow, through one prepared
        statement; a statement per row cost a third more (each one updates the AUTOINCREMENT
        counter, and Python binds it apart)."""
        per_statement = self.per_statement
        whole = len(rows) - len(rows) % per_statement
        if whole:
            cursor.executemany(
                self.insert_sql(per_statement),
                [
                    tuple(itertools.chain.from_iterable(rows[start : start + per_statement]))
                    for start in range(0, whole, per_statement)
                ],
            )
        if whole < len(rows):
            rest = rows[whole:]
            cursor.execute(self.insert_sql(len(rest)), tuple(itertools.chain.from_iterable(rest)))

    def insert_sql(self, row_count):
        row = "(" + ", ".join(["%s"] * self.width) + ")"
        return f"INSERT INTO {self.table} ({self.columns}) VALUES " + ", ".join([row] * row_count)


COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value):
    """A value in COPY's text format (\\N for NULL; datetimes as ISO with their offset)."""
    if value is None:
        return "\\N"
    return str(value).translate(COPY_ESCAPES)


@contextmanager
def large_sqlite_cache(megabytes=64):
    """A larger page cache for this connection while it writes (restored after): SQLite's
    default 2 MB made building the indexes of 100,000 operations a fifth slower. Bounded,
    so that memory does not grow with the database (512 MB held all of it: 340 MB at
    100,000 operations, for 7% less time)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-megabytes * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


# The models whose rows grow with the count (persons and sources are written before).
BULK_MODELS = (Operation, OperationForce, Target, Claim, Claim.claimed_forces.through)
# Every model a run writes to.
WRITTEN = (Organisation, OrganisationAlias, Place, PlaceName, Person, PersonAlias, Source,
           *BULK_MODELS)  # fmt: skip


class DeferredIndexes:
    """The secondary indexes of some tables, dropped while many rows go in and created
    again after, on SQLite.

    Building an index once from all its rows is faster than updating it row by row: at
    20,000 operations SQLite spent 2.1 s inserting with them and 1.4 s without, plus
    0.3 s to build them again. Unique indexes stay, since they check what is written, and
    so do the single-column indexes of the fields `kept`, which the writer reads with.
    DDL is transactional here, so a rolled-back run leaves every index as it was.

    Not on PostgreSQL: there, dropping and building them again made a run no faster in
    the one comparison made (100,000 operations, 127 s against 112, a loaded machine),
    and DROP INDEX would lock out every reader until the commit.
    """

    def __init__(self, models, kept=()):
        self.tables = [model._meta.db_table for model in models]
        self.kept = {(field.model._meta.db_table, field.column) for field in kept}
        self.dropped = []  # (name, CREATE INDEX statement)
        self.analysed = []  # the names of those that had planner statistics
        self.deferred = False  # between drop() and restore()

    def drop(self):
        if connection.vendor != "sqlite":
            return
        self.deferred = True
        quote = connection.ops.quote_name
        placeholders = ", ".join(["%s"] * len(self.tables))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' "
                "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%' "
                f"AND tbl_name IN ({placeholders}) ORDER BY name",
                self.tables,
            )
            for name, table, definition in cursor.fetchall():
                cursor.execute(f"PRAGMA index_info({quote(name)})")
                columns = [column for _, _, column in cursor.fetchall()]
                if len(columns) == 1 and (table, columns[0]) in self.kept:
                    continue
                self.dropped.append((name, definition))
            # DROP INDEX deletes an index's statistics and CREATE INDEX makes none: those
            # that ANALYZE had counted are counted again once built, or the planner would
            # choose among the indexes as if it knew nothing of them.
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute(
                    f"SELECT DISTINCT idx FROM sqlite_stat1 WHERE tbl IN ({placeholders})",
                    self.tables,
                )
                counted = {name for (name,) in cursor.fetchall()}
                self.analysed = [name for name, _ in self.dropped if name in counted]
            for name, _ in self.dropped:
                cursor.execute(f"DROP INDEX {quote(name)}")

    def restore(self):
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for _, definition in self.dropped:
                cursor.execute(definition)
            for name in self.analysed:
                cursor.execute(f"ANALYZE {quote(name)}")
        self.dropped, self.analysed, self.deferred = [], [], False


@contextmanager
def indexes_built_after(models):
    """The tables' secondary indexes dropped while rows go in, created again after."""
    deferred = DeferredIndexes(models)
    deferred.drop()
    yield
    deferred.restore()


def reset_sequences(models=WRITTEN):
    """Move PostgreSQL's id sequences past the ids given here (SQLite needs nothing)."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def refresh_statistics():
    """Let the query planner know the tables grew: after a bulk load PostgreSQL would
    otherwise plan for empty tables (a filtered list of 10 took 150 ms instead of 33)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def default_value(model, field, now):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return field.get_db_prep_save(now, connection)
    value = field.get_default()
    if value is None and not field.null:
        raise ImproperlyConfigured(
            f"{model.__name__}.{field.name} has no default: give it in operations/synthetic.py."
        )
    return field.get_db_prep_save(value, connection)


def insert(model, records):
    """bulk_create for the small pools, leaving every record with its id (PostgreSQL and
    SQLite 3.35+ return them; elsewhere they are given from the current maximum)."""
    if records and not connection.features.can_return_rows_from_bulk_insert:
        highest = model.objects.aggregate(highest=models.Max("pk"))["highest"] or 0
        for record, pk in zip(records, itertools.count(highest + 1), strict=False):
            record.pk = pk
    model.objects.bulk_create(records)
    return records


def search_keys(model, name):
    """(search_key, skeleton_key) as the model's own refresh_search_keys() sets them."""
    scratch = model(name=name)
    scratch.refresh_search_keys()
    return scratch.search_key, scratch.skeleton_key


class SearchKeys:
    """The search keys of the pools' names, computed once: folding costs ~0.1 ms, and
    names repeat. (Persons' names hardly repeat: kept, they would grow with the count.)"""

    def __init__(self):
        self.known = {}

    def of(self, model, name):
        keys = self.known.get(name)
        if keys is None:
            keys = self.known[name] = search_keys(model, name)
        return keys

    def fill(self, records):
        for record in records:
            record.search_key, record.skeleton_key = self.of(type(record), record.name)
        return records


# --- pools --------------------------------------------------------------------------------


def ensure_organisations(keys):
    """The organisation pool by name: existing records reused, missing ones created."""
    found = {}
    names = [spec[0] for spec in ORGANISATIONS]
    for organisation in Organisation.objects.filter(name__in=names).order_by("pk"):
        found.setdefault(organisation.name, organisation)
    missing = [spec for spec in ORGANISATIONS if spec[0] not in found]
    created = list(missing)
    # Level by level, since a child needs its parent's id.
    while missing:
        ready = [spec for spec in missing if spec[3] is None or spec[3] in found]
        level = [
            Organisation(
                name=name, kind=kind, country=country, parent=found.get(parent),
                status=Status.PUBLISHED,
            )
            for name, kind, country, parent, _ in ready
        ]  # fmt: skip
        insert(Organisation, keys.fill(level))
        found.update((organisation.name, organisation) for organisation in level)
        missing = [spec for spec in missing if spec not in ready]
    aliases = [
        OrganisationAlias(organisation=found[spec[0]], name=alias)
        for spec in created
        for alias in spec[4]
    ]
    insert(OrganisationAlias, keys.fill(aliases))
    return found, len(created)


def village_specs(rng, count):
    """Villages near the towns of Syria and Iraq, in PLACES' format, one of a name a country."""
    towns = [spec for spec in PLACES if spec[0] in ("SY", "IQ") and spec[2] == "settlement"]
    specs, seen = [], set()
    for _ in range(count):
        (prefix, spellings), word = rng.choice(VILLAGE_PREFIXES), rng.choice(VILLAGE_WORDS)
        country, _, _, province, district, latitude, longitude, _ = rng.choice(towns)
        latitude += rng.uniform(-0.3, 0.3)
        longitude += rng.uniform(-0.3, 0.3)
        name = f"{prefix} {word}"
        if (country, name) not in seen:
            seen.add((country, name))
            alternates = tuple(f"{spelling} {word}" for spelling in spellings)
            specs.append((country, name, Place.Kind.SETTLEMENT, province, district, latitude,
                          longitude, alternates))  # fmt: skip
    return specs


def ensure_places(rng, keys, count):
    """Places by (country, kind); existing ones reused by (country, name)."""
    specs = [*PLACES, *village_specs(rng, min(300, 10 + count // 100))]
    found = {}
    for place in Place.objects.filter(name__in=[spec[1] for spec in specs]).order_by("pk"):
        found.setdefault((place.country, place.name), place)
    missing = [spec for spec in specs if (spec[0], spec[1]) not in found]
    created = [
        Place(
            country=country, name=name, kind=kind, province=province, district=district,
            latitude=Decimal(f"{latitude:.5f}"), longitude=Decimal(f"{longitude:.5f}"),
            status=Status.PUBLISHED,
        )
        for country, name, kind, province, district, latitude, longitude, _ in missing
    ]  # fmt: skip
    insert(Place, keys.fill(created))
    found.update(((place.country, place.name), place) for place in created)
    aliases = [
        PlaceName(place=found[spec[0], spec[1]], name=alias, language=language(alias, spec[0]))
        for spec in missing
        for alias in spec[7]
    ]
    insert(PlaceName, keys.fill(aliases))
    by_kind = defaultdict(list)
    for spec in specs:
        by_kind[spec[0], spec[2]].append(found[spec[0], spec[1]])
    return by_kind, len(created)


def language(name, country):
    """The language of an alternate name in Arabic script; Latin spellings are unmarked."""
    if name.isascii():
        return ""
    return "ps" if country == "AF" else "ar"


def with_article(nisba, rng):
    """ "al-Shami", "ash-Shami", "el-Shami" or "al Shami": the article as reports write it."""
    forms = ["al-", "al-", "el-", "al "]
    sun = next((letters for letters in SUN_LETTERS if nisba.lower().startswith(letters)), None)
    if sun:
        forms.append(f"a{sun}-")
    return rng.choice(forms) + nisba


def person_names(rng):
    """A canonical name and the other ways reports write that person: [(alias, kind)]."""
    given, father = rng.sample(GIVEN_NAMES, 2)
    kunya, nisba = rng.choice(KUNYA_NAMES), rng.choice(NISBAS)
    kunya_name = f"Abu {kunya[0]} al-{nisba[0]}"
    full_name = f"{given[0]} {father[0]} al-{nisba[0]}"
    kind = PersonAlias.Kind
    if rng.random() < 0.55:
        # Known by the kunya, as most ISIS figures are.
        canonical = kunya_name
        others = [
            (full_name, kind.FULL_NAME),
            (f"أبو {kunya[2]} {nisba[2]}", kind.NATIVE_SCRIPT),
            (f"Abu {rng.choice(kunya[1])} {with_article(nisba[0], rng)}", kind.SPELLING),
            (f"Abu {kunya[0]} al-{rng.choice(nisba[1])}", kind.SPELLING),
            (f"Abou {kunya[0]} {with_article(nisba[0], rng)}", kind.SPELLING),
            (f"Abu {kunya[0]}", kind.KUNYA),
        ]
    else:
        canonical = full_name
        others = [
            (kunya_name, kind.KUNYA),
            (f"{given[2]} {father[2]} {nisba[2]}", kind.NATIVE_SCRIPT),
            (f"{rng.choice(given[1])} {father[0]} al-{nisba[0]}", kind.SPELLING),
            (f"{given[0]} {rng.choice(father[1])} {with_article(nisba[0], rng)}", kind.SPELLING),
            (f"{given[0]} {father[0]} al-{rng.choice(nisba[1])}", kind.SPELLING),
            (f"{given[0]} bin {father[0]} al-{nisba[0]}", kind.FULL_NAME),
            (f"Hajji {given[0]}", kind.NICKNAME),
        ]
    unique = dict(others)
    unique.pop(canonical, None)
    return canonical, list(unique.items())


PooledPerson = namedtuple("PooledPerson", "id name")
# A publisher speaks through different people in different countries: `attributions` are
# those of the source's publisher in its country.
PooledSource = namedtuple("PooledSource", "id publisher_id published_on attributions")


def create_persons(rng, count):
    persons = Rows(Person, ("id", "name", "search_key", "skeleton_key", "description", "status"))
    aliases = Rows(PersonAlias, ("id", "person", "name", "search_key", "skeleton_key", "kind"))
    pool = []
    for _ in range(count):
        if aliases.pending >= ROWS_PER_WRITE:
            persons.flush()
            aliases.flush()
        canonical, others = person_names(rng)
        person = PooledPerson(persons.next_id(), canonical)
        persons.add(person.id, canonical, *search_keys(Person, canonical), "", Status.PUBLISHED)
        for name, kind in rng.sample(others, min(PICK_ALIAS_COUNT.pick(rng), len(others))):
            aliases.add(aliases.next_id(), person.id, name, *search_keys(PersonAlias, name), kind)
        pool.append(person)
    persons.flush()
    aliases.flush()
    return pool


def run_number(seed):
    """The first run number whose URLs no source has yet: runs of one seed never clash."""
    run = 1
    while Source.objects.filter(url__startswith=f"{URL_BASE}/seed-{seed}/run-{run}/").exists():
        run += 1
    return run


def create_sources(rng, organisations, seed, count):
    """Sources per country, in order of publication, with unique normalised URLs."""
    prefix = f"{URL_BASE}/seed-{seed}/run-{run_number(seed)}"
    # Stored as given, since Source.save() is skipped: already in normalised form.
    assert normalise_url(f"{prefix}/sy/report/1") == f"{prefix}/sy/report/1"
    _, db_date = db_adapters()
    rows = Rows(Source, ("id", "kind", "title", "url", "publisher", "published_on",
                         "accessed_on", "language", "reliability", "status"))  # fmt: skip
    days = (LAST_SOURCE_DAY - dt.date(min(YEARS), 1, 1)).days
    total = sum(weight for _, _, weight in COUNTRIES)
    # Translated once: a lazy label costs ~20 µs each time it is formatted.
    kind_labels = {kind: str(label) for kind, label in Source.Kind.choices}
    pools = {}
    for country, _, weight in COUNTRIES:
        drawn = []
        for _ in range(max(12, count * weight // total)):
            spec = rng.choice(PUBLISHERS[country])
            publisher, kinds, reliability, language_code, attributions = spec
            published = dt.date(min(YEARS), 1, 1) + dt.timedelta(days=rng.randrange(days))
            drawn.append((published, publisher, rng.choice(kinds), reliability, language_code,
                          attributions))  # fmt: skip
        drawn.sort(key=lambda source: source[0])
        pool = pools[country] = []
        for number, (published, publisher, kind, reliability, language_code,
                     attributions) in enumerate(drawn, start=1):  # fmt: skip
            source = PooledSource(
                rows.next_id(), organisations[publisher].id, published, attributions
            )
            title = (
                f"{publisher}: {kind_labels[kind]} on operations in {country}, "
                f"{published:%d %b %Y} (synthetic #{number})"
            )
            url = f"{prefix}/{country.lower()}/{kind.replace('_', '-')}/{number}"
            accessed = published + dt.timedelta(days=rng.randrange(1, 60))
            reliability = rng.choices("ABCDEF", reliability)[0]
            rows.add(source.id, kind, title, url, source.publisher_id, db_date(published),
                     db_date(accessed), language_code, reliability, Status.PUBLISHED)  # fmt: skip
            pool.append(source)
            if rows.pending >= ROWS_PER_WRITE:
                rows.flush()
    rows.flush()
    return pools


# --- operations ---------------------------------------------------------------------------


class World:
    """The pools, and how one operation with its forces, targets and claims is drawn."""

    def __init__(self, rng, places, organisations, persons, sources):
        self.rng = rng
        self.db_datetime, self.db_date = db_adapters()
        self.places = places
        self.organisations = organisations
        self.persons = persons
        self.sources = sources
        self.source_days = {
            country: [s.published_on for s in pool] for country, pool in sources.items()
        }
        # Only where some force of the pool fought ISIS that year.
        self.countries = {
            year: Weighted(
                {
                    code: weight
                    for code, _, weight in COUNTRIES
                    if any(first <= year <= last for _, _, first, last, *_ in FORCES[code])
                }
            )
            for year in YEARS
        }
        self.forces_by_year = {
            (country, year): [spec for spec in FORCES[country] if spec[2] <= year <= spec[3]]
            for country in FORCES
            for year in YEARS
        }
        self.leads = {
            key: Weighted([spec[4] for spec in active], active)
            for key, active in self.forces_by_year.items()
            if active
        }
        self.kinds = {
            spec[0]: Weighted({kind: KIND_WEIGHTS[kind] for kind in spec[5]})
            for specs in FORCES.values()
            for spec in specs
        }
        self.places_for = {
            (country, precision): [
                place for kind in kinds for place in places.get((country, kind), ())
            ]
            for country in ZONES
            for precision, kinds in PLACE_KINDS.items()
        }
        self.operations = Rows(Operation, ("id", "title", "kind", "occurred_at", "occurred_on",
                                           "date_precision", "local_time_zone", "place",
                                           "location_precision", "summary", "status"))  # fmt: skip
        self.forces = Rows(OperationForce, ("id", "operation", "organisation", "role"))
        self.targets = Rows(Target, ("id", "operation", "person", "organisation", "description",
                                     "role", "outcome"))  # fmt: skip
        self.claims = Rows(Claim, CLAIM_FIELDS)
        self.claimed_forces = Rows(Claim.claimed_forces.through, ("id", "claim", "organisation"))

    def flush(self):
        for rows in (self.operations, self.forces, self.targets, self.claims, self.claimed_forces):
            rows.flush()

    def add_operation(self, number, status):
        rng = self.rng
        year = PICK_YEAR.pick(rng)
        country = self.countries[year].pick(rng)
        zone = ZONES[country]
        precision = PICK_PRECISION.pick(rng)
        local = self.draw_local_time(year, zone, precision)
        forces = self.draw_forces(country, year)
        lead = forces[0]
        kind = self.kinds[lead[0]].pick(rng)
        location_precision = PICK_LOCATION.pick(rng)
        place = choose(rng, self.places_for[country, location_precision])
        operation = Drawn(
            id=self.operations.next_id(),
            kind=kind,
            occurred_at=local.astimezone(dt.UTC),
            local=local,
            date_precision=precision,
            local_time_zone=zone,
            place=place,
            location_precision=location_precision,
            country=country,
            forces=[self.organisations[spec[0]] for spec in forces],
        )
        targets = self.draw_targets(operation)
        where = ("near " if location_precision == "near" else "in ") + place.name
        words = KIND_WORDS[kind]
        summary = (
            f"{lead[0]} conducted {'an' if words[0] in 'aeiou' else 'a'} {words} {where}, "
            f"{dates.format_local(local, precision)}. "
            f"Synthetic record #{number + 1}, generated for tests and benchmarks."
        )
        self.operations.add(
            operation.id, title(lead[1], kind, targets[0], where), kind,
            self.db_datetime(operation.occurred_at), self.db_date(local.date()), precision, zone,
            place.id, location_precision, summary, status,
        )  # fmt: skip
        for position, organisation in enumerate(operation.forces):
            role = OperationForce.Role.LEAD
            if position:
                role = choose(rng, ("partner", "partner", "partner", "support"))
            self.forces.add(self.forces.next_id(), operation.id, organisation.id, role)
        for target in targets:
            self.targets.add(
                target.id, operation.id, target.person and target.person.id,
                target.organisation and target.organisation.id, target.description,
                target.role, target.outcome,
            )  # fmt: skip
        claims, claimed_forces = Claims(self, operation, targets).draw()
        for claim in claims:
            claim["id"] = self.claims.next_id()
        for claim in claims:
            if claim["supersedes"] is not None:
                claim["supersedes"] = claim["supersedes"]["id"]
            self.claims.add(*claim_values(claim))
        for claim, organisation in claimed_forces:
            self.claimed_forces.add(self.claimed_forces.next_id(), claim["id"], organisation.id)

    def draw_local_time(self, year, zone, precision):
        """A local time to `precision` (from_local drops the finer parts), aware."""
        rng = self.rng
        months = range(1, LAST_MONTH[1] + 1 if year == LAST_MONTH[0] else 13)
        utc = dates.from_local(
            year, choose(rng, months), choose(rng, DAYS), PICK_HOUR.pick(rng),
            choose(rng, MINUTES), zone=zone, precision=precision,
        )  # fmt: skip
        return utc.astimezone(dates.zone(zone))

    def draw_forces(self, country, year):
        """The lead force's spec, and in a third of operations a partner's."""
        chosen = [self.leads[country, year].pick(self.rng)]
        others = [spec for spec in self.forces_by_year[country, year] if spec is not chosen[0]]
        if others and self.rng.random() < 0.35:
            chosen.append(choose(self.rng, others))
        return chosen

    def draw_targets(self, operation):
        """1–4 targets: mostly persons, some organisations, unnamed people or things."""
        rng = self.rng
        group = "air" if operation.kind in AIR else "raid"
        if operation.kind == OperationKind.CAPTURE:
            group = "capture"
        targets, seen = [], set()
        for _ in range(PICK_TARGET_COUNT.pick(rng)):
            what = rng.random()
            target = DrawnTarget()
            if what < 0.72:
                target.person = choose(rng, self.persons)
                target.role = choose(rng, ROLES)
                target.outcome = PICK_OUTCOME[group].pick(rng)
            elif what < 0.84:
                branch = BRANCHES[operation.country] if rng.random() < 0.8 else ISIS
                target.organisation = self.organisations[branch]
            elif what < 0.95:
                target.description = choose(rng, PEOPLE_DESCRIPTIONS)
                target.outcome = PICK_OUTCOME[group].pick(rng)
            else:
                target.description = choose(rng, OBJECT_DESCRIPTIONS)
            # A person or an organisation is one target of an operation, however often drawn.
            who = target.person or target.organisation
            if who is None or who not in seen:
                seen.add(who)
                target.id = self.targets.next_id()
                targets.append(target)
        return targets


@dataclass
class Drawn:
    """An operation as drawn, before it becomes a row."""

    id: int
    kind: str
    occurred_at: dt.datetime
    local: dt.datetime
    date_precision: str
    local_time_zone: str
    place: Place
    location_precision: str
    country: str
    forces: list


@dataclass
class DrawnTarget:
    id: int = 0
    person: PooledPerson = None
    organisation: Organisation = None
    description: str = ""
    role: str = ""
    outcome: str = Outcome.UNKNOWN


def title(lead, kind, target, where):
    """ "CENTCOM airstrike kills financier Abu Hamza al-Iraqi near Hajin"."""
    if target.person is not None:
        what = f"{OUTCOME_VERBS[target.outcome]} {target.role} {target.person.name}"
    elif target.organisation is not None:
        what = f"targets {target.organisation.name}"
    else:
        what = f"{OUTCOME_VERBS[target.outcome]} {target.description}"
    return f"{lead} {KIND_WORDS[kind]} {what} {where}"


# A claim is a dict of these fields, in database values and ids, until it is written; its
# `supersedes` holds the earlier claim's dict until both have ids.
CLAIM_FIELDS = (
    "id", "operation", "source", "point", "target", "outcome", "category", "count_low",
    "count_high", "count_note", "occurred_at", "date_precision", "local_time_zone", "place",
    "location_precision", "kind", "attribution", "quote", "credibility", "supersedes",
    "occurred_until",
)  # fmt: skip
claim_values = operator.itemgetter(*CLAIM_FIELDS)
EMPTY_CLAIM = {
    "target": None, "outcome": "", "category": "", "count_low": None, "count_high": None,
    "count_note": "", "occurred_at": None, "date_precision": "", "local_time_zone": "",
    "place": None, "location_precision": "", "kind": "", "quote": "", "supersedes": None,
    "occurred_until": None,
}  # fmt: skip


class Claims:
    """The claims of one operation: what its sources say, and where they disagree.

    Every claim restates the operation's own reading except the one dissenting claim of a
    contested operation and the mistaken early report that a correction supersedes; so an
    operation is contested exactly when it is drawn to be.
    """

    def __init__(self, world, operation, targets):
        self.world, self.rng = world, world.rng
        self.operation, self.targets = operation, targets
        self.sources = self.draw_sources()
        self.claimed_forces = []

    def draw_sources(self):
        """1–3 sources of the country among the first published on or after the day."""
        country = self.operation.country
        pool = self.world.sources[country]
        start = bisect.bisect_left(self.world.source_days[country], self.operation.local.date())
        # Six sources always (pools hold 12 or more): the last ones for the latest operations.
        start = min(start, len(pool) - 6)
        self.window = pool[start : start + 6]
        return choose_some(
            self.rng, self.window, min(PICK_SOURCE_COUNT.pick(self.rng), len(self.window))
        )

    def other_source(self, than):
        """Another of the operation's sources, or of those published about then."""
        others = [source for source in self.sources if source is not than]
        if not others:
            others = [source for source in self.window if source is not than]
        return choose(self.rng, others)

    # -- building claims

    def claim(self, source, point, **fields):
        rng = self.rng
        claim = {
            **EMPTY_CLAIM,
            "operation": self.operation.id,
            "source": source.id,
            "point": point,
            "attribution": choose(rng, source.attributions),
            "credibility": PICK_CREDIBILITY.pick(rng),
            **fields,
        }
        if rng.random() < 0.1:
            claim["quote"] = choose(rng, QUOTES)
        return claim

    def outcome(self, source, target, outcome):
        return self.claim(source, "outcome", target=target.id, outcome=outcome)

    def casualties(self, source, category, low, high, note=""):
        fields = {"category": category, "count_low": low, "count_high": high, "count_note": note}
        return self.claim(source, "casualties", **fields)

    def time(self, source, occurred_at, precision):
        """A claimed time, with the end of its period as Claim.save() would keep it."""
        zone = self.operation.local_time_zone
        local = occurred_at.astimezone(dates.zone(zone))
        until = dates.period_end(local, precision).astimezone(dt.UTC)
        return self.claim(
            source, "time", occurred_at=self.world.db_datetime(occurred_at),
            date_precision=precision, local_time_zone=zone,
            occurred_until=self.world.db_datetime(until),
        )  # fmt: skip

    def place(self, source, place, precision):
        return self.claim(source, "place", place=place.id, location_precision=precision)

    def kind(self, source, kind):
        return self.claim(source, "kind", kind=kind)

    def forces(self, source, organisations):
        claim = self.claim(source, "forces")
        self.claimed_forces += [(claim, organisation) for organisation in organisations]
        return claim

    def earlier_time(self):
        """A time a period or more before the operation's, to the same precision."""
        operation = self.operation
        shifted = (operation.occurred_at - TIME_SHIFTS[operation.date_precision]).astimezone(
            dates.zone(operation.local_time_zone)
        )
        return dates.truncate(shifted, operation.date_precision).astimezone(dt.UTC)

    def other_place(self):
        pool = [
            place
            for kind in (Place.Kind.SETTLEMENT, Place.Kind.PROVINCE, Place.Kind.REGION)
            for place in self.world.places.get((self.operation.country, kind), ())
            if place.id != self.operation.place.id
        ]
        return choose(self.rng, pool)

    # -- what the sources say

    def agreeing(self):
        """Claims that restate the operation: the first source's, echoed by the others."""
        rng, operation = self.rng, self.operation
        first = self.sources[0]
        claims = []
        people = [target for target in self.targets if target.organisation is None]
        for target in people:
            named = target.person is not None or target.outcome != Outcome.UNKNOWN
            if named and rng.random() < 0.85:
                claims.append(self.outcome(first, target, target.outcome))
        killed = sum(target.outcome in KILLED for target in people)
        if killed and rng.random() < 0.5:
            claims.append(self.casualties(first, "combatants_killed", killed,
                                          killed if rng.random() < 0.7 else None))  # fmt: skip
        if operation.kind in AIR and rng.random() < 0.5:
            claims.append(self.casualties(first, "civilians_killed", 0, 0))
        captured = sum(target.outcome == Outcome.CAPTURED for target in people)
        if captured and rng.random() < 0.5:
            claims.append(self.casualties(first, "detained", captured, captured))
        if rng.random() < 0.2:
            low = killed + rng.randint(0, 4)
            note = (
                f"among them {rng.randint(1, low)} children" if low and rng.random() < 0.2 else ""
            )
            claims.append(
                self.casualties(first, "people_killed", low, choose(rng, (low, None)), note)
            )
        for source in self.sources[1:]:
            # Another source repeats a point as broadly or more broadly, never narrower:
            # ranges that all contain the first source's cannot disagree.
            if not claims:
                break
            echoed = choose(rng, claims)
            if echoed["point"] == "outcome":
                outcome = echoed["outcome"] if rng.random() < 0.9 else Outcome.UNKNOWN
                claims.append(
                    self.claim(source, "outcome", target=echoed["target"], outcome=outcome)
                )
            elif echoed["point"] == "casualties":
                low, high = (
                    max(0, echoed["count_low"] - choose(rng, (0, 0, 1))),
                    echoed["count_high"],
                )
                if high is not None:
                    high = choose(rng, (high, high + rng.randint(1, 3), None))
                claims.append(self.casualties(source, echoed["category"], low, high))
        source = choose(rng, self.sources)
        if rng.random() < 0.12:
            # The operation's period, or the month or year around it: periods that overlap.
            precision = choose(rng, (operation.date_precision, "month", "year"))
            if PRECISIONS.index(precision) < PRECISIONS.index(operation.date_precision):
                precision = operation.date_precision
            start = dates.truncate(operation.local, precision).astimezone(dt.UTC)
            claims.append(self.time(source, start, precision))
        if rng.random() < 0.1:
            claims.append(self.place(source, operation.place, operation.location_precision))
        if rng.random() < 0.06:
            claims.append(self.kind(source, operation.kind))
        if rng.random() < 0.06:
            claims.append(self.forces(source, operation.forces))
        return claims

    def contest(self, claims):
        """Another source disagrees on one point: (claims added, the point's key)."""
        rng, operation = self.rng, self.operation
        contest = PICK_CONTEST.pick(rng)
        named = [target for target in self.targets if target.outcome != Outcome.UNKNOWN]
        if contest == "outcome" and not named:
            contest = "civilians"
        first = self.sources[0]
        dissent = self.other_source(than=first)

        def existing(point, category=""):
            matches = (c for c in claims if c["point"] == point and c["category"] == category)
            return next(matches, None)

        if contest == "civilians":
            # "No civilians were harmed" against one to three killed.
            category = choose(rng, ("civilians_killed", "civilians_wounded"))
            added = []
            if existing("casualties", category) is None:
                added.append(self.casualties(first, category, 0, 0))
            low = rng.randint(1, 3)
            added.append(self.casualties(dissent, category, low, low + rng.randint(0, 2)))
            return added, ("casualties", category)
        if contest == "combatants":
            earlier, added = existing("casualties", "combatants_killed"), []
            if earlier is None:
                count = rng.randint(1, 5)
                earlier = self.casualties(first, "combatants_killed", count, count)
                added.append(earlier)
            if earlier["count_high"] is None:
                # "At least 3" against "one or two" (combatants claims count one or more).
                low = earlier["count_low"]
                added.append(
                    self.casualties(dissent, "combatants_killed", max(0, low - 2), low - 1)
                )
            else:
                low = earlier["count_high"] + rng.randint(1, 4)
                added.append(
                    self.casualties(dissent, "combatants_killed", low, choose(rng, (low, None)))
                )
            return added, ("casualties", "combatants_killed")
        if contest == "outcome":
            target = choose(rng, named)
            added = []
            if not any(c["point"] == "outcome" and c["target"] == target.id for c in claims):
                added.append(self.outcome(first, target, target.outcome))
            others = [o for o in Outcome.values if o not in (target.outcome, Outcome.UNKNOWN)]
            added.append(self.outcome(dissent, target, choose(rng, others)))
            return added, ("outcome", target.id)
        if contest == "time":
            # Always the operation's own period: an agreeing claim of the month around it
            # would contain the dissenting time, not disagree with it.
            return [
                self.time(first, operation.occurred_at, operation.date_precision),
                self.time(dissent, self.earlier_time(), operation.date_precision),
            ], ("time",)
        added = []
        if contest == "place":
            if existing("place") is None:
                added.append(self.place(first, operation.place, operation.location_precision))
            added.append(self.place(dissent, self.other_place(), LocationPrecision.NEAR))
        elif contest == "kind":
            if existing("kind") is None:
                added.append(self.kind(first, operation.kind))
            added.append(self.kind(dissent, MISTAKEN_KINDS[operation.kind]))
        else:
            if existing("forces") is None:
                added.append(self.forces(first, operation.forces))
            if len(operation.forces) > 1:
                differing = operation.forces[:1]  # "a unilateral US action"
            else:
                lead = operation.forces[0]
                partners = [spec[0] for spec in FORCES[operation.country] if spec[0] != lead.name]
                differing = [lead, self.world.organisations[choose(rng, partners)]]
            added.append(self.forces(dissent, differing))
        return added, (contest,)

    def correction(self, claims, avoid):
        """A mistaken early report and the later claim that corrects it to the operation's
        reading: (earlier, correction), or None when the point drawn is taken."""
        rng, operation = self.rng, self.operation
        early = self.sources[0]
        late = self.other_source(than=early)
        correctable = [t for t in self.targets if t.outcome in EARLIER_OUTCOMES]
        point = choose(
            rng, ["casualties", "time", "place", "kind"] + ["outcome"] * 3 * bool(correctable)
        )
        if point == "outcome":
            target = choose(rng, correctable)
            if ("outcome", target.id) in avoid:
                return None
            return (
                self.outcome(early, target, EARLIER_OUTCOMES[target.outcome]),
                self.outcome(late, target, target.outcome),
            )
        if point == "casualties":
            # Corrected downwards, as in the demo: "three children", then "two".
            category = choose(rng, ("civilians_killed", "civilians_wounded"))
            if any(c["point"] == "casualties" and c["category"] == category for c in claims):
                return None
            count = rng.randint(1, 4)
            return (
                self.casualties(early, category, count + 1, count + 1),
                self.casualties(late, category, count, count),
            )
        if (point,) in avoid:
            return None
        if point == "time":
            return (
                self.time(early, self.earlier_time(), operation.date_precision),
                self.time(late, operation.occurred_at, operation.date_precision),
            )
        if point == "place":
            return (
                self.place(early, self.other_place(), LocationPrecision.NEAR),
                self.place(late, operation.place, operation.location_precision),
            )
        return (
            self.kind(early, MISTAKEN_KINDS[operation.kind]),
            self.kind(late, operation.kind),
        )

    def draw(self):
        """The claims, earlier before later, and the (claim, organisation) pairs they name."""
        rng = self.rng
        contested = rng.random() < CONTESTED_SHARE
        corrected = rng.random() < CORRECTED_SHARE
        # Keep room for the two claims of a contest and the two of a correction.
        claims = self.agreeing()[: MAX_CLAIMS - 2 * contested - 2 * corrected]
        avoid = set()
        if contested:
            added, point = self.contest(claims)
            claims += added
            avoid.add(point)
        if not claims:
            target = self.targets[0]
            claims.append(self.outcome(self.sources[0], target, target.outcome))
        if corrected:
            pair = self.correction(claims, avoid)
            if pair is not None:
                earlier, correction = pair
                correction["supersedes"] = earlier
                claims += pair
        kept = {id(claim) for claim in claims}
        return claims, [pair for pair in self.claimed_forces if id(pair[0]) in kept]
