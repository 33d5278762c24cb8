"""OpsDB's own CSV format: `export_operations` writes it, `import_operations` reads it.

One file carries operations with their forces, targets and claims, the claims' sources,
and the persons, organisations and places they name with their main fields. The layout:

- one row per force, per target and per claim of an operation, in that order, and one
  row (`row` = operation) for an operation that has none of them;
- every row repeats the operation's columns and carries its `operation` key; the rows
  of one operation follow each other, and its columns are read from its first row;
- a target and a claim have a number within their operation (`target`, `claim`), by
  which a claim names its target (`claim_target`) and the claim it corrects
  (`supersedes`); a claim comes after the target and the claim it names;
- a place, an organisation or a person is written with its main fields wherever it is
  named. An import finds it by its name or an alias, folded as the search folds them
  (places within their country); only a record not found is created, from these fields.
  Records found are left as they are.
- times are local, in the row's time zone: `2022-10-06T18:23`, with their precision;
- lists (aliases, claimed forces) are joined by " | "; an alias may carry a tag before
  ": " (a person alias its kind, `native_script: أبو علاء`; a place name its language,
  `ar: القامشلي`).

An imported operation is the same event as one recorded when both have the same title,
kind and time (`occurred_at` in UTC): such rows are reported and left out.

Not carried: ids (each database gives its own), statuses (imports create drafts), the
history, operation links, merges, persons' roles and possible identities, organisations'
parents and descriptions, and records that no operation names. Exported: every operation,
drafts included (analysts need them), except those deleted or merged into another.
"""

import csv
import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

import pycountry
from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from . import dates
from .batches import (
    ClaimSpec,
    ImportFileError,
    OperationSpec,
    OrganisationSpec,
    PersonSpec,
    PlaceSpec,
    SourceSpec,
    TargetSpec,
    folded,
    validation_problems,
)
from .dates import DatePrecision
from .models import (
    COUNTRY_CODES,
    MAX_COUNT,
    Claim,
    LocationPrecision,
    Operation,
    OperationForce,
    OperationKind,
    Organisation,
    Outcome,
    PersonAlias,
    Place,
    Source,
    Target,
)
from .normalise import normalise_url


def place_columns(prefix, what):
    return [
        (prefix, f"{what}: its name"),
        (f"{prefix}_kind", f"{what}: site, settlement, district, province, region or country"),
        (f"{prefix}_country", f"{what}: ISO 3166 alpha-2 code (SY, IQ)"),
        (f"{prefix}_province", f"{what}: province or governorate"),
        (f"{prefix}_district", f"{what}: district"),
        (f"{prefix}_latitude", f"{what}: decimal degrees, -90 to 90, or empty"),
        (f"{prefix}_longitude", f"{what}: decimal degrees, -180 to 180, or empty"),
        (f"{prefix}_aliases", f"{what}: alternate names, each optionally `language: name`"),
    ]


def organisation_columns(prefix, what):
    return [
        (prefix, f"{what}: its name"),
        (f"{prefix}_kind", f"{what}: " + ", ".join(Organisation.Kind.values)),
        (f"{prefix}_country", f"{what}: ISO 3166 alpha-2 code, or empty"),
        (f"{prefix}_aliases", f"{what}: other names"),
    ]


