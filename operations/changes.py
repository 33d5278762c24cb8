"""What a copy of the published data must fetch again or drop, since a moment.

A record's representation in the API is not only its own row: an operation
shows its place's name, its targets' names, its claims with their sources,
the operations it is linked to; an organisation shows how many published
operations it conducted. So a record "changed" in a window of time when its
own row or any row its representation reads was written in that window.

Every write leaves a row in a history table (simple-history: '+', '~' and
'-' rows with their `history_date`), whether it went through save(), a
delete, a many-to-many change or the import's executemany (batches.Table
writes history rows too). The one write that leaves none, `mark_changed`'s
QuerySet.update() of an operation's `updated_at`, is found by that column.
For each resource, `changed_ids` follows every foreign key its representation
reads, with every value the key ever had in the changed rows' history (a
target moved from one person to another changes both persons' pages).
Listing a record that did not change is harmless (the copy fetches it
again); missing one would leave the copy wrong, so the rules err on the wide
side.

Windows end at a settled moment, `horizon()`: transactions commit in another
order than the one of their timestamps, and a change stamped before the end
of a window but committed after it was read would never be handed out.
"""

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import (
    Claim,
    Operation,
    OperationForce,
    OperationLink,
    Organisation,
    OrganisationAlias,
    Person,
    PersonAlias,
    Place,
    PlaceName,
    PossibleIdentity,
    Role,
    Source,
    Target,
)

# The resources of the API, in the order a window hands them out.
RESOURCES = ["places", "persons", "organisations", "sources", "operations", "claims"]


def history(model):
    """The rows of `model`'s history table (its plain manager: the `history` descriptor
    costs five times as much to build a query from, and a page builds dozens)."""
    return model.history.model._default_manager


def settle_time():
    """How far behind the present a window ends (settings.CHANGES_SETTLE_SECONDS)."""
    return dt.timedelta(seconds=settings.CHANGES_SETTLE_SECONDS)


def horizon():
    """The latest moment up to which every change is committed and so can be handed out.

    Timestamps are taken when a record is saved, before its transaction commits.
    On PostgreSQL the window ends before the oldest transaction still open on
    this database (it may yet commit rows stamped after its start). SQLite lets
    one writer at a time: taking the write lock for an instant waits until the
    writer in progress has committed. A statement outside a transaction stamps
    its rows and then waits for the lock, for at most SQLite's timeout (5 s), so
    the settle time must exceed that timeout; it also absorbs the gap between
    a timestamp and the start of its transaction, and clock drift between
    application servers.
    """
    now = timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Statistics are read once per transaction unless told to read them afresh.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT min(xact_start) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend' AND xact_start IS NOT NULL"
            )
            (oldest,) = cursor.fetchone()
        if oldest is not None:
            now = min(now, oldest)
    elif connection.vendor == "sqlite" and not connection.in_atomic_block:
        with transaction.atomic():  # BEGIN IMMEDIATE (settings): the write lock
            now = timezone.now()
    return now - settle_time()


