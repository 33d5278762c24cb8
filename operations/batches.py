"""Writing imported operations in batches: the part of an import shared by every format.

A format's reader turns rows into `OperationSpec`s (plain values, checked); `BatchWriter`
writes a batch of them in a few queries whatever its size: one query per kind of record
looks up the places, organisations, persons and sources the batch names (folded names
with `__in`, as the model's search keys store them), the missing ones are created, then
the operations, their forces, targets and claims, each with its history row
(history_type "+", the importing user as history_user, as simple-history's
bulk_history_create writes them). Rows are INSERTed as prepared tuples (`Table`), one
statement per model and batch. What save() would do is done here: search keys (by the
models' refresh_search_keys), an operation's `occurred_on`, a claim's `occurred_until`
(Claim.period_end); readers normalise URLs.

Not written: the history rows of claims' claimed forces (simple-history's m2m history);
a claim's history row shows its fields, not its claimed forces.

Nothing here grows with the file: what a batch resolved is dropped with it, since the
next batch finds the records it created in the database (inside the same transaction).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

from django.db import connection
from django.db.models import IntegerField
from django.utils import timezone
from psycopg2.extras import execute_values

from . import dates, names
from .models import (
    Claim,
    Operation,
    OperationForce,
    Organisation,
    OrganisationAlias,
    Person,
    PersonAlias,
    Place,
    PlaceName,
    Source,
    Status,
    Target,
    km_between,
)

# Rows read and checked before a batch is written: large enough that the queries of a
# batch cost little per row, small enough that a batch's records stay a few megabytes.
BATCH_ROWS = 2000
# A place spelt another way is the recorded one if it lies this close (kilometres).
SAME_PLACE_KM = 10

# Errors and matches kept to show; beyond, only counted (a 100,000-row file with a wrong
# column would otherwise keep 100,000 messages).
KEPT_LINES = 1000


class ImportFileError(ValueError):
    """The file as a whole cannot be read: empty, not CSV, a column missing."""


@dataclass
class RowError:
    row: int
    column: str  # "" when the error concerns the row as a whole
    message: str

    def __str__(self):
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"


class RowProblems(Exception):
    """The errors of one row, collected before any of it is written."""

    def __init__(self, errors, row=None):
        super().__init__(errors)
        self.errors = errors  # {column: message}
        self.row = row


class Kept:
    """A list that keeps its first `limit` items and counts them all: len() is the count."""

    def __init__(self, limit=KEPT_LINES):
        self.limit = limit
        self.items = []
        self.count = 0

    def append(self, item):
        self.count += 1
        if len(self.items) < self.limit:
            self.items.append(item)

    @property
    def left_out(self):
        return self.count - len(self.items)

    def __len__(self):
        return self.count

    def __iter__(self):
        return iter(self.items)

    def __getitem__(self, index):
        return self.items[index]


def within(place, other, km):
    distance = km_between(place, other)
    return distance is not None and distance <= km


@lru_cache(maxsize=65536)
def folded(name):
    """names.fold, remembered: a file names the same places and persons again and again."""
    return names.fold(name)


# --- what a reader gives ------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceSpec:
    name: str
    kind: str
    country: str
    province: str = ""
    district: str = ""
    latitude: object = None
    longitude: object = None
    aliases: tuple = ()  # (name, language)
    key: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "key", (self.country, folded(self.name)))


@dataclass(frozen=True)
class OrganisationSpec:
    name: str
    kind: str
    country: str = ""
    aliases: tuple = ()  # names
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "key", folded(self.name))


@dataclass(frozen=True)
class PersonSpec:
    name: str
    description: str = ""
    aliases: tuple = ()  # (name, kind)
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "key", folded(self.name))


@dataclass(frozen=True)
class SourceSpec:
    title: str
    kind: str
    url: str = ""
    author: str = ""
    published_on: object = None
    language: str = ""
    reliability: str = Source.Reliability.F
    archive_url: str = ""
    accessed_on: object = None
    publisher: OrganisationSpec | None = None

    @property
    def key(self):
        """A source is the same by its URL or, without one, by its title and date."""
        return self.url or (self.title, self.published_on)


@dataclass
class TargetSpec:
    row: int
    number: str  # its key within the operation, for the claims about it
    person: PersonSpec | None
    organisation: OrganisationSpec | None
    description: str
    role: str
    outcome: str


@dataclass
class ClaimSpec:
    row: int
    number: str  # its key within the operation, for the claims that supersede it
    source: SourceSpec
    fields: dict  # Claim fields given as values
    target: str = ""  # a TargetSpec number
    place: PlaceSpec | None = None
    claimed_forces: tuple = ()  # organisation names
    supersedes: str = ""  # a ClaimSpec number
    record: Claim | None = None  # the unsaved claim, checked, that the writer completes


@dataclass
class OperationSpec:
    row: int  # the operation's first row
    fields: dict  # Operation fields given as values
    place: PlaceSpec | None
    duplicate_key: object  # equal keys: the same event (see the format's find_recorded)
    forces: list = field(default_factory=list)  # (row, OrganisationSpec, role)
    targets: list = field(default_factory=list)
    claims: list = field(default_factory=list)


def validation_problems(error, columns, row):
    """A model's ValidationError as RowProblems naming the file's columns."""
    problems = {}
    for name, messages in error.message_dict.items():
        column = columns.get(name, "")
        text = " ".join(messages)
        problems[column] = f"{problems[column]}; {text}" if column in problems else text
    return RowProblems(problems, row)


# --- writing ------------------------------------------------------------------------------


def padded(key):
    """A folded name as the search_key column stores it."""
    return f" {key} "


def preferred(records):
    """Of records with the same name, the reviewed one; among equals the oldest."""
    return min(records, key=lambda record: (record.status != Status.PUBLISHED, record.pk))


def fields_of(record):
    """A record's values by attname: a model instance's own, or a dict given as one
    (building a model instance costs ~50 µs, a dict next to nothing)."""
    return record if isinstance(record, dict) else record.__dict__


class Table:
    """INSERTs records of one model as prepared rows, with their history rows.

    bulk_create and bulk_history_create spend ~0.2 ms a record in Python (compiling each
    value through the field's methods); here each field's conversion is chosen once and
    the rows go to the database in one statement per batch (SQLite's executemany,
    PostgreSQL's execute_values). The history rows are copied by the database from the
    rows just inserted (INSERT … SELECT): the same values, without building or sending
    them again (on SQLite a fifth of the cost of inserting them). Ids are taken before
    the insert so that rows can name each other: from the sequence on PostgreSQL; on
    SQLite a run from the table's highest id, which no other writer can change once this
    transaction has written (SQLite allows one writer at a time), and before that only a
    writer adding rows between the two queries could, making this import fail and write
    nothing. What save() would do is the caller's (search keys, occurred_on,
    occurred_until).
    """

    def __init__(self, model, user):
        self.model = model
        self.fields = model._meta.concrete_fields
        self.table = model._meta.db_table
        self.user_id = user.pk if user is not None else None
        columns = [field.column for field in self.fields]
        self.statement = self.insert_statement(self.table, columns)
        # A record's values in column order, a field it leaves out taking its default.
        self.defaults = {field.attname: field.get_default() for field in self.fields}
        self.values = itemgetter(*(field.attname for field in self.fields))
        self.adapted = self.adapters()
        self.history = getattr(model, "history", None)
        if self.history is not None:
            self.history_statement = self.copy_statement(columns, self.history.model)

    @staticmethod
    def insert_statement(table, columns):
        quote = connection.ops.quote_name
        names = ", ".join(quote(column) for column in columns)
        if connection.vendor == "postgresql":
            return f"INSERT INTO {quote(table)} ({names}) VALUES %s"
        marks = ", ".join(["%s"] * len(columns))
        return f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"

    def copy_statement(self, columns, history_model):
        """INSERT … SELECT of the history rows ("+", by the user, at a time) of the rows
        with the ids given: a run of ids on SQLite (see reserve_ids), a list on PostgreSQL."""
        quote = connection.ops.quote_name
        history_columns = [
            history_model._meta.get_field(name).column
            for name in ("history_date", "history_change_reason", "history_type", "history_user")
        ]
        names = ", ".join(quote(column) for column in columns)
        which = "= ANY(%s)" if connection.vendor == "postgresql" else "BETWEEN %s AND %s"
        return (
            f"INSERT INTO {quote(history_model._meta.db_table)} "
            f"({names}, {', '.join(quote(column) for column in history_columns)}) "
            f"SELECT {names}, %s, NULL, '+', %s FROM {quote(self.table)} WHERE id {which}"
        )

    def reserve_ids(self, count):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [self.table, count],
                )
                return [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(self.table)}")
            highest = cursor.fetchone()[0] or 0
        return range(highest + 1, highest + 1 + count)

    def give_ids(self, records):
        ids = self.reserve_ids(len(records))
        for record, pk in zip(records, ids, strict=True):
            fields_of(record)["id"] = pk
        return ids

    def adapters(self):
        """(position, function) for the fields whose database value is not the Python
        one: datetimes, dates and decimals (auto_now fields are given adapted), and
        choices, whose enum members (Status.DRAFT) bind to SQLite at three times the cost
        of the plain str or int they stand for."""
        ops = connection.ops
        result = []
        for position, model_field in enumerate(self.fields):
            internal = model_field.get_internal_type()
            if auto_now(model_field):
                continue
            if internal == "DateTimeField":
                result.append((position, ops.adapt_datetimefield_value))
            elif internal == "DateField":
                result.append((position, ops.adapt_datefield_value))
            elif internal == "DecimalField":
                result.append(
                    (
                        position,
                        lambda value, f=model_field: ops.adapt_decimalfield_value(
                            value, f.max_digits, f.decimal_places
                        ),
                    )
                )
            elif model_field.choices:
                result.append((position, int if isinstance(model_field, IntegerField) else str))
        return result

    def write(self, records, ids):
        """Insert `records`, which have the `ids` of give_ids, and their history rows."""
        if not records:
            return records
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        stamps = {field.attname: now for field in self.fields if auto_now(field)}
        defaults, values, adapted = self.defaults, self.values, self.adapted
        rows = []
        for record in records:
            row = values({**defaults, **fields_of(record), **stamps})
            if adapted:
                row = list(row)
                for position, adapt in adapted:
                    value = row[position]
                    if value is not None:
                        row[position] = adapt(value)
            rows.append(row)
        self.execute(self.statement, rows)
        if self.history is not None:
            which = [list(ids)] if connection.vendor == "postgresql" else [ids[0], ids[-1]]
            with connection.cursor() as cursor:
                cursor.execute(self.history_statement, [now, self.user_id, *which])
        return records

    @staticmethod
    def execute(statement, rows):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                execute_values(cursor.cursor, statement, rows, page_size=1000)
            else:
                cursor.executemany(statement, rows)


def auto_now(model_field):
    return getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False)


class BatchWriter:
    """Writes batches of OperationSpecs for one import, with `user` in the history."""

    def __init__(self, *, user=None):
        self.user = user
        self.tables = {}
        self.new_records = defaultdict(int)  # verbose name plural -> count

    def table(self, model):
        if model not in self.tables:
            self.tables[model] = Table(model, self.user)
        return self.tables[model]

    def create(self, model, records):
        """Insert records and their history rows; the records get their ids."""
        if not records:
            return records
        table = self.table(model)
        return table.write(records, table.give_ids(records))

    def count_new(self, model, records):
        if records:
            self.new_records[str(model._meta.verbose_name_plural)] += len(records)

    # --- reference records, found by name or created ---------------------------------------

    def named(self, model, alias_model, specs, same):
        """The records of `model` whose name or an alias folds to a spec's name, by key."""
        keys = {padded(folded(spec.name)) for spec in specs}
        by_name = defaultdict(list)
        for record in model.objects.filter(search_key__in=keys):
            by_name[record.search_key].append(record)
        related = alias_model._meta.get_field(model._meta.model_name).name
        for alias in alias_model.objects.filter(search_key__in=keys).select_related(related):
            by_name[alias.search_key].append(getattr(alias, related))
        found = {}
        for spec in specs:
            candidates = [
                record
                for record in by_name.get(padded(folded(spec.name)), [])
                if same(spec, record)
            ]
            if candidates:
                found[spec.key] = preferred(candidates)
        return found

    def places(self, specs):
        specs = unique(specs)
        found = self.named(
            Place, PlaceName, specs, lambda spec, record: spec.country == record.country
        )
        found.update(self.nearby_spellings([spec for spec in specs if spec.key not in found]))
        missing = [spec for spec in specs if spec.key not in found]
        created = self.create(
            Place,
            [
                with_keys(
                    Place(
                        name=spec.name,
                        kind=spec.kind,
                        country=spec.country,
                        province=spec.province,
                        district=spec.district,
                        latitude=spec.latitude,
                        longitude=spec.longitude,
                        status=Status.DRAFT,
                    )
                )
                for spec in missing
            ],
        )
        self.count_new(Place, created)
        found.update((spec.key, record) for spec, record in zip(missing, created, strict=True))
        self.create(
            PlaceName,
            [
                with_keys(PlaceName(place=record, name=name, language=language))
                for spec, record in zip(missing, created, strict=True)
                for name, language in spec.aliases
            ],
        )
        return found

    def nearby_spellings(self, specs):
        """Recorded places that a located spec spells another way: the same consonant
        skeleton ("Jindayris" and the alias Jandairis of Jindires) in the same country,
        within SAME_PLACE_KM. Skeletons are loose ("Raqqa" is "rk"), so the distance decides."""
        located = [spec for spec in specs if None not in (spec.latitude, spec.longitude)]
        keys = {padded(names.skeleton(spec.name)) for spec in located}
        if not keys:
            return {}
        by_skeleton = defaultdict(list)
        for place in Place.objects.filter(skeleton_key__in=keys):
            by_skeleton[place.skeleton_key].append(place)
        for alias in PlaceName.objects.filter(skeleton_key__in=keys).select_related("place"):
            by_skeleton[alias.skeleton_key].append(alias.place)
        found = {}
        for spec in located:
            close = [
                place
                for place in by_skeleton.get(padded(names.skeleton(spec.name)), [])
                if place.country == spec.country and within(spec, place, SAME_PLACE_KM)
            ]
            if close:
                found[spec.key] = preferred(close)
        return found

    def organisations(self, specs):
        specs = unique(specs)
        found = self.named(Organisation, OrganisationAlias, specs, lambda spec, record: True)
        missing = [spec for spec in specs if spec.key not in found]
        created = self.create(
            Organisation,
            [
                with_keys(
                    Organisation(
                        name=spec.name, kind=spec.kind, country=spec.country, status=Status.DRAFT
                    )
                )
                for spec in missing
            ],
        )
        self.count_new(Organisation, created)
        found.update((spec.key, record) for spec, record in zip(missing, created, strict=True))
        self.create(
            OrganisationAlias,
            [
                with_keys(OrganisationAlias(organisation=record, name=name))
                for spec, record in zip(missing, created, strict=True)
                for name in spec.aliases
            ],
        )
        return found

    def persons(self, specs):
        specs = unique(specs)
        found = self.named(Person, PersonAlias, specs, lambda spec, record: True)
        missing = [spec for spec in specs if spec.key not in found]
        created = self.create(
            Person,
            [
                with_keys(
                    Person(name=spec.name, description=spec.description, status=Status.DRAFT)
                )
                for spec in missing
            ],
        )
        self.count_new(Person, created)
        found.update((spec.key, record) for spec, record in zip(missing, created, strict=True))
        self.create(
            PersonAlias,
            [
                with_keys(PersonAlias(person=record, name=name, kind=kind))
                for spec, record in zip(missing, created, strict=True)
                for name, kind in spec.aliases
            ],
        )
        return found

    def sources(self, specs, organisations):
        """{key: source id}: a UCDP file names a new source on every row, so the new ones
        are written from dicts (see fields_of)."""
        specs = unique(specs)
        found = {}
        urls = [spec.url for spec in specs if spec.url]
        for pk, url in Source.objects.at_urls(urls).values_list("pk", "url"):
            found[url] = pk
        titles = [spec.title for spec in specs if not spec.url]
        without_url = Source.objects.without_url_titled(titles).order_by("-pk")
        for pk, title, published_on in without_url.values_list("pk", "title", "published_on"):
            found[(title, published_on)] = pk
        missing = [spec for spec in specs if spec.key not in found]
        created = self.create(
            Source,
            [
                {
                    "kind": spec.kind,
                    "title": spec.title,
                    "url": spec.url,
                    "publisher_id": organisations[spec.publisher.key].pk
                    if spec.publisher
                    else None,
                    "author": spec.author,
                    "published_on": spec.published_on,
                    "language": spec.language,
                    "reliability": spec.reliability,
                    "archive_url": spec.archive_url,
                    "accessed_on": spec.accessed_on,
                    "status": Status.DRAFT,
                }
                for spec in missing
            ],
        )
        self.count_new(Source, created)
        found.update(
            (spec.key, record["id"]) for spec, record in zip(missing, created, strict=True)
        )
        return found

    def claimed_forces(self, operations, organisations):
        """Organisations named only in claimed_forces cells: found by name, never created."""
        wanted = {
            folded(name)
            for operation in operations
            for claim in operation.claims
            for name in claim.claimed_forces
        } - set(organisations)
        if not wanted:
            return {}
        found = self.named(
            Organisation,
            OrganisationAlias,
            [OrganisationSpec(name=key, kind="") for key in wanted],
            lambda spec, record: True,
        )
        return found

    # --- the operations --------------------------------------------------------------------

    def write(self, operations):
        """Write the batch; RowProblems for the first claimed force that names no record."""
        places = self.places(
            [spec.place for spec in operations if spec.place]
            + [claim.place for spec in operations for claim in spec.claims if claim.place]
        )
        organisations = self.organisations(
            [force for spec in operations for _, force, _ in spec.forces]
            + [t.organisation for spec in operations for t in spec.targets if t.organisation]
            + [
                claim.source.publisher
                for spec in operations
                for claim in spec.claims
                if claim.source.publisher
            ]
        )
        organisations.update(self.claimed_forces(operations, organisations))
        for spec in operations:
            for claim in spec.claims:
                for name in claim.claimed_forces:
                    if folded(name) not in organisations:
                        raise RowProblems(
                            {
                                "claimed_forces": f"no organisation is named {name!r}: name it "
                                "as a force, a target or a publisher, or record it first"
                            },
                            claim.row,
                        )
        persons = self.persons([t.person for spec in operations for t in spec.targets if t.person])
        sources = self.sources(
            [claim.source for spec in operations for claim in spec.claims], organisations
        )

        # Rows whose number grows with the file are dicts of field values (see fields_of);
        # what save() would add is added here: an operation's local date, a claim's end.
        records = []
        for spec in operations:
            fields = spec.fields
            local = fields["occurred_at"].astimezone(dates.zone(fields["local_time_zone"]))
            records.append(
                {
                    **fields,
                    "occurred_on": local.date(),
                    "place_id": places[spec.place.key].pk if spec.place else None,
                    "status": Status.DRAFT,
                }
            )
        self.create(Operation, records)
        self.count_new(Operation, records)

        forces, targets = [], {}
        for spec, operation in zip(operations, records, strict=True):
            operation_id = operation["id"]
            forces += [
                {
                    "operation_id": operation_id,
                    "organisation_id": organisations[force.key].pk,
                    "role": role,
                }
                for _, force, role in spec.forces
            ]
            for target in spec.targets:
                targets[(operation_id, target.number)] = {
                    "operation_id": operation_id,
                    "person_id": persons[target.person.key].pk if target.person else None,
                    "organisation_id": organisations[target.organisation.key].pk
                    if target.organisation
                    else None,
                    "description": target.description,
                    "role": target.role,
                    "outcome": target.outcome,
                }
        self.create(OperationForce, forces)
        self.create(Target, list(targets.values()))

        claims = {}
        for spec, operation in zip(operations, records, strict=True):
            operation_id = operation["id"]
            for claim_spec in spec.claims:
                if claim_spec.record is not None:
                    claim = claim_spec.record.__dict__
                    claim["occurred_until"] = claim_spec.record.period_end()
                else:
                    claim = dict(claim_spec.fields)
                claim["operation_id"] = operation_id
                claim["source_id"] = sources[claim_spec.source.key]
                claim["target_id"] = (
                    targets[(operation_id, claim_spec.target)]["id"] if claim_spec.target else None
                )
                claim["place_id"] = places[claim_spec.place.key].pk if claim_spec.place else None
                claims[(operation_id, claim_spec.number)] = claim
        claim_ids = self.table(Claim).give_ids(list(claims.values()))
        claimed = []
        for spec, operation in zip(operations, records, strict=True):
            operation_id = operation["id"]
            for claim_spec in spec.claims:
                claim = claims[(operation_id, claim_spec.number)]
                if claim_spec.supersedes:
                    claim["supersedes_id"] = claims[(operation_id, claim_spec.supersedes)]["id"]
                claimed += [
                    {"claim_id": claim["id"], "organisation_id": organisations[folded(name)].pk}
                    for name in claim_spec.claimed_forces
                ]
        self.table(Claim).write(list(claims.values()), claim_ids)
        self.create(Claim.claimed_forces.through, claimed)
        return records


def unique(specs):
    """One spec per key, the first given: a batch names the same place on many rows."""
    first = {}
    for spec in specs:
        first.setdefault(spec.key, spec)
    return list(first.values())


def with_keys(record):
    record.refresh_search_keys()
    return record
