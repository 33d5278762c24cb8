"""Bulk import of operations from CSV files, all or nothing.

Written once for every door: the `import_operations` command and the admin import
page. `import_operations(file, format=...)` reads a text stream in batches of whole
operations (a format turns rows into OperationSpecs, batches.BatchWriter writes them),
all in one transaction, and rolls it all back when any row has an error or when it is a
dry run; the result lists what was (or would be) created, the rows that match
operations already recorded, and every error with its row and column. Rows are
numbered from 1, the first row after the header. Formats: OpsDB's own CSV
(interchange.py) and the UCDP GED CSV layout (below).
"""

import csv
import datetime as dt
import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import pycountry
import pytz
from django.db import DatabaseError, connection, transaction

from . import dates
from .batches import (
    BATCH_ROWS,
    BatchWriter,
    ClaimSpec,
    ImportFileError,
    Kept,
    OperationSpec,
    OrganisationSpec,
    PlaceSpec,
    RowError,
    RowProblems,
    SourceSpec,
    TargetSpec,
    folded,
)
from .caching import data_changed
from .dates import DatePrecision
from .interchange import OpsdbImport, Row
from .models import (
    Claim,
    LocationPrecision,
    Operation,
    OperationForce,
    OperationKind,
    Organisation,
    Outcome,
    Place,
    Source,
    Target,
)
from .synthetic import DeferredIndexes, large_sqlite_cache

# SQLite's page cache while an import writes: the pages its inserts touch fit, and memory
# stays bounded (the generator's 512 MB would let the cache grow with the file up to that
# size; 64 MB took 60 MB more at 100,000 GED rows than 16 MB, for the same time).
IMPORT_CACHE_MEGABYTES = 16

# The tables whose rows grow with an import's file, and their histories: on SQLite their
# secondary indexes are built once at the end of a large import (see BatchImport), all
# but those of the fields that finding duplicates reads with.
GROWING_MODELS = (Operation, OperationForce, Target, Claim, Claim.claimed_forces.through, Source)
GROWING_TABLES = GROWING_MODELS + tuple(
    model.history.model for model in GROWING_MODELS if hasattr(model, "history")
)
LOOKED_UP_FIELDS = (
    Operation._meta.get_field("occurred_at"),
    Claim._meta.get_field("source"),
    Source._meta.get_field("title"),  # of the sources without a URL
)


