"""How records read in the API (writes are in writers.py).

Readers who may not see drafts (`context["public"]`) get draft records that
a published one refers to as null, with a neutral name where one is needed,
so that nothing of a draft leaks through a nested field.
"""

from functools import cached_property
from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import withheld


def is_hidden(record, context):
    """Whether the reader may not see `record` (see models.withheld)."""
    return record is not None and context.get("public", True) and withheld(record)


def absolute(path, context):
    # Django's reverse: DRF's would carry ?format=csv into every link of an export.
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


# Stands for the id while a detail route is reversed once; any digits the route accepts.
ID_PLACEHOLDER = 9876543210


def api_url(name, pk, context):
    """The absolute link to record `pk` of route `name`.

    Reversed once per route and request, then filled in: a list links hundreds of
    records, and reversing and building each link anew was a seventh of its time.
    """
    links = context.setdefault("detail_links", {})
    if name not in links:
        links[name] = absolute(reverse(name, args=[ID_PLACEHOLDER]), context).split(
            str(ID_PLACEHOLDER)
        )
    before, after = links[name]
    return f"{before}{pk}{after}"


class RefSerializer(serializers.Serializer):
    """A short reference to another record: id, API link and name; null when hidden."""

    view_name = ""
    id = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    name = serializers.CharField(read_only=True)

    def get_url(self, record) -> str:
        return api_url(self.view_name, record.pk, self.context)

    def to_representation(self, record):
        if is_hidden(record, self.context):
            return None
        return super().to_representation(record)


class PersonRefSerializer(RefSerializer):
    view_name = "person-detail"


class OrganisationRefSerializer(RefSerializer):
    view_name = "organisation-detail"


class PlaceRefSerializer(RefSerializer):
    view_name = "place-detail"
    country = serializers.CharField(read_only=True)
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)


class SourceRefSerializer(RefSerializer):
    view_name = "source-detail"
    name = None
    title = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    publisher = OrganisationRefSerializer(read_only=True, allow_null=True)
    published_on = serializers.DateField(read_only=True, allow_null=True)
    web_url = serializers.CharField(source="url", read_only=True)
    archive_url = serializers.CharField(read_only=True)
    reliability = serializers.CharField(read_only=True)


class OperationRefSerializer(RefSerializer):
    view_name = "operation-detail"
    name = None
    title = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    date = serializers.DateField(source="occurred_on", read_only=True)
    date_precision = serializers.CharField(read_only=True)


class LinkedCountSerializer(serializers.Serializer):
    """A count of related records and the list URL that gives them."""

    count = serializers.IntegerField()
    url = serializers.CharField()


def linked_count(count, list_name, context, **query):
    url = absolute(f"{reverse(list_name)}?{urlencode(query)}", context)
    return {"count": count, "url": url}


# --- the parts of an operation ----------------------------------------------


class ForceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    name = serializers.SerializerMethodField()
    role = serializers.CharField(read_only=True)

    def get_name(self, force) -> str:
        return str(force.public_name if self.context.get("public", True) else force.organisation)


def point_label(point, context):
    """A point's label, naming a target as the reader may see it."""
    return str(point.public_label if context.get("public", True) else point.label)


class CountSummarySerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
    low = serializers.IntegerField(allow_null=True)
    high = serializers.IntegerField(allow_null=True, help_text="null: an open range.")
    range = serializers.CharField(help_text="As reports give it: '0', '2–5', 'at least 13'.")
    contested = serializers.BooleanField()
    changed = serializers.BooleanField(help_text="A later report corrected an earlier one.")
    claims = serializers.SerializerMethodField()
    superseded = serializers.SerializerMethodField()

    def get_claims(self, point) -> list[int]:
        return [claim.pk for claim in point.claims]

    def get_superseded(self, point) -> list[int]:
        return [claim.pk for claim in point.superseded]


class PointSerializer(serializers.Serializer):
    """One point of an operation and the claims on it: who says what."""

    point = serializers.CharField()
    category = serializers.CharField(default="", help_text="For a casualty count.")
    target = serializers.SerializerMethodField(help_text="For a target's outcome: its id.")
    label = serializers.SerializerMethodField()
    contested = serializers.BooleanField()
    changed = serializers.BooleanField()
    claims = serializers.SerializerMethodField()
    superseded = serializers.SerializerMethodField()

    def get_label(self, point) -> str:
        return point_label(point, self.context)

    def get_target(self, point) -> int | None:
        target = getattr(point, "target", None)
        return target.pk if target else None

    get_claims = CountSummarySerializer.get_claims
    get_superseded = CountSummarySerializer.get_superseded


class TargetSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()
    person = PersonRefSerializer(read_only=True, allow_null=True)
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    description = serializers.CharField(read_only=True)
    role = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True, help_text="The analyst's best reading.")
    reported_outcomes = serializers.SerializerMethodField(
        help_text="The outcomes the current claims report, first reported first."
    )
    contested = serializers.SerializerMethodField()

    def get_name(self, target) -> str:
        return str(target.public_name if self.context.get("public", True) else target.name)

    def outcome_summary(self, target):
        return target.operation.claims_summary.outcomes[target.pk]

    def get_reported_outcomes(self, target) -> list[str]:
        return self.outcome_summary(target).outcomes

    def get_contested(self, target) -> bool:
        return self.outcome_summary(target).contested


class TargetBriefSerializer(TargetSerializer):
    """What a list item needs of a target."""

    class Meta:
        fields = ["id", "name", "person", "organisation", "role", "outcome", "contested"]

    def get_fields(self):
        fields = super().get_fields()
        return {name: fields[name] for name in self.Meta.fields}


class ClaimTargetSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()
    person = PersonRefSerializer(read_only=True, allow_null=True)
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)

    get_name = TargetSerializer.get_name


class ClaimSerializer(serializers.Serializer):
    """One source's statement about one point of one operation."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    operation = OperationRefSerializer(read_only=True)
    source = SourceRefSerializer(read_only=True)
    point = serializers.CharField(read_only=True)
    statement = serializers.SerializerMethodField()
    target = ClaimTargetSerializer(read_only=True, allow_null=True)
    outcome = serializers.CharField(read_only=True)
    category = serializers.CharField(read_only=True)
    count_low = serializers.IntegerField(read_only=True, allow_null=True)
    count_high = serializers.IntegerField(read_only=True, allow_null=True)
    count_range = serializers.CharField(read_only=True)
    count_note = serializers.CharField(read_only=True)
    occurred_at = serializers.DateTimeField(read_only=True, allow_null=True)
    local_occurred_at = serializers.SerializerMethodField()
    date_precision = serializers.CharField(read_only=True)
    local_time_zone = serializers.CharField(read_only=True)
    when = serializers.CharField(read_only=True)
    place = PlaceRefSerializer(read_only=True, allow_null=True)
    location_precision = serializers.CharField(read_only=True)
    claimed_forces = serializers.SerializerMethodField()
    kind = serializers.CharField(read_only=True)
    attribution = serializers.CharField(read_only=True)
    quote = serializers.CharField(read_only=True)
    credibility = serializers.IntegerField(read_only=True)
    supersedes = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_url(self, claim) -> str:
        return api_url("claim-detail", claim.pk, self.context)

    def get_statement(self, claim) -> str:
        return claim.describe(public=self.context.get("public", True))

    def get_local_occurred_at(self, claim) -> str | None:
        local = claim.local_occurred_at
        return local.isoformat() if local else None

    @extend_schema_field(OrganisationRefSerializer(many=True))
    def get_claimed_forces(self, claim):
        forces = OrganisationRefSerializer(context=self.context)
        shown = [forces.to_representation(force) for force in claim.claimed_forces.all()]
        return [force for force in shown if force is not None]

    def get_supersedes(self, claim) -> int | None:
        """The claim it corrects, when the reader can see that one."""
        earlier = claim.supersedes_id
        visible = self.context.get("visible_claims")
        if earlier is None:
            return None
        if visible is not None:
            return earlier if earlier in visible else None
        return None if is_hidden(claim.supersedes.source, self.context) else earlier


class RelatedOperationSerializer(serializers.Serializer):
    relation = serializers.CharField()
    direction = serializers.CharField(
        help_text="from: this operation <relation> the other (it followed it); "
        "to: the other <relation> this one."
    )
    operation = OperationRefSerializer()


# --- operations ---------------------------------------------------------------


class OperationListSerializer(serializers.Serializer):
    """A compact operation: what a chart, a map or a table row needs."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    title = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    date = serializers.DateField(
        source="occurred_on", read_only=True, help_text="The local date where it happened."
    )
    occurred_at = serializers.DateTimeField(read_only=True, help_text="UTC.")
    date_precision = serializers.CharField(read_only=True)
    when = serializers.CharField(read_only=True, help_text="As precise as known, local first.")
    country = serializers.SerializerMethodField()
    place = serializers.SerializerMethodField()
    location_precision = serializers.CharField(read_only=True)
    where = serializers.SerializerMethodField()
    forces = ForceSerializer(many=True, read_only=True)
    targets = TargetBriefSerializer(many=True, read_only=True)
    casualties = serializers.SerializerMethodField()
    contested = serializers.SerializerMethodField()
    contested_points = serializers.SerializerMethodField(
        help_text="What the sources disagree on: a casualty category, a target's outcome, "
        "the time, the place, the forces or the kind."
    )
    civilian_harm = serializers.SerializerMethodField()
    source_count = serializers.SerializerMethodField()

    def get_url(self, operation) -> str:
        return api_url("operation-detail", operation.pk, self.context)

    def visible_place(self, operation):
        return None if is_hidden(operation.place, self.context) else operation.place

    def get_country(self, operation) -> str | None:
        place = self.visible_place(operation)
        return place.country if place else None

    @cached_property
    def place_serializer(self):
        return PlaceRefSerializer(context=self.context)

    @cached_property
    def count_serializer(self):
        return CountSummarySerializer(context=self.context)

    @extend_schema_field(PlaceRefSerializer(allow_null=True))
    def get_place(self, operation):
        place = self.visible_place(operation)
        return self.place_serializer.to_representation(place) if place else None

    def get_where(self, operation) -> str:
        return operation.public_where if self.context.get("public", True) else operation.where

    @extend_schema_field(serializers.DictField(child=CountSummarySerializer()))
    def get_casualties(self, operation):
        casualties = operation.claims_summary.casualties
        return {
            category: self.count_serializer.to_representation(point)
            for category, point in casualties.items()
        }

    def get_contested(self, operation) -> bool:
        return operation.claims_summary.contested

    def get_contested_points(self, operation) -> list[str]:
        points = operation.claims_summary.contested_points
        return [point_label(point, self.context) for point in points]

    def get_civilian_harm(self, operation) -> bool:
        return operation.claims_summary.civilian_harm

    def get_source_count(self, operation) -> int:
        return operation.claims_summary.source_count


