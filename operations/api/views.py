"""The API's resources. Reading is open (published records); writing needs a token."""

from functools import partial

from django.db import transaction
from django.db.models import (
    IntegerField,
    OuterRef,
    Prefetch,
    ProtectedError,
    RestrictedError,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import permissions, status, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .. import filters, models
from ..caching import read_through
from ..groups import sees_drafts, visible
from ..services import mark_changed
from ..versions import is_versioned, stored_version, version_of
from . import exports, serializers, writers
from .pagination import KeysetPagination, total_order
from .renderers import EXPORT_FORMATS, CSVRenderer, GeoJSONRenderer
from .schema import PAGE_PARAMETERS, RecordSchema
from .writers import check_status


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "The record changed since you read it (its ETag is no longer the one in If-Match), "
        "so nothing was written: read it again and make your change to what it is now."
    )
    default_code = "precondition_failed"


def etag(version):
    return f'"{version}"'


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Other records still refer to this one.")
    default_code = "conflict"


class CountOf(Subquery):
    """The number of distinct records of a correlated queryset, as a subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()

    def __init__(self, queryset):
        super().__init__(queryset.order_by().values("pk").distinct())


def count_of(queryset, field):
    """How many records of `queryset` have the outer record as `field`."""
    return CountOf(queryset.filter(**{field: OuterRef("pk")}))


class ModelPermissionsOrAnonReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """DRF's, told the model by the view's `model`: it would build the view's whole
    queryset (annotations and all, milliseconds) only to learn its model, on every
    request, a cached read too."""

    def _queryset(self, view):
        return view.model._default_manager.none()


class RecordViewSet(viewsets.ModelViewSet):
    """Read for everyone (published records), write with the model permissions of an account.

    A write answers with the record as a read gives it.
    """

    model = None
    list_serializer_class = None
    detail_serializer_class = None
    write_serializer_class = None
    ordering = ("id",)
    export_name = ""

    pagination_class = KeysetPagination
    filter_backends = [DjangoFilterBackend]
    permission_classes = [ModelPermissionsOrAnonReadOnly]
    # Writes nest lists of rows, which only JSON can carry.
    parser_classes = [JSONParser]
    schema = RecordSchema()

    @property
    def public(self):
        return not sees_drafts(self.request.user, self.model)

    def get_renderers(self):
        # JSON only: DRF's browsable pages list every record in their forms; people
        # read /api/docs/ (and the timeline).
        renderers = [JSONRenderer()]
        if not self.detail:
            renderers += [CSVRenderer(), *self.extra_export_renderers()]
        return renderers

    def extra_export_renderers(self):
        return []

    def get_queryset(self):
        return self.with_related(visible(self.model, self.request.user))

    def with_related(self, queryset):
        return queryset

    def get_serializer_class(self):
        if self.action == "list":
            return self.list_serializer_class
        if self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        return self.detail_serializer_class

    def version_headers(self, record):
        """The record's version as its ETag, for an If-Match on the next write."""
        return {"ETag": etag(version_of(record))} if is_versioned(self.model) else {}

    def check_version(self, record):
        """A write that names, in If-Match, another version than the stored one is refused.

        Without If-Match the write goes ahead, as before versions existed. Called in
        the write's transaction: the row stays locked until it commits.
        """
        expected = self.request.headers.get("If-Match")
        if expected is None or not is_versioned(self.model):
            return
        current = etag(stored_version(self.model, record.pk, lock=True))
        if not {"*", current} & {tag.strip() for tag in expected.split(",")}:
            raise PreconditionFailed()

    def read(self, request, respond):
        """Anonymous reads come from the cache (caching.py), once throttled like any other.

        Their ETag is the data version's; a token's or a session's read of a record
        gets the record's own version, the one to send back in If-Match.
        """
        return read_through(request, respond, variant=request.accepted_media_type)

    def retrieve(self, request, *args, **kwargs):
        return self.read(request, self.retrieved)

    def retrieved(self):
        record = self.get_object()
        data = self.get_serializer(record).data
        return Response(data, headers=self.version_headers(record))

    def written(self, serializer, status_code):
        record = self.get_queryset().get(pk=serializer.instance.pk)
        data = self.detail_serializer_class(record, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers=self.version_headers(record))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return self.written(serializer, status.HTTP_201_CREATED)

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        record = self.get_object()
        serializer = self.get_serializer(record, data=request.data, partial=partial)
        # A body that cannot be written is a 400 whatever its version.
        serializer.is_valid(raise_exception=True)
        self.check_version(record)
        serializer.save()
        return self.written(serializer, status.HTTP_200_OK)

    @transaction.atomic
    def destroy(self, request, *args, **kwargs):
        record = self.get_object()
        self.check_version(record)
        self.perform_destroy(record)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_destroy(self, record):
        if hasattr(record, "status"):
            check_status(self.request.user, self.model, None, record)
        try:
            record.delete()
        except (ProtectedError, RestrictedError) as error:
            names = ", ".join(sorted({str(other) for other in error.protected_objects})[:5])
            raise Conflict(
                _("Other records still refer to this one: %(names)s.") % {"names": names}
            ) from None

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "public": self.public}

    def filter_queryset(self, queryset):
        if self.action != "list":
            # A detail is a detail: list filters neither hide it nor refuse it.
            return queryset
        # The `ordering` filter's choice, or the resource's.
        return total_order(super().filter_queryset(queryset), self.ordering)

    def check_parameters(self, request):
        """A misspelt parameter (`contsted=true`) would filter nothing: it is an error."""
        paginator = self.paginator
        known = {*self.filterset_class.base_filters, "format"}
        known |= {paginator.cursor_query_param, paginator.page_size_query_param}
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            message = _("Unknown parameter; this list takes: %(known)s.") % {
                "known": ", ".join(sorted(known))
            }
            raise ValidationError({name: [message] for name in unknown})

    def list(self, request, *args, **kwargs):
        self.check_parameters(request)
        export = request.accepted_renderer.format
        if export not in EXPORT_FORMATS:
            return self.read(request, partial(super().list, request, *args, **kwargs))
        paging = [name for name in PAGE_PARAMETERS if name in request.query_params]
        if paging:
            message = _("An export gives every matching record: leave out %(name)s.")
            raise ValidationError({name: [message % {"name": name}] for name in paging})
        queryset = self.filter_queryset(self.get_queryset())
        return self.read(request, partial(self.export, export, queryset))

    def export(self, export, queryset):
        serializer = self.get_serializer()
        return exports.csv_response(queryset, serializer, self.export_name)

    def finalize_response(self, request, response, *args, **kwargs):
        # An error is JSON, whatever format the export asked for.
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and renderer and renderer.format in EXPORT_FORMATS:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class OperationViewSet(RecordViewSet):
    """Operations: list with every filter of the timeline, detail with who says what."""

    model = models.Operation
    filterset_class = filters.OperationFilterSet
    list_serializer_class = serializers.OperationListSerializer
    detail_serializer_class = serializers.OperationDetailSerializer
    write_serializer_class = writers.OperationWriteSerializer
    ordering = models.Operation._meta.ordering
    export_name = "operations"

    def extra_export_renderers(self):
        return [GeoJSONRenderer()]

    def with_related(self, queryset):
        details = self.action != "list"
        queryset = queryset.with_summary(public=self.public, claim_details=details)
        if self.action != "list":
            queryset = queryset.with_links(visible(models.Operation, self.request.user))
        return queryset

    def perform_destroy(self, operation):
        """A soft delete, as in the admin: a reviewer can restore it there."""
        check_status(self.request.user, self.model, None, operation)
        operation.deleted_at = timezone.now()
        operation.save()

    def export(self, export, queryset):
        serializer = self.get_serializer()
        if export == GeoJSONRenderer.format:
            return exports.geojson_response(queryset, serializer)
        return exports.csv_response(queryset, serializer, self.export_name, operations=True)