# Every column, in the order written, with what it holds.
COLUMNS = [
    ("operation", "The operation's key: its id in the exporting database; groups its rows"),
    ("row", "What the row adds: operation (nothing), force, target or claim"),
    ("title", "The operation's title"),
    ("kind", "The operation's kind: " + ", ".join(OperationKind.values)),
    ("occurred_at", "Local time when it happened, `YYYY-MM-DDTHH:MM` (the period's start)"),
    ("date_precision", "minute, hour, day, month or year"),
    ("time_zone", "IANA time zone of the place (Asia/Damascus)"),
    *place_columns("place", "The operation's place"),
    (
        "location_precision",
        "How precisely the place is known: " + ", ".join(LocationPrecision.values),
    ),
    ("summary", "The operation's summary"),
    *organisation_columns("force", "A force row: the conducting organisation"),
    ("force_role", "A force row: " + ", ".join(OperationForce.Role.values)),
    ("target", "A target row: its number within the operation (1, 2, …)"),
    (
        "target_person",
        "A target row: the person's name (or give an organisation or a description)",
    ),
    ("target_person_description", "A target row: the person's description"),
    ("target_person_aliases", "A target row: the person's aliases, each optionally `kind: name`"),
    *organisation_columns("target_organisation", "A target row: the targeted organisation"),
    ("target_description", "A target row: an unnamed target ('an associate')"),
    ("target_role", "A target row: the role the target held then"),
    ("target_outcome", "A target row: " + ", ".join(Outcome.values)),
    ("claim", "A claim row: its number within the operation (1, 2, …)"),
    ("source_url", "A claim row: the source's URL (how a source is recognised), or empty"),
    (
        "source_title",
        "A claim row: the source's title (with its date, how a source without URL is recognised)",
    ),
    ("source_kind", "A claim row: " + ", ".join(Source.Kind.values)),
    ("source_author", "A claim row: the source's author"),
    ("source_published_on", "A claim row: the source's publication date, YYYY-MM-DD"),
    ("source_language", "A claim row: ISO 639-1 code of the source's language"),
    ("source_reliability", "A claim row: the source's reliability, A to F"),
    ("source_archive_url", "A claim row: an archived copy of the source"),
    ("source_accessed_on", "A claim row: when the analyst read it, YYYY-MM-DD"),
    *organisation_columns("source_publisher", "A claim row: the source's publisher"),
    ("point", "A claim row: what it is about: " + ", ".join(Claim.Point.values)),
    ("claim_target", "A claim row about an outcome: the number of its target"),
    ("outcome", "A claim row about an outcome: " + ", ".join(Outcome.values)),
    ("category", "A claim row about casualties: " + ", ".join(Claim.Category.values)),
    ("count_low", "A claim row about casualties: the lowest count"),
    ("count_high", "A claim row about casualties: the highest count, empty for 'at least'"),
    ("count_note", "A claim row about casualties: a part of the count"),
    ("claim_occurred_at", "A claim row about the time: local time, as occurred_at"),
    ("claim_date_precision", "A claim row about the time: its precision"),
    ("claim_time_zone", "A claim row about the time: its IANA time zone"),
    *place_columns("claim_place", "A claim row about the place: the place claimed"),
    ("claim_location_precision", "A claim row about the place: its location precision"),
    ("claimed_forces", "A claim row about the forces: the organisations' names"),
    ("claim_kind", "A claim row about the kind: the kind of operation claimed"),
    ("attribution", "A claim row: who the source says said it"),
    ("quote", "A claim row: the words of the source (up to 1,000 characters)"),
    ("credibility", "A claim row: 1 (confirmed) to 6 (cannot be judged)"),
    ("supersedes", "A claim row: the number of the earlier claim it corrects"),
]

# The operation's own columns, repeated on each of its rows.
_NAMES = [name for name, _ in COLUMNS]
OPERATION_COLUMNS = _NAMES[_NAMES.index("title") : _NAMES.index("summary") + 1]
HEADER = [name for name, _ in COLUMNS]
REQUIRED = ["operation", "row", "title", "kind", "occurred_at", "date_precision", "time_zone"]
ROW_KINDS = ("operation", "force", "target", "claim")
LIST_SEPARATOR = " | "
TAG_SEPARATOR = ": "

# The model fields of a claim and the columns that give them, for its clean()'s errors.
CLAIM_COLUMNS = {
    "target": "claim_target",
    "outcome": "outcome",
    "category": "category",
    "count_low": "count_low",
    "count_high": "count_high",
    "count_note": "count_note",
    "occurred_at": "claim_occurred_at",
    "date_precision": "claim_date_precision",
    "local_time_zone": "claim_time_zone",
    "place": "claim_place",
    "location_precision": "claim_location_precision",
    "kind": "claim_kind",
    "supersedes": "supersedes",
}


