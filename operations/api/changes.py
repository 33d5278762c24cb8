"""/api/v1/changes/: what a copy of the data must fetch again or drop since a moment."""

import binascii
import datetime as dt
from urllib.parse import urlencode

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ..changes import RESOURCES, Window, horizon
from ..filters import UpdatedAfterField
from . import views
from .pagination import KeysetPagination, decode_payload, encode

DEFAULT_PAGE_SIZE = 100

VIEWSETS = {
    "places": views.PlaceViewSet,
    "persons": views.PersonViewSet,
    "organisations": views.OrganisationViewSet,
    "sources": views.SourceViewSet,
    "operations": views.OperationViewSet,
    "claims": views.ClaimViewSet,
}

DESCRIPTION = """\
What was published, changed or withdrawn since a moment, so that a script keeps a copy
of the data without downloading everything again.

**Start** with `?since=` an ISO date-time (or without it, to receive every record once),
then follow `next`. While `more` is true, `next` continues at once; when it is false, the
copy is up to date as of `until`: keep `next` and poll it later. Every entry also carries
its own `cursor`, to resume after it.

**Entries** are `{type, id, change}`. `type` is a resource of the API (`places`, `persons`,
`organisations`, `sources`, `operations`, `claims`). An `upsert` carries in `record` the
record exactly as its detail endpoint gives it now; a `tombstone` carries nothing but its
type and id: the record was unpublished, merged into another operation, deleted, or is a
draft the reader may not see. Drop it from the copy if there. With an analyst's token,
the feed gives what that account reads, drafts included, as the lists do.

**Claims** have tombstones of their own: when an operation is unpublished, merged or
deleted, each of its claims comes as a tombstone too (a merge moves them to the kept
operation: they come as upserts). A record is also listed when something its
representation shows changed: an operation when its place is renamed or a source of its
claims is published, an organisation when an operation it conducted is published (its
counts), and so on. A record may come more than once; the last entry wins.

**Consistency.** A window ends `until`, some seconds in the past and before any write
still in progress: a write committed late is never skipped. A record's content is read
when the page is served, so an entry may be newer than `until`; the next window lists it
again.
"""


class EntrySerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=RESOURCES)
    id = serializers.IntegerField()
    change = serializers.ChoiceField(choices=["upsert", "tombstone"])
    cursor = serializers.CharField(help_text="Resume after this entry: `?cursor=`.")
    record = serializers.DictField(
        required=False,
        help_text="For an upsert: the record as `/api/v1/{type}/{id}/` gives it.",
    )


class ChangesSerializer(serializers.Serializer):
    since = serializers.DateTimeField(allow_null=True, help_text="null: from the beginning.")
    until = serializers.DateTimeField(help_text="The end of this window.")
    more = serializers.BooleanField(help_text="Whether `next` has more at once.")
    next = serializers.URLField(help_text="Follow it now if `more`, else poll it later.")
    results = EntrySerializer(many=True)


def moment(text):
    """An aware date-time of a cursor, or None."""
    if text is None:
        return None
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("a date-time without its offset")
    return value.astimezone(dt.UTC)  # OverflowError at the ends of the calendar


class Position:
    """Where a reader stands: in the window (since, until], after `after` of `resource`."""

    def __init__(self, since, until=None, resource=RESOURCES[0], after=0):
        self.since, self.until, self.resource, self.after = since, until, resource, after

    def token(self):
        payload = {"since": self.since and self.since.isoformat()}
        if self.until is not None:
            payload |= {"until": self.until.isoformat()}
            payload |= {"type": self.resource, "after": self.after}
        return encode(payload)

    @classmethod
    def read(cls, token):
        payload = decode_payload(token)
        since, until = (moment(payload.get(name)) for name in ("since", "until"))
        if until is None:
            return cls(since)
        resource, after = payload["type"], payload["after"]
        # Ids are 64-bit: a larger one is no position, not an overflow in the database.
        if resource not in RESOURCES or not isinstance(after, int) or not 0 <= after < 2**63:
            raise ValueError("not a position")
        return cls(since, until, resource, after)


class ChangesView(APIView):
    renderer_classes = [JSONRenderer]
    parameters = {"since", "cursor", "page_size"}

    @extend_schema(
        operation_id="changes_list",
        description=DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "since", dt.datetime, description="Changes after this ISO date-time."
            ),
            OpenApiParameter("cursor", str, description="From `next`, or an entry's `cursor`."),
            OpenApiParameter(
                "page_size", int, description="Entries per page, 1 to 1000 (default 100)."
            ),
        ],
        responses=ChangesSerializer,
    )
    def get(self, request):
        position = self.position(request)
        paginator = KeysetPagination()
        paginator.page_size = DEFAULT_PAGE_SIZE
        limit = paginator.get_page_size(request)
        if position.until is None:
            until = horizon()
            if position.since is not None:
                # A `since` later than the horizon: an empty window, until it settles.
                until = max(until, position.since)
            position = Position(position.since, until)
        window = Window(position.since, position.until)
        results, more = [], False
        for resource in RESOURCES[RESOURCES.index(position.resource) :]:
            after = position.after if resource == position.resource else 0
            room = limit - len(results)
            # One more than there is room for tells whether the window goes on.
            ids = window.changed_ids(resource, after=after, limit=room + 1)
            results += self.entries(resource, ids[:room], position, request)
            if len(ids) > room:
                more = True
                break
        # The next page starts after the last entry; after the window, the next window.
        following = results[-1]["cursor"] if more else Position(position.until).token()
        if position.since is None:
            # A copy that starts empty has nothing to drop.
            results = [entry for entry in results if entry["change"] == "upsert"]
        # The next page keeps this one's page size.
        query = {"cursor": following} | {
            name: request.query_params[name]
            for name in ["page_size"]
            if name in request.query_params
        }
        url = f"{request.build_absolute_uri(request.path)}?{urlencode(query)}"
        return Response(
            {
                "since": position.since,
                "until": position.until,
                "more": more,
                "next": url,
                "results": results,
            }
        )

    def position(self, request):
        unknown = sorted(set(request.query_params) - self.parameters)
        if unknown:
            message = "Unknown parameter; this list takes: cursor, page_size, since."
            raise ValidationError({name: [message] for name in unknown})
        since, cursor = request.query_params.get("since"), request.query_params.get("cursor")
        if since and cursor:
            raise ValidationError({"since": ["Give since or cursor, not both."]})
        if cursor:
            try:
                return Position.read(cursor)
            except (
                ValueError,
                TypeError,
                KeyError,
                OverflowError,
                binascii.Error,
                UnicodeError,
            ):
                raise ValidationError(
                    {"cursor": ["Not a cursor of this feed: take one from `next`."]}
                ) from None
        try:
            return Position(UpdatedAfterField(required=False).clean(since))
        except DjangoValidationError as error:
            raise ValidationError({"since": error.messages}) from None

    def entries(self, resource, ids, position, request):
        viewset = VIEWSETS[resource]
        view = viewset(request=request, action="retrieve", format_kwarg=None, args=(), kwargs={})
        records = {record.pk: record for record in view.get_queryset().filter(pk__in=ids)}
        found = [records[pk] for pk in ids if pk in records]
        context = view.get_serializer_context()
        data = iter(viewset.detail_serializer_class(found, many=True, context=context).data)
        entries = []
        for pk in ids:
            entry = {"type": resource, "id": pk}
            if pk in records:
                entry |= {"change": "upsert", "record": next(data)}
            else:
                entry["change"] = "tombstone"
            cursor = Position(position.since, position.until, resource, pk).token()
            entries.append(entry | {"cursor": cursor})
        return entries