class PersonViewSet(RecordViewSet):
    """Persons: every alias, roles over time, possible identities, operations against them."""

    model = models.Person
    filterset_class = filters.PersonFilterSet
    list_serializer_class = serializers.PersonListSerializer
    detail_serializer_class = serializers.PersonDetailSerializer
    write_serializer_class = writers.PersonWriteSerializer
    ordering = ("name", "id")
    export_name = "persons"

    def with_related(self, queryset):
        queryset = queryset.prefetch_related("aliases")
        if self.action == "list":
            return queryset
        return queryset.prefetch_related(
            Prefetch(
                "roles",
                queryset=models.Role.objects.select_related("organisation", "source__publisher"),
            ),
            Prefetch(
                "possible_identities_as_first",
                queryset=models.PossibleIdentity.objects.select_related(
                    "other", "source__publisher"
                ),
            ),
            Prefetch(
                "possible_identities_as_second",
                queryset=models.PossibleIdentity.objects.select_related(
                    "person", "source__publisher"
                ),
            ),
            Prefetch("targets", queryset=models.Target.objects.select_related("operation")),
        )


class OrganisationViewSet(RecordViewSet):
    """Organisations: aliases, parent and children, members over time, operations."""

    model = models.Organisation
    filterset_class = filters.OrganisationFilterSet
    list_serializer_class = serializers.OrganisationListSerializer
    detail_serializer_class = serializers.OrganisationDetailSerializer
    write_serializer_class = writers.OrganisationWriteSerializer
    ordering = ("name", "id")
    export_name = "organisations"

    def with_related(self, queryset):
        queryset = queryset.select_related("parent").prefetch_related("aliases")
        if self.action == "list":
            return queryset
        operations = visible(models.Operation, self.request.user)
        return queryset.prefetch_related(
            "children",
            Prefetch(
                "roles",
                queryset=models.Role.objects.select_related(
                    "person", "source__publisher"
                ).order_by("started_on", "id"),
            ),
        ).annotate(
            conducted_count=count_of(operations, "forces__organisation"),
            targeted_count=CountOf(operations.targeting(OuterRef("pk"), public=self.public)),
        )