# --- export -------------------------------------------------------------------------------


def joined(items):
    return LIST_SEPARATOR.join(items)


def tagged(tag, name):
    return f"{tag}{TAG_SEPARATOR}{name}" if tag else name


def local_text(moment, zone):
    return moment.astimezone(dates.zone(zone)).strftime("%Y-%m-%dT%H:%M")


def place_values(prefix, place):
    if place is None:
        return {}
    return {
        prefix: place.name,
        f"{prefix}_kind": place.kind,
        f"{prefix}_country": place.country,
        f"{prefix}_province": place.province,
        f"{prefix}_district": place.district,
        f"{prefix}_latitude": place.latitude,
        f"{prefix}_longitude": place.longitude,
        f"{prefix}_aliases": joined(
            tagged(alias.language, alias.name) for alias in place.aliases.all()
        ),
    }


def organisation_values(prefix, organisation):
    if organisation is None:
        return {}
    return {
        prefix: organisation.name,
        f"{prefix}_kind": organisation.kind,
        f"{prefix}_country": organisation.country,
        f"{prefix}_aliases": joined(alias.name for alias in organisation.aliases.all()),
    }


def exported_operations():
    """What an export writes: all but deleted and merged operations, with what they name."""
    return (
        Operation.objects.filter(deleted_at=None, merged_into=None)
        .select_related("place")
        .prefetch_related(
            "place__aliases",
            Prefetch("forces", OperationForce.objects.order_by("pk")),
            "forces__organisation__aliases",
            Prefetch("targets", Target.objects.order_by("pk")),
            "targets__person__aliases",
            "targets__organisation__aliases",
            Prefetch("claims", Claim.objects.order_by("pk")),
            "claims__source__publisher__aliases",
            "claims__place__aliases",
            "claims__claimed_forces",
        )
        .order_by("pk")
    )


def operation_rows(operation):
    """The rows of one operation, as dicts by column."""
    common = {
        "operation": operation.pk,
        "title": operation.title,
        "kind": operation.kind,
        "occurred_at": local_text(operation.occurred_at, operation.local_time_zone),
        "date_precision": operation.date_precision,
        "time_zone": operation.local_time_zone,
        **place_values("place", operation.place),
        "location_precision": operation.location_precision,
        "summary": operation.summary,
    }
    rows = []
    for force in operation.forces.all():
        rows.append(
            {
                **common,
                "row": "force",
                **organisation_values("force", force.organisation),
                "force_role": force.role,
            }
        )
    target_numbers = {}
    for number, target in enumerate(operation.targets.all(), start=1):
        target_numbers[target.pk] = number
        person = target.person
        rows.append(
            {
                **common,
                "row": "target",
                "target": number,
                **organisation_values("target_organisation", target.organisation),
                "target_description": target.description,
                "target_role": target.role,
                "target_outcome": target.outcome,
                **(
                    {
                        "target_person": person.name,
                        "target_person_description": person.description,
                        "target_person_aliases": joined(
                            tagged(alias.kind, alias.name) for alias in person.aliases.all()
                        ),
                    }
                    if person
                    else {}
                ),
            }
        )
    claims = list(operation.claims.all())
    claim_numbers = {claim.pk: number for number, claim in enumerate(claims, start=1)}
    for claim in claims:
        source = claim.source
        rows.append(
            {
                **common,
                "row": "claim",
                "claim": claim_numbers[claim.pk],
                "source_url": source.url,
                "source_title": source.title,
                "source_kind": source.kind,
                "source_author": source.author,
                "source_published_on": source.published_on,
                "source_language": source.language,
                "source_reliability": source.reliability,
                "source_archive_url": source.archive_url,
                "source_accessed_on": source.accessed_on,
                **organisation_values("source_publisher", source.publisher),
                "point": claim.point,
                "claim_target": target_numbers.get(claim.target_id, ""),
                "outcome": claim.outcome,
                "category": claim.category,
                "count_low": claim.count_low,
                "count_high": claim.count_high,
                "count_note": claim.count_note,
                "claim_occurred_at": local_text(claim.occurred_at, claim.local_time_zone)
                if claim.occurred_at
                else "",
                "claim_date_precision": claim.date_precision,
                "claim_time_zone": claim.local_time_zone,
                **place_values("claim_place", claim.place),
                "claim_location_precision": claim.location_precision,
                "claimed_forces": joined(force.name for force in claim.claimed_forces.all()),
                "claim_kind": claim.kind,
                "attribution": claim.attribution,
                "quote": claim.quote,
                "credibility": claim.credibility,
                "supersedes": claim_numbers.get(claim.supersedes_id, ""),
            }
        )
    return rows or [{**common, "row": "operation"}]