class OperationDetailSerializer(OperationListSerializer):
    """Everything about an operation, so that a script needs no second request."""

    targets = TargetSerializer(many=True, read_only=True)
    local_occurred_at = serializers.SerializerMethodField()
    local_time_zone = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    unilateral = serializers.BooleanField(source="is_unilateral", read_only=True)
    points = serializers.SerializerMethodField()
    claims = serializers.SerializerMethodField()
    related = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_local_occurred_at(self, operation) -> str:
        return operation.local_occurred_at.isoformat()

    @extend_schema_field(PointSerializer(many=True))
    def get_points(self, operation):
        points = operation.claims_summary.points
        return PointSerializer(points, many=True, context=self.context).data

    @extend_schema_field(ClaimSerializer(many=True))
    def get_claims(self, operation):
        claims = operation.claims_summary.claims
        context = {**self.context, "visible_claims": {claim.pk for claim in claims}}
        return ClaimSerializer(claims, many=True, context=context).data

    @extend_schema_field(RelatedOperationSerializer(many=True))
    def get_related(self, operation):
        links = [
            {"relation": link.relation, "direction": "from", "operation": link.to_operation}
            for link in operation.links_from.all()
        ] + [
            {"relation": link.relation, "direction": "to", "operation": link.from_operation}
            for link in operation.links_to.all()
        ]
        data = RelatedOperationSerializer(links, many=True, context=self.context).data
        return [link for link in data if link["operation"] is not None]


# --- persons, organisations, places, sources ---------------------------------


class RoleSerializer(serializers.Serializer):
    """A title held in an organisation over a period known to some precision."""

    id = serializers.IntegerField(read_only=True)
    person = PersonRefSerializer(read_only=True, allow_null=True)
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    title = serializers.CharField(read_only=True)
    started_on = serializers.DateField(read_only=True, allow_null=True)
    started_precision = serializers.CharField(read_only=True)
    ended_on = serializers.DateField(read_only=True, allow_null=True)
    ended_precision = serializers.CharField(read_only=True)
    period = serializers.CharField(read_only=True)
    source = SourceRefSerializer(read_only=True, allow_null=True)


class PublishableSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    view_name = ""

    def get_url(self, record) -> str:
        return api_url(self.view_name, record.pk, self.context)


class PersonAliasSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)


class OrganisationAliasSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)


class PlaceNameSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    language = serializers.CharField(read_only=True)


class PersonListSerializer(PublishableSerializer):
    view_name = "person-detail"
    name = serializers.CharField(read_only=True)
    aliases = PersonAliasSerializer(many=True, read_only=True)


class TargetingSerializer(serializers.Serializer):
    """An operation that targeted a person or organisation, and the reported outcome."""

    operation = OperationRefSerializer(read_only=True)
    role = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)


class PossibleIdentitySerializer(serializers.Serializer):
    person = PersonRefSerializer(read_only=True)
    note = serializers.CharField(read_only=True)
    source = SourceRefSerializer(read_only=True, allow_null=True)


