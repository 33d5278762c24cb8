"""POST /api/v1/proposals/: the intake assistant's door for scripts.

It answers what `propose_from_text` proposes for a text and writes nothing; the
analyst records what they keep through the API's writes or the admin.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_dataclasses.serializers import DataclassSerializer

from ..intake import assistant
from ..intake.proposals import ARTICLE_MAX_LENGTH, Proposal
from ..models import FIRST_YEAR, Organisation, Source, validate_web_url
from .schema import ERROR

NO_TEXT = _("Give the text of the article.")
# The first places to reach a new day are 14 hours ahead of UTC: a date is in
# the future only once no one on Earth has reached it yet.
EARLIEST_ZONE = dt.timedelta(hours=14)


def latest_publication_date():
    return (timezone.now() + EARLIEST_ZONE).date()


class ProposalRequestSerializer(serializers.Serializer):
    """What the assistant reads. `manage.py propose` checks its input with it too."""

    text = serializers.CharField(
        max_length=ARTICLE_MAX_LENGTH,
        # The text goes to the assistant as it came, as the other doors pass it.
        trim_whitespace=False,
        error_messages={"blank": NO_TEXT},
        help_text=_("The article or press release, as plain text."),
    )
    published = serializers.DateField(
        input_formats=["iso-8601"],
        help_text=_('Its publication date, which "on Thursday" or "last night" are read from.'),
    )
    url = serializers.URLField(
        required=False,
        allow_blank=True,
        max_length=Source._meta.get_field("url").max_length,
        validators=[validate_web_url],
    )
    publisher = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=Organisation._meta.get_field("name").max_length,
        help_text=_("Matched to the organisations recorded, with their aliases."),
    )

    def validate_text(self, text):
        if not text.strip():
            raise serializers.ValidationError(NO_TEXT)
        return text

    def validate_published(self, published):
        if published > latest_publication_date():
            raise serializers.ValidationError(_("A publication date cannot be in the future."))
        if published.year < FIRST_YEAR:
            raise serializers.ValidationError(
                _("Give a publication date from %(year)s on.") % {"year": FIRST_YEAR}
            )
        return published


# A dataclass as an answer: every field is always present, so the schema requires
# it. (No docstring: the schema describes each dataclass by its own.)
class AnswerSerializer(DataclassSerializer):
    @property
    def serializer_dataclass_field(self):
        return AnswerSerializer

    def create_field(self, field_name, extra_kwargs):
        return super().create_field(field_name, {"required": True, **extra_kwargs})


class ProposalSerializer(AnswerSerializer):
    """The fields of `operations.intake.proposals`, read from the dataclasses themselves."""

    class Meta:
        dataclass = Proposal


class MayAddOperations(permissions.BasePermission):
    message = _("Only accounts that may add operations (analysts, reviewers) ask for proposals.")

    def has_permission(self, request, view):
        return request.user.is_authenticated and request.user.has_perm("operations.add_operation")


def propose(request_serializer):
    """The proposal for a validated request, as JSON types."""
    data = request_serializer.validated_data
    return assistant.propose_from_text(
        data["text"],
        published=data["published"],
        url=data.get("url") or None,
        publisher=data.get("publisher") or None,
    ).as_json()


class ProposalView(APIView):
    """Propose the source, operations, targets and claims that a text reports.

    Nothing is written: the answer is what the analyst checks, corrects and then
    records. Each proposal carries the sentence it came from.
    """

    permission_classes = [MayAddOperations]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="proposals_create",
        request=ProposalRequestSerializer,
        responses={
            200: ProposalSerializer,
            403: OpenApiResponse(ERROR, description=MayAddOperations.message),
            415: OpenApiResponse(ERROR, description=_("The body is neither JSON nor a form.")),
        },
    )
    def post(self, request):
        serializer = ProposalRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(propose(serializer))