def export_operations(stream, *, chunk_size=500):
    """Write the OpsDB CSV of every exported operation to a text stream; the row count."""
    writer = csv.DictWriter(stream, fieldnames=HEADER, restval="")
    writer.writeheader()
    count = 0
    for operation in exported_operations().iterator(chunk_size=chunk_size):
        rows = [
            {column: "" if value is None else value for column, value in row.items()}
            for row in operation_rows(operation)
        ]
        writer.writerows(rows)
        count += len(rows)
    return count


# --- import -------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def utc_time(text, zone, precision):
    """A local `YYYY-MM-DDTHH:MM` (or `YYYY-MM-DD`) in `zone` as UTC; ValueError if not."""
    local = dt.datetime.fromisoformat(text)
    if local.tzinfo is not None or local.second or local.microsecond:
        raise ValueError
    return local.replace(tzinfo=dates.zone(zone)).astimezone(dt.UTC)


# The rows of an operation's claims repeat their source: its URL is normalised once.
normalised_url = lru_cache(maxsize=4096)(normalise_url)


@lru_cache(maxsize=4096)
def day(text):
    return dt.date.fromisoformat(text)


def split_list(text):
    return [item.strip() for item in text.split(LIST_SEPARATOR.strip()) if item.strip()]


@cache
def known_values(choices):
    """The values of a choices class, or of a collection (reading a class's .values on
    every row cost a fifth of an import's time)."""
    return tuple(choices.values) if isinstance(choices, type) else tuple(choices)


def split_tag(item, tags):
    """(name, tag) of `tag: name` when tag is one of `tags`, else (item, "")."""
    tag, separator, name = item.partition(TAG_SEPARATOR)
    if separator and tag.strip() in known_values(tags) and name.strip():
        return name.strip(), tag.strip()
    return item, ""


# ISO 639-1, as Source.language and PlaceName.language accept them.
LANGUAGE_CODES = frozenset(
    language.alpha_2 for language in pycountry.languages if hasattr(language, "alpha_2")
)