class PlaceViewSet(RecordViewSet):
    """Places: names, where they are, and how many operations happened there."""

    model = models.Place
    filterset_class = filters.PlaceFilterSet
    list_serializer_class = serializers.PlaceListSerializer
    detail_serializer_class = serializers.PlaceDetailSerializer
    write_serializer_class = writers.PlaceWriteSerializer
    ordering = ("name", "id")
    export_name = "places"

    def with_related(self, queryset):
        queryset = queryset.prefetch_related("aliases")
        if self.action == "list":
            return queryset
        operations = visible(models.Operation, self.request.user)
        return queryset.annotate(operation_count=count_of(operations, "place"))


class SourceViewSet(RecordViewSet):
    """Sources: documents with their reliability grade and their claims."""

    model = models.Source
    filterset_class = filters.SourceFilterSet
    list_serializer_class = serializers.SourceListSerializer
    detail_serializer_class = serializers.SourceDetailSerializer
    write_serializer_class = writers.SourceWriteSerializer
    export_name = "sources"

    def with_related(self, queryset):
        queryset = queryset.select_related("publisher")
        if self.action == "list":
            return queryset
        claims = visible_claims(self.request.user)
        return queryset.annotate(claim_count=count_of(claims, "source"))


def visible_claims(user):
    """Claims on operations the user may read, from sources the user may read."""
    operations = visible(models.Operation, user)
    sources = visible(models.Source, user)
    return models.Claim.objects.filter(operation__in=operations, source__in=sources)


class ClaimViewSet(RecordViewSet):
    """Claims: one source's statement about one point of one operation."""

    model = models.Claim
    filterset_class = filters.ClaimFilterSet
    list_serializer_class = serializers.ClaimSerializer
    detail_serializer_class = serializers.ClaimSerializer
    write_serializer_class = writers.ClaimWriteSerializer
    export_name = "claims"

    @property
    def public(self):
        return not sees_drafts(self.request.user, models.Operation)

    def get_queryset(self):
        return (
            visible_claims(self.request.user)
            .select_related(
                "operation",
                "source__publisher",
                "target__person",
                "target__organisation",
                "place",
                "supersedes__source",
            )
            .prefetch_related("claimed_forces")
        )

    def perform_destroy(self, claim):
        check_status(self.request.user, models.Operation, None, claim.operation)
        super().perform_destroy(claim)
        mark_changed(claim.operation_id)