@contextmanager
def paused_garbage_collector():
    """Python's cycle collector paused while an import runs (restored after): a batch
    makes tens of thousands of containers, which reference counting frees, and the
    collections that they set off cost a tenth of an import's time to find nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class ImportResult:
    """What an import did or, for a dry run or a failed import, would have done.

    `created`, `matched` and `errors` count every row (len()) and keep the first
    KEPT_LINES of each to show.
    """

    dry_run: bool = False
    created: Kept = field(default_factory=Kept)  # first row numbers of created operations
    # (row, operation id) for an operation already recorded, (row, None, earlier row)
    # for a row that repeats an event earlier in the file.
    matched: Kept = field(default_factory=Kept)
    errors: Kept = field(default_factory=Kept)  # RowError, in row order
    new_records: dict = field(default_factory=dict)  # model name -> count created

    @property
    def written(self):
        return not self.dry_run and not self.errors

    @property
    def bad_rows(self):
        """(rows with errors among those kept, whether more went uncounted beyond them)."""
        return len({error.row for error in self.errors}), bool(self.errors.left_out)

    def error_lines(self):
        """One line per bad row, its column errors joined."""
        lines = {}
        for error in self.errors:
            lines.setdefault(error.row, []).append(error)
        out = []
        for row, errors in lines.items():
            parts = [
                f"column {error.column}: {error.message}" if error.column else error.message
                for error in errors
            ]
            out.append(f"row {row}: " + "; ".join(parts))
        if self.errors.left_out:
            out.append(f"… and {self.errors.left_out} more error(s)")
        return out

    def match_lines(self):
        lines = [
            f"row {row} matches operation #{pk}" if pk else f"row {row} repeats row {earlier[0]}"
            for row, pk, *earlier in self.matched
        ]
        if self.matched.left_out:
            lines.append(f"… and {self.matched.left_out} more matching row(s)")
        return lines


def import_operations(
    file, *, format, user=None, dry_run=False, allow_duplicates=False, progress=None
):
    """Import the CSV text stream `file` in `format` (a key of FORMATS).

    Raises ImportFileError when the file cannot be read at all; row errors are
    returned in the result, and then nothing is written. `progress`, if given, is
    called with the number of rows read after each batch.
    """
    result = ImportResult(dry_run=dry_run)
    importer = BatchImport(
        FORMATS[format], user=user, allow_duplicates=allow_duplicates, progress=progress
    )
    with (
        paused_garbage_collector(),
        large_sqlite_cache(megabytes=IMPORT_CACHE_MEGABYTES),
        transaction.atomic(),
    ):
        # Rows go in by the batch, past the signals: readers' caches are told here.
        data_changed()
        try:
            importer.run(file, result)
        except (UnicodeDecodeError, csv.Error) as error:
            transaction.set_rollback(True)
            raise ImportFileError(f"This is not a readable UTF-8 CSV file ({error}).") from None
        except ImportFileError:
            transaction.set_rollback(True)
            raise
        if result.errors or dry_run:
            transaction.set_rollback(True)
        else:
            importer.indexes.restore()
    result.new_records = dict(importer.new_records)
    return result


class BatchImport:
    """Reads a file in batches of whole operations and writes each batch in a few queries.

    `format` reads the rows (see interchange.OpsdbImport): it checks the header, says
    which rows make one operation (group_key), turns them into an OperationSpec and finds
    the recorded operations that specs repeat.
    """

    def __init__(self, format, *, user=None, allow_duplicates=False, progress=None):
        self.format = format()
        self.progress = progress
        self.allow_duplicates = allow_duplicates
        self.writer = BatchWriter(user=user)
        self.indexes = DeferredIndexes(GROWING_TABLES, kept=LOOKED_UP_FIELDS)
        self.recorded_before = None

    @property
    def new_records(self):
        return self.writer.new_records

    def run(self, file, result):
        reader = csv.reader(file)
        header = next(reader, None)
        if not header:
            raise ImportFileError("The file is empty: give a header row and at least one row.")
        header = [name.strip() for name in header]
        self.format.check_header(header)
        width = len(header)
        batch, batch_rows, operation, key, rows = [], 0, [], None, 0
        for number, values in enumerate(reader, start=1):
            if not values:
                continue
            rows = number
            if len(values) != width:
                more = "more" if len(values) > width else "fewer"
                result.errors.append(
                    RowError(number, "", f"{more} values than the header has columns")
                )
                continue
            row = Row(number, dict(zip(header, map(str.strip, values), strict=True)))
            row_key = self.format.group_key(row.values)
            if operation and (row_key is None or row_key != key):
                batch.append(operation)
                batch_rows += len(operation)
                operation = []
                if batch_rows >= BATCH_ROWS:
                    self.import_batch(batch, result)
                    batch, batch_rows = [], 0
                    self.defer_indexes(result)
                    if self.progress:
                        self.progress(number)
            operation.append(row)
            key = row_key
        if operation:
            batch.append(operation)
        self.import_batch(batch, result)
        if not rows:
            raise ImportFileError("The file has a header but no rows.")

    def defer_indexes(self, result):
        """On SQLite, drop the growing tables' secondary indexes once this import has
        created more operations than were recorded before it: at 100,000 GED rows into
        an empty database, inserting without them and building them at the end took
        16.7 s instead of 22.2. Waiting until then keeps the rebuild of the operations'
        indexes within twice the rows this import wrote (other tables, histories above
        all, may hold more rows an operation)."""
        if self.indexes.deferred or result.errors or connection.vendor != "sqlite":
            return
        if self.recorded_before is None:
            # Called after a batch: SQLite has one writer, so the rest were there before.
            self.recorded_before = Operation.objects.count() - len(result.created)
        if len(result.created) > self.recorded_before:
            self.indexes.drop()

    def import_batch(self, batch, result):
        specs = []
        for rows in batch:
            spec = self.format.operation(rows)
            bad = [row for row in rows if row.errors]
            for row in bad:
                for column, message in row.errors.items():
                    result.errors.append(RowError(row.number, column, message))
            if not bad:
                specs.append(spec)
        if result.errors or not specs:
            # Nothing will be written: the rest of the file is only checked.
            return
        if not self.allow_duplicates:
            specs = self.new_events(specs, result)
        try:
            with transaction.atomic():
                self.writer.write(specs)
        except RowProblems as problems:
            for column, message in problems.errors.items():
                result.errors.append(RowError(problems.row, column, message))
            return
        except DatabaseError as error:
            result.errors.append(
                RowError(
                    specs[0].row,
                    "",
                    f"the database refused the operations of rows {specs[0].row} to "
                    f"{specs[-1].row} ({error})",
                )
            )
            return
        for spec in specs:
            result.created.append(spec.row)

    def new_events(self, specs, result):
        """The specs that repeat no recorded operation nor one earlier in the batch."""
        recorded = self.format.find_recorded(specs)
        first_rows = {}
        new = []
        for spec in specs:
            key = spec.duplicate_key
            if key in recorded:
                result.matched.append((spec.row, recorded[key]))
            elif key in first_rows:
                result.matched.append((spec.row, None, first_rows[key]))
            else:
                first_rows[key] = spec.row
                new.append(spec)
        return new


# --- UCDP GED -----------------------------------------------------------------

UCDP_EVENT_URL = "https://ucdp.uu.se/event/{}"

UCDP_REQUIRED = (
    "id",
    "date_start",
    "date_end",
    "date_prec",
    "where_prec",
    "where_coordinates",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "country",
    "side_a",
    "side_b",
    "best",
    "low",
    "high",
    "deaths_civilians",
    "source_article",
    "source_office",
    "source_date",
)

WHERE_PRECISION = {
    "1": (LocationPrecision.EXACT, Place.Kind.SETTLEMENT),
    "2": (LocationPrecision.NEAR, Place.Kind.SETTLEMENT),
    "3": (LocationPrecision.DISTRICT, Place.Kind.DISTRICT),
    "4": (LocationPrecision.PROVINCE, Place.Kind.PROVINCE),
    "5": (LocationPrecision.REGION, Place.Kind.REGION),
    "6": (LocationPrecision.COUNTRY, Place.Kind.COUNTRY),
}


@lru_cache(maxsize=512)
def country_time_zone(code):
    """The IANA zone of a country (its first listed, for countries with several), or UTC."""
    zones = pytz.country_timezones.get(code) if code else None
    return zones[0] if zones else "UTC"


# GED spellings that pycountry does not know by name.
COUNTRY_SPELLINGS = {"turkey": "TR", "russia": "RU", "iran": "IR", "dr congo": "CD"}

# GED writes "Mosul town", "Raqqa governorate": the place is Mosul, Raqqa.
PLACE_SUFFIX = re.compile(
    r"\s+(town|city|village|governorate|province|district|area)$", re.IGNORECASE
)


@lru_cache(maxsize=4096)
def without_suffix(name):
    return PLACE_SUFFIX.sub("", name)


@lru_cache(maxsize=8192)
def period_start(day, zone, precision):
    """The UTC start of the local day, month or year of `precision` that holds `day`
    (remembered: a file has many events a day)."""
    return dates.from_local(day.year, day.month, day.day, zone=zone, precision=precision)


@lru_cache(maxsize=512)
def country_code(name):
    """The ISO alpha-2 code of a GED country name ("Syria", "Yemen (North Yemen)"), or None."""
    name = name.strip()
    for candidate in (name, re.sub(r"\s*\(.*\)$", "", name)):
        if candidate.lower() in COUNTRY_SPELLINGS:
            return COUNTRY_SPELLINGS[candidate.lower()]
        try:
            return pycountry.countries.lookup(candidate).alpha_2
        except LookupError:
            continue
    return None


@lru_cache(maxsize=8192)
def parse_day(text):
    """An ISO date, with or without the time GED sometimes appends (2017-06-10 00:00:00.000)."""
    return dt.date.fromisoformat(text.strip()[:10]) if len(text.strip()) >= 10 else None


@lru_cache(maxsize=8192)
def coordinate(text, limit):
    """(the degrees to 5 places or None, an error or None) of a latitude or longitude
    within ±`limit` (remembered: a file locates many events at the same place)."""
    if not text:
        return None, None
    try:
        number = Decimal(text)
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        return None, f"{text!r} is not a number"
    if not -limit <= number <= limit:
        return None, f"{text} is outside -{limit} to {limit}"
    return number.quantize(Decimal("0.00001")), None


def period_precision(start, end, date_prec):
    """The finest of day, month, year whose period holds both dates; never finer than GED says."""
    if date_prec == 1:
        return DatePrecision.DAY
    if date_prec != 5 and start == end:
        return DatePrecision.DAY
    if date_prec != 5 and (start.year, start.month) == (end.year, end.month):
        return DatePrecision.MONTH
    if start.year == end.year:
        return DatePrecision.YEAR
    return None


# A GED file names the same sides, publishers and places on many rows: their specs (and
# the folded keys they compute) are made once.
organisation_spec = lru_cache(maxsize=4096)(OrganisationSpec)
place_spec = lru_cache(maxsize=4096)(PlaceSpec)


class UcdpGedImport:
    """Reads a UCDP Georeferenced Event Dataset CSV file: one operation a row.

    An event is the same as one recorded when a claim of the operation has the event's
    UCDP page as its source (its id in the URL).
    """

    @staticmethod
    def check_header(header):
        missing = [name for name in UCDP_REQUIRED if name not in header]
        if missing:
            raise ImportFileError(
                "The header lacks the UCDP GED column(s) "
                + ", ".join(missing)
                + " (is this a UCDP GED CSV file?)."
            )

    @staticmethod
    def group_key(values):
        """Every row is an operation of its own."""
        return None

    def operation(self, rows):
        """The OperationSpec of a row, or None with the row's errors left on it."""
        (row,) = rows
        try:
            values = self.parse(row.values)
        except RowProblems as problems:
            row.errors.update(problems.errors)
            return None
        return self.spec(row.number, values)

    @staticmethod
    def find_recorded(specs):
        """{source URL: operation id} of the events already recorded."""
        urls = [spec.duplicate_key for spec in specs]
        # The sources first: a new file's events have none, and their claims are not looked for.
        sources = dict(Source.objects.at_urls(urls).values_list("pk", "url"))
        found = {}
        if not sources:
            return found
        recorded = Claim.objects.filter(source__in=sources).order_by("operation_id")
        for source_id, operation_id in recorded.values_list("source_id", "operation_id"):
            found.setdefault(sources[source_id], operation_id)
        return found

    def parse(self, row):
        """The row's values, checked; RowProblems lists every column in error."""
        errors = {}
        text = row  # stripped by BatchImport.run

        def integer(column, *, required=True):
            value = text[column]
            if value.isascii() and value.isdigit():
                return int(value)
            if not value and not required:
                return None
            try:
                number = int(Decimal(value))
                if number != Decimal(value):
                    raise InvalidOperation
            except (InvalidOperation, ValueError, OverflowError):
                errors[column] = f"{value!r} is not a whole number" if value else "empty"
                return None
            if number < 0:
                errors[column] = f"{number} is below 0"
                return None
            return number

        def day(column):
            try:
                value = parse_day(text[column])
            except ValueError:
                value = None
            if value is None:
                errors[column] = f"{text[column]!r} is not an ISO date (YYYY-MM-DD)"
            return value

        event_id = integer("id")
        start, end = day("date_start"), day("date_end")
        date_prec = integer("date_prec")
        if date_prec is not None and not 1 <= date_prec <= 5:
            errors["date_prec"] = f"{date_prec} is not a GED date precision (1 to 5)"
        precision = None
        if start and end and date_prec is not None and "date_prec" not in errors:
            if end < start:
                errors["date_end"] = f"{end} is before date_start ({start})"
            else:
                precision = period_precision(start, end, date_prec)
                if precision is None:
                    errors["date_end"] = (
                        f"{start} to {end} crosses a year: OpsDB has no precision that holds it"
                    )

        where_prec = text["where_prec"]
        if where_prec == "7":
            errors["where_prec"] = (
                "7 is international waters or airspace, which is not a place OpsDB records"
            )
        elif where_prec not in WHERE_PRECISION:
            errors["where_prec"] = f"{where_prec!r} is not a GED location precision (1 to 7)"

        country = country_code(text["country"])
        if country is None:
            errors["country"] = f"unknown country {text['country']!r}"

        coordinates = {}
        for column, limit in (("latitude", 90), ("longitude", 180)):
            value = text[column]
            number, error = coordinate(value, limit)
            if error:
                errors[column] = error
            else:
                coordinates[column] = number
        if len(coordinates) == 2 and (coordinates["latitude"] is None) != (
            coordinates["longitude"] is None
        ):
            errors["latitude" if coordinates["latitude"] is None else "longitude"] = (
                "give both latitude and longitude, or neither"
            )

        best, low, high = integer("best"), integer("low"), integer("high")
        if None not in (best, low, high):
            if low > high:
                errors["low"] = f"low ({low}) is above high ({high})"
            elif not low <= best <= high:
                errors["best"] = f"best ({best}) is outside low–high ({low}–{high})"
        civilians = integer("deaths_civilians", required=False)

        for column in ("side_a", "side_b"):
            if not folded(text[column]):
                errors[column] = "give the name of the side"

        published = None
        if text["source_date"]:
            first = text["source_date"].split(";")[0]
            try:
                published = parse_day(first)
            except ValueError:
                published = None
            if published is None:
                errors["source_date"] = f"{first!r} is not an ISO date (YYYY-MM-DD)"

        if errors:
            raise RowProblems(errors)

        place_name = without_suffix(text["where_coordinates"])
        if not folded(place_name):
            # An unnamed location: the most precise administrative name given.
            place_name = text["adm_2"] or text["adm_1"] or text["country"]
        title = text["source_article"] or text.get("source_headline") or ""
        return {
            "event_id": event_id,
            # UCDP_EVENT_URL is in normalised form, whatever the id (a test checks).
            "url": UCDP_EVENT_URL.format(event_id),
            "start": start,
            "precision": precision,
            "zone": country_time_zone(country),
            "location_precision": WHERE_PRECISION[where_prec][0],
            "place_kind": WHERE_PRECISION[where_prec][1],
            "place_name": place_name,
            "province": text["adm_1"],
            "district": without_suffix(text["adm_2"]),
            "country": country,
            **coordinates,
            "side_a": text["side_a"],
            "side_b": text["side_b"],
            "best": best,
            "low": low,
            "high": high,
            "civilians": civilians,
            "source_title": (title or f"UCDP GED event {event_id}")[:300],
            "publisher": text["source_office"].split(";")[0].strip(),
            "published_on": published,
        }

    def spec(self, number, values):
        start = values["start"]
        where = "near" if values["location_precision"] == LocationPrecision.NEAR else "in"
        event = values["event_id"]
        publisher = None
        if folded(values["publisher"]):
            publisher = organisation_spec(values["publisher"][:200], Organisation.Kind.MEDIA)
        source = SourceSpec(
            title=values["source_title"],
            kind=Source.Kind.REPORT,
            url=values["url"],
            published_on=values["published_on"],
            publisher=publisher,
        )
        spec = OperationSpec(
            row=number,
            fields={
                "title": f"Operation {where} {values['place_name']} (UCDP GED {event})"[:300],
                "kind": OperationKind.OTHER,
                "occurred_at": period_start(start, values["zone"], values["precision"]),
                "date_precision": values["precision"],
                "local_time_zone": values["zone"],
                "location_precision": values["location_precision"],
                "summary": f"Imported from the UCDP Georeferenced Event Dataset, event {event}.",
            },
            place=place_spec(
                values["place_name"][:200],
                values["place_kind"],
                values["country"],
                values["province"][:100],
                values["district"][:100],
                values["latitude"],
                values["longitude"],
            ),
            duplicate_key=values["url"],
        )
        spec.forces.append(
            (
                number,
                organisation_spec(values["side_a"][:200], Organisation.Kind.STATE_FORCE),
                "lead",
            )
        )
        spec.targets.append(
            TargetSpec(
                row=number,
                number="1",
                person=None,
                organisation=organisation_spec(
                    values["side_b"][:200], Organisation.Kind.ARMED_GROUP
                ),
                description="",
                role="",
                outcome=Outcome.UNKNOWN,
            )
        )
        counts = [
            (
                Claim.Category.PEOPLE_KILLED,
                values["low"],
                values["high"],
                f"best estimate {values['best']}",
            )
        ]
        civilians = values["civilians"]
        if civilians is not None and (civilians > 0 or values["best"] > 0):
            counts.append((Claim.Category.CIVILIANS_KILLED, civilians, civilians, ""))
        for position, (category, low, high, note) in enumerate(counts, start=1):
            spec.claims.append(
                ClaimSpec(
                    row=number,
                    number=str(position),
                    source=source,
                    fields={
                        "point": Claim.Point.CASUALTIES,
                        "category": category,
                        "count_low": low,
                        "count_high": high,
                        "count_note": note,
                        "attribution": "UCDP Georeferenced Event Dataset",
                    },
                )
            )
        return spec


# The formats import_operations reads, by the name the command and the admin give.
FORMATS = {"opsdb": OpsdbImport, "ucdp-ged": UcdpGedImport}