class Row:
    """One row's text by column, and the errors found reading it."""

    def __init__(self, number, values):
        self.number = number
        self.values = values
        self.errors = {}

    def __getitem__(self, column):
        return self.values.get(column, "")

    def error(self, column, message):
        self.errors.setdefault(column, message)

    def choice(self, column, choices, *, required=True, default=""):
        choices = known_values(choices)
        value = self[column]
        if not value:
            if required:
                self.error(column, "empty: give one of " + ", ".join(choices))
            return default
        if value not in choices:
            self.error(column, f"{value!r} is not one of " + ", ".join(choices))
            return default
        return value

    def text(self, column, max_length, *, required=False):
        value = self[column]
        if required and not value:
            self.error(column, "empty")
        elif len(value) > max_length:
            self.error(column, f"longer than {max_length} characters")
        return value[:max_length]

    def name(self, column, max_length=200):
        value = self.text(column, max_length, required=True)
        if value and not folded(value):
            self.error(column, "a name needs at least one letter")
        return value

    def integer(self, column, *, low=0, high=MAX_COUNT, required=False):
        value = self[column]
        if not value:
            if required:
                self.error(column, "empty")
            return None
        try:
            number = int(value)
        except ValueError:
            self.error(column, f"{value!r} is not a whole number")
            return None
        if not low <= number <= high:
            self.error(column, f"{number} is outside {low} to {high}")
            return None
        return number

    def date(self, column):
        value = self[column]
        if not value:
            return None
        try:
            return day(value)
        except ValueError:
            self.error(column, f"{value!r} is not an ISO date (YYYY-MM-DD)")
            return None

    def country(self, column, *, required=True):
        value = self[column]
        if not value and not required:
            return ""
        if value not in COUNTRY_CODES:
            self.error(column, f"{value!r} is not an ISO 3166 alpha-2 country code")
            return ""
        return value

    def time(self, column, zone_column, precision_column):
        """(occurred_at in UTC, precision, zone) from a local time column, or Nones."""
        precision = self.choice(precision_column, DatePrecision)
        zone = self[zone_column]
        if zone not in dates.time_zone_names():
            self.error(zone_column, f"{zone!r} is not an IANA time zone")
            return None, precision, zone
        try:
            occurred_at = utc_time(self[column], zone, precision)
        except ValueError:
            self.error(column, f"{self[column]!r} is not a local time YYYY-MM-DDTHH:MM")
            return None, precision, zone
        local = occurred_at.astimezone(dates.zone(zone))
        if precision and not dates.fits(local, precision):
            self.error(column, f"more precise than {precision} precision: give the period's start")
        return occurred_at, precision, zone

    def coordinate(self, column, limit):
        value = self[column]
        if not value:
            return None
        try:
            number = Decimal(value)
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.error(column, f"{value!r} is not a number")
            return None
        if not -limit <= number <= limit:
            self.error(column, f"{value} is outside -{limit} to {limit}")
            return None
        return number.quantize(Decimal("0.00001"))

    def place(self, prefix):
        if not self[prefix]:
            return None
        latitude = self.coordinate(f"{prefix}_latitude", 90)
        longitude = self.coordinate(f"{prefix}_longitude", 180)
        if (latitude is None) != (longitude is None):
            self.error(f"{prefix}_latitude", "give both latitude and longitude, or neither")
        aliases = []
        for item in split_list(self[f"{prefix}_aliases"]):
            name, language = split_tag(item, LANGUAGE_CODES)
            aliases.append((name[:200], language))
        return PlaceSpec(
            name=self.name(prefix),
            kind=self.choice(f"{prefix}_kind", Place.Kind, default=Place.Kind.SETTLEMENT),
            country=self.country(f"{prefix}_country"),
            province=self.text(f"{prefix}_province", 100),
            district=self.text(f"{prefix}_district", 100),
            latitude=latitude,
            longitude=longitude,
            aliases=tuple(aliases),
        )

    def organisation(self, prefix, *, required=False):
        if not self[prefix]:
            if required:
                self.error(prefix, "empty: give the organisation's name")
            return None
        return OrganisationSpec(
            name=self.name(prefix),
            kind=self.choice(f"{prefix}_kind", Organisation.Kind),
            country=self.country(f"{prefix}_country", required=False),
            aliases=tuple(name[:200] for name in split_list(self[f"{prefix}_aliases"])),
        )

    def person(self):
        if not self["target_person"]:
            return None
        aliases = tuple(
            (name[:200], kind or PersonAlias.Kind.SPELLING)
            for name, kind in (
                split_tag(item, PersonAlias.Kind)
                for item in split_list(self["target_person_aliases"])
            )
        )
        return PersonSpec(
            name=self.name("target_person"),
            description=self["target_person_description"],
            aliases=aliases,
        )

    def source(self):
        """The claim's SourceSpec; the claims of a source repeat its columns, which are
        read once (the errors they have are given to each row)."""
        spec, errors = parsed_source(tuple(self[column] for column in SOURCE_COLUMNS))
        for column, message in errors.items():
            self.error(column, message)
        return spec

    def parse_source(self):
        url = self["source_url"]
        if url:
            url = normalised_url(url)
            if not url.startswith(("http://", "https://")):
                self.error("source_url", f"{self['source_url']!r} is not a web address")
        return SourceSpec(
            title=self.text("source_title", 300, required=True),
            kind=self.choice("source_kind", Source.Kind),
            url=url,
            author=self.text("source_author", 200),
            published_on=self.date("source_published_on"),
            language=self.choice("source_language", LANGUAGE_CODES, required=False),
            reliability=self.choice(
                "source_reliability", Source.Reliability, default=Source.Reliability.F
            ),
            archive_url=normalised_url(self["source_archive_url"])
            if self["source_archive_url"]
            else "",
            accessed_on=self.date("source_accessed_on"),
            publisher=self.organisation("source_publisher"),
        )