class Window:
    """The changes stamped after `since` (None: since the beginning) up to `until`."""

    def __init__(self, since, until):
        self.since, self.until = since, until

    def stamped(self, field):
        condition = Q(**{f"{field}__lte": self.until})
        if self.since is not None:
            condition &= Q(**{f"{field}__gt": self.since})
        return condition

    def written(self, model):
        """The ids of `model`'s rows written (created, changed or deleted) in the window."""
        return history(model).filter(self.stamped("history_date")).order_by().values("id")

    def ever(self, model, field):
        """Every value `field` ever had in the rows of `model` written in the window
        (a target moved from one person to another changes both persons)."""
        return history(model).filter(id__in=self.written(model)).order_by().values(field)

    def versions(self, model, field):
        """`ever` as a part of `parts`."""
        return history(model).filter(id__in=self.written(model)), field

    def parts(self, resource):
        """(queryset, id field) pairs whose union is the ids of `resource` that changed."""
        if self.since is None:
            # From the beginning: a copy that starts empty needs every record.
            return [(MODELS[resource].objects.all(), "id")]
        written = self.written
        places, persons = written(Place), written(Person)
        organisations, sources, operations = (
            written(Organisation),
            written(Source),
            written(Operation),
        )
        # A source reads differently when it or its publisher changed.
        sources_shown = Source.objects.filter(Q(pk__in=sources) | Q(publisher__in=organisations))
        source_changed = Q(source__in=sources_shown.values("pk"))
        # Claims whose correction is shown as long as the corrected claim's source is.
        correcting = Claim.objects.filter(supersedes__source__in=sources).values("pk")
        forces_claimed = Claim.claimed_forces.through.objects.filter(
            organisation__in=organisations
        )
        return {
            "places": lambda: [
                (history(Place).filter(self.stamped("history_date")), "id"),
                self.versions(PlaceName, "place_id"),
                # Its count of operations.
                self.versions(Operation, "place_id"),
            ],
            "persons": lambda: [
                (history(Person).filter(self.stamped("history_date")), "id"),
                self.versions(PersonAlias, "person_id"),
                self.versions(Role, "person_id"),
                (
                    Role.objects.filter(Q(organisation__in=organisations) | source_changed),
                    "person",
                ),
                self.versions(PossibleIdentity, "person_id"),
                self.versions(PossibleIdentity, "other_id"),
                (
                    PossibleIdentity.objects.filter(Q(other__in=persons) | source_changed),
                    "person",
                ),
                (
                    PossibleIdentity.objects.filter(Q(person__in=persons) | source_changed),
                    "other",
                ),
                self.versions(Target, "person_id"),
                (Target.objects.filter(operation__in=operations), "person"),
            ],
            "organisations": lambda: [
                (history(Organisation).filter(self.stamped("history_date")), "id"),
                # Its children, and its parent's name.
                self.versions(Organisation, "parent_id"),
                (Organisation.objects.filter(parent__in=organisations), "id"),
                self.versions(OrganisationAlias, "organisation_id"),
                self.versions(Role, "organisation_id"),
                (Role.objects.filter(Q(person__in=persons) | source_changed), "organisation"),
                # Its counts of operations conducted and targeted (itself or its members).
                self.versions(OperationForce, "organisation_id"),
                (OperationForce.objects.filter(operation__in=operations), "organisation"),
                self.versions(Target, "organisation_id"),
                (Target.objects.filter(operation__in=operations), "organisation"),
                (
                    Role.objects.filter(
                        Q(person__in=self.ever(Target, "person_id"))
                        | Q(person__targets__operation__in=operations)
                    ),
                    "organisation",
                ),
            ],
            "sources": lambda: [
                (history(Source).filter(self.stamped("history_date")), "id"),
                (Source.objects.filter(publisher__in=organisations), "id"),
                # Its count of claims.
                self.versions(Claim, "source_id"),
                (Claim.objects.filter(operation__in=operations), "source"),
            ],
            "operations": lambda: [
                (history(Operation).filter(self.stamped("history_date")), "id"),
                # A claim or target written on its own moves this, without a history row.
                (Operation.objects.filter(self.stamped("updated_at")), "id"),
                (Operation.objects.filter(place__in=places), "id"),
                self.versions(OperationForce, "operation_id"),
                (OperationForce.objects.filter(organisation__in=organisations), "operation"),
                self.versions(Target, "operation_id"),
                (
                    Target.objects.filter(
                        Q(person__in=persons) | Q(organisation__in=organisations)
                    ),
                    "operation",
                ),
                self.versions(Claim, "operation_id"),
                # One rule a part: an OR across joins would scan every claim.
                (Claim.objects.filter(source_changed), "operation"),
                (Claim.objects.filter(place__in=places), "operation"),
                (Claim.objects.filter(pk__in=correcting), "operation"),
                (forces_claimed, "claim__operation"),
                # Links both ways, and the linked operations' titles and visibility.
                self.versions(OperationLink, "from_operation_id"),
                self.versions(OperationLink, "to_operation_id"),
                (OperationLink.objects.filter(to_operation__in=operations), "from_operation"),
                (OperationLink.objects.filter(from_operation__in=operations), "to_operation"),
            ],
            "claims": lambda: [
                (history(Claim).filter(self.stamped("history_date")), "id"),
                (Claim.objects.filter(operation__in=operations), "id"),
                (Claim.objects.filter(source_changed), "id"),
                (Claim.objects.filter(pk__in=correcting), "id"),
                (Claim.objects.filter(place__in=places), "id"),
                (forces_claimed, "claim"),
                (Claim.objects.filter(target__in=written(Target)), "id"),
                (
                    Claim.objects.filter(
                        target__in=Target.objects.filter(
                            Q(person__in=persons) | Q(organisation__in=organisations)
                        ).values("pk")
                    ),
                    "id",
                ),
            ],
        }[resource]()

    def changed_ids(self, resource, *, after=0, limit):
        """Up to `limit` ids of `resource` above `after` that changed in the window,
        in order: one query, the union of every rule for the resource."""
        queries = [
            queryset.order_by()
            .filter(**{f"{field}__gt": after})
            .annotate(changed_id=F(field))
            .values_list("changed_id", flat=True)
            for queryset, field in self.parts(resource)
        ]
        union = queries[0].union(*queries[1:]) if len(queries) > 1 else queries[0].distinct()
        return list(union.order_by("changed_id")[:limit])


MODELS = {
    "places": Place,
    "persons": Person,
    "organisations": Organisation,
    "sources": Source,
    "operations": Operation,
    "claims": Claim,
}