class PersonDetailSerializer(PersonListSerializer):
    description = serializers.CharField(read_only=True)
    roles = serializers.SerializerMethodField()
    possibly_same_as = serializers.SerializerMethodField()
    targeted_in = serializers.SerializerMethodField()
    last_known_outcome = serializers.SerializerMethodField()

    @extend_schema_field(RoleSerializer(many=True))
    def get_roles(self, person):
        roles = [
            role for role in person.roles.all() if not is_hidden(role.organisation, self.context)
        ]
        return RoleSerializer(roles, many=True, context=self.context).data

    @extend_schema_field(PossibleIdentitySerializer(many=True))
    def get_possibly_same_as(self, person):
        links = [
            {"person": link.other, "note": link.note, "source": link.source}
            for link in person.possible_identities_as_first.all()
        ] + [
            {"person": link.person, "note": link.note, "source": link.source}
            for link in person.possible_identities_as_second.all()
        ]
        links = [link for link in links if not is_hidden(link["person"], self.context)]
        return PossibleIdentitySerializer(links, many=True, context=self.context).data

    def visible_targets(self, person):
        return [
            target
            for target in person.targets.all()
            if not is_hidden(target.operation, self.context)
        ]

    @extend_schema_field(TargetingSerializer(many=True))
    def get_targeted_in(self, person):
        return TargetingSerializer(
            self.visible_targets(person), many=True, context=self.context
        ).data

    @extend_schema_field(TargetingSerializer(allow_null=True))
    def get_last_known_outcome(self, person):
        target = person.last_known_outcome
        return TargetingSerializer(target, context=self.context).data if target else None


class OrganisationListSerializer(PublishableSerializer):
    view_name = "organisation-detail"
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    country = serializers.CharField(read_only=True)
    parent = OrganisationRefSerializer(read_only=True, allow_null=True)
    aliases = OrganisationAliasSerializer(many=True, read_only=True)


class OrganisationDetailSerializer(OrganisationListSerializer):
    description = serializers.CharField(read_only=True)
    children = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    operations_conducted = serializers.SerializerMethodField()
    operations_targeted = serializers.SerializerMethodField()

    @extend_schema_field(OrganisationRefSerializer(many=True))
    def get_children(self, organisation):
        shown = OrganisationRefSerializer(context=self.context)
        children = [shown.to_representation(child) for child in organisation.children.all()]
        return [child for child in children if child is not None]

    @extend_schema_field(RoleSerializer(many=True))
    def get_members(self, organisation):
        """Who held which title when: leadership succession, earliest first."""
        roles = [
            role for role in organisation.roles.all() if not is_hidden(role.person, self.context)
        ]
        return RoleSerializer(roles, many=True, context=self.context).data

    @extend_schema_field(LinkedCountSerializer)
    def get_operations_conducted(self, organisation):
        return linked_count(
            organisation.conducted_count, "operation-list", self.context, actor=organisation.pk
        )

    @extend_schema_field(LinkedCountSerializer)
    def get_operations_targeted(self, organisation):
        return linked_count(
            organisation.targeted_count,
            "operation-list",
            self.context,
            organisation=organisation.pk,
        )


class PlaceListSerializer(PublishableSerializer):
    view_name = "place-detail"
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    country = serializers.CharField(read_only=True)
    province = serializers.CharField(read_only=True)
    district = serializers.CharField(read_only=True)
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)
    aliases = PlaceNameSerializer(many=True, read_only=True)


class PlaceDetailSerializer(PlaceListSerializer):
    operations = serializers.SerializerMethodField()

    @extend_schema_field(LinkedCountSerializer)
    def get_operations(self, place):
        return linked_count(place.operation_count, "operation-list", self.context, place=place.pk)


class SourceListSerializer(PublishableSerializer):
    view_name = "source-detail"
    kind = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    web_url = serializers.CharField(source="url", read_only=True)
    publisher = OrganisationRefSerializer(read_only=True, allow_null=True)
    author = serializers.CharField(read_only=True)
    published_on = serializers.DateField(read_only=True, allow_null=True)
    language = serializers.CharField(read_only=True)
    reliability = serializers.CharField(read_only=True)
    archive_url = serializers.CharField(read_only=True)
    accessed_on = serializers.DateField(read_only=True, allow_null=True)


class SourceDetailSerializer(SourceListSerializer):
    claims = serializers.SerializerMethodField()

    @extend_schema_field(LinkedCountSerializer)
    def get_claims(self, source):
        return linked_count(source.claim_count, "claim-list", self.context, source=source.pk)