SOURCE_COLUMNS = [name for name in HEADER if name.startswith("source_")]


@lru_cache(maxsize=4096)
def parsed_source(values):
    """(SourceSpec, {column: error}) of a claim row's source columns' `values`."""
    row = Row(None, dict(zip(SOURCE_COLUMNS, values, strict=True)))
    return row.parse_source(), row.errors


@cache
def claim_defaults():
    return {field.attname: field.get_default() for field in Claim._meta.concrete_fields}


def unsaved_claim(fields):
    """Claim(**fields), built with the fields in order: Django's fast path for rows loaded
    from the database, a third of the cost (a claim is made on each claim row)."""
    values = claim_defaults() | fields
    return Claim(*(values[field.attname] for field in Claim._meta.concrete_fields))


@cache
def stand_ins():
    """An unsaved target and place, for checking a claim before its own are known."""
    return Target(), Place()


class OpsdbImport:
    """Reads OpsDB CSV rows into OperationSpecs, one operation's rows at a time."""

    @staticmethod
    def check_header(header):
        unknown = [name for name in header if name not in HEADER]
        if unknown:
            raise ImportFileError(
                "The header has column(s) OpsDB's format does not know: "
                + ", ".join(unknown)
                + " (is this an OpsDB CSV file? see the README for its columns)."
            )
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise ImportFileError(
                "The header lacks the column(s) "
                + ", ".join(missing)
                + " (is this an OpsDB CSV file?)."
            )

    @staticmethod
    def group_key(values):
        """Rows with the same key, one after the other, are one operation."""
        return values.get("operation", "")

    def operation(self, rows):
        """The OperationSpec of one operation's rows, leaving their errors on the rows."""
        first = rows[0]
        occurred_at, precision, zone = first.time("occurred_at", "time_zone", "date_precision")
        fields = {
            "title": first.text("title", 300, required=True),
            "kind": first.choice("kind", OperationKind),
            "occurred_at": occurred_at,
            "date_precision": precision,
            "local_time_zone": zone,
            "location_precision": first.choice(
                "location_precision",
                LocationPrecision,
                required=False,
                default=LocationPrecision.EXACT,
            ),
            "summary": first["summary"],
        }
        if not first["operation"]:
            first.error("operation", "empty: give the operation's key")
        spec = OperationSpec(
            row=first.number,
            fields=fields,
            place=first.place("place"),
            duplicate_key=(fields["title"], fields["kind"], occurred_at),
        )
        targets, claims = {}, {}
        for row in rows:
            for column in OPERATION_COLUMNS:
                # A later row may leave the operation's columns empty, not contradict them.
                if row is not first and row[column] and row[column] != first[column]:
                    row.error(
                        column,
                        f"{row[column]!r} differs from row {first.number}, where this "
                        f"operation begins ({first[column]!r}): an operation's columns are "
                        "the same on each of its rows",
                    )
            kind = row.choice("row", ROW_KINDS)
            if kind == "force":
                organisation = row.organisation("force", required=True)
                role = row.choice(
                    "force_role",
                    OperationForce.Role,
                    required=False,
                    default=OperationForce.Role.LEAD,
                )
                spec.forces.append((row.number, organisation, role))
            elif kind == "target":
                spec.targets.append(self.target(row, targets))
            elif kind == "claim":
                spec.claims.append(self.claim(row, targets, claims))
        return spec

    def target(self, row, targets):
        number = row["target"]
        if not number:
            row.error("target", "empty: give the target's number within the operation")
        elif number in targets:
            row.error("target", f"target {number} is given twice for this operation")
        target = TargetSpec(
            row=row.number,
            number=number,
            person=row.person(),
            organisation=row.organisation("target_organisation"),
            description=row.text("target_description", 200),
            role=row.text("target_role", 200),
            outcome=row.choice("target_outcome", Outcome, required=False, default=Outcome.UNKNOWN),
        )
        if sum(map(bool, (target.person, target.organisation, target.description))) != 1:
            row.error(
                "target_person",
                "a target is exactly one of: a person, an organisation (target_organisation) "
                "or a description (target_description)",
            )
        targets[number] = target
        return target

    def claim(self, row, targets, claims):
        number = row["claim"]
        if not number:
            row.error("claim", "empty: give the claim's number within the operation")
        elif number in claims:
            row.error("claim", f"claim {number} is given twice for this operation")
        point = row.choice("point", Claim.Point)
        fields = {
            "point": point,
            "outcome": row.choice("outcome", Outcome, required=False),
            "category": row.choice("category", Claim.Category, required=False),
            "count_low": row.integer("count_low"),
            "count_high": row.integer("count_high"),
            "count_note": row.text("count_note", 300),
            "occurred_at": None,
            "date_precision": "",
            "local_time_zone": "",
            "location_precision": row.choice(
                "claim_location_precision", LocationPrecision, required=False
            ),
            "kind": row.choice("claim_kind", OperationKind, required=False),
            "attribution": row.text("attribution", 300),
            "quote": row.text("quote", 1000),
            "credibility": row.integer("credibility", low=1, high=6)
            or Claim.Credibility.CANNOT_BE_JUDGED,
        }
        if row["claim_occurred_at"]:
            occurred_at, precision, zone = row.time(
                "claim_occurred_at", "claim_time_zone", "claim_date_precision"
            )
            fields.update(occurred_at=occurred_at, date_precision=precision, local_time_zone=zone)
        target_number = row["claim_target"]
        if target_number and target_number not in targets:
            row.error(
                "claim_target", f"no target {target_number} in an earlier row of this operation"
            )
        earlier = row["supersedes"]
        if earlier:
            if earlier not in claims:
                row.error("supersedes", f"no claim {earlier} in an earlier row of this operation")
            elif claims[earlier] != (point, target_number, fields["category"]):
                row.error(
                    "supersedes",
                    f"claim {earlier} is about another point: a claim supersedes one about the "
                    "same point (the same target's outcome, the same casualty category, …)",
                )
        place = row.place("claim_place")
        claim = ClaimSpec(
            row=row.number,
            number=number,
            source=row.source(),
            fields=fields,
            target=target_number if target_number in targets else "",
            place=place,
            claimed_forces=tuple(split_list(row["claimed_forces"])),
            supersedes=earlier,
        )
        if not row.errors:
            # The model's own rules for which fields each point needs, on a stand-in
            # target and place (the writer gives the real ones to this same record).
            record = unsaved_claim(fields)
            record.target = stand_ins()[0] if claim.target else None
            record.place = stand_ins()[1] if place else None
            if point == Claim.Point.FORCES and not claim.claimed_forces:
                row.error("claimed_forces", "a claim about the forces names at least one")
            try:
                record.clean()
            except ValidationError as error:
                row.errors.update(validation_problems(error, CLAIM_COLUMNS, row.number).errors)
            claim.record = record
        claims[number] = (point, target_number, fields["category"])
        return claim

    @staticmethod
    def find_recorded(specs):
        """{duplicate_key: operation id} of the recorded operations that specs repeat."""
        times = {spec.fields["occurred_at"] for spec in specs}
        recorded = Operation.objects.filter(occurred_at__in=times).values_list(
            "title", "kind", "occurred_at", "pk"
        )
        found = {}
        for title, kind, occurred_at, pk in recorded.order_by("pk"):
            found.setdefault((title, kind, occurred_at), pk)
        return found
