"""How records are written through the API: the model's own validation, in one transaction.

A write serializer checks the shape of the request (DRF fields), then builds
model instances and runs `full_clean()` on each, so that the API refuses
exactly what the admin refuses. An operation comes with its forces, targets
and claims in the same request; one bad row anywhere writes nothing.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models as django_models
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.settings import api_settings

from .. import models
from ..filters import MAX_ID
from ..groups import can_publish, visible
from ..services import mark_changed


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO date-time with its offset: a naive one would be read in the server's zone."""

    def to_internal_value(self, value):
        try:
            parsed = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:
            # Well formed but impossible, such as 12:99.
            self.fail("invalid", format="YYYY-MM-DDThh:mm:ss±hh:mm")
        if parsed is not None and parsed.tzinfo is None:
            raise serializers.ValidationError(
                _("Give the offset too: 2022-10-06T15:23:00Z or 2022-10-06T18:23:00+03:00.")
            )
        return super().to_internal_value(value)


class TextField(serializers.CharField):
    """Text, and only text: DRF would take 0 for "0", which a script never means."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class IdField(serializers.PrimaryKeyRelatedField):
    """A record by id; null where allowed, but never "" (DRF would read it as null)."""

    def run_validation(self, data=serializers.empty):
        if data == "":
            self.fail("incorrect_type", data_type="str")
        return super().run_validation(data)


@extend_schema_field(OpenApiTypes.INT)
class VisibleRecordField(IdField):
    """A record by id, among those the writer may read."""

    default_error_messages = {
        "does_not_exist": _("No record with id {pk_value}."),
        "incorrect_type": _("Give a record's id, a whole number."),
    }

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return visible(self.model, self.context["request"].user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not str(data).isdigit() or int(data) > MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


def serializer_error(error, renames=None):
    """A Django ValidationError as DRF field errors, under the API's field names."""
    detail = serializers.as_serializer_error(error)
    renames = {NON_FIELD_ERRORS: api_settings.NON_FIELD_ERRORS_KEY, **(renames or {})}
    return {renames.get(key, key): value for key, value in detail.items()}


def check_status(user, model, status, instance=None):
    """Only a reviewer publishes, and only a reviewer changes what is published."""
    if instance is not None and instance.is_published and not can_publish(user, model):
        raise PermissionDenied(
            _("This %(kind)s is published: a reviewer changes it, or returns it to draft.")
            % {"kind": model._meta.verbose_name}
        )
    if status == models.Status.PUBLISHED and not can_publish(user, model):
        raise PermissionDenied(_("Only a reviewer can publish; an analyst's record is a draft."))


def validate(instance):
    """The model's validation; its constraints only once the rest passes, so that a
    rule that clean() explains is not repeated as "Constraint … is violated"."""
    instance.full_clean(validate_constraints=False)
    instance.validate_constraints()


def clean_and_save(instance, renames=None):
    try:
        validate(instance)
    except DjangoValidationError as error:
        raise serializers.ValidationError(serializer_error(error, renames)) from None
    instance.save()
    return instance


class StrictModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        django_models.CharField: TextField,
        django_models.TextField: TextField,
        django_models.URLField: TextField,
    }


class RecordWriteSerializer(StrictModelSerializer):
    """Writes one record (with `nested` rows, handled by subclasses) after full_clean()."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.renames = {
            field.source: name for name, field in self.fields.items() if field.source != name
        }

    @property
    def user(self):
        return self.context["request"].user

    def validate(self, data):
        if "status" in self.Meta.fields:
            check_status(self.user, self.Meta.model, data.get("status"), self.instance)
        return data

    def split_nested(self, validated_data):
        return validated_data, {}

    @transaction.atomic
    def create(self, validated_data):
        fields, nested = self.split_nested(validated_data)
        instance = clean_and_save(self.Meta.model(**fields), self.renames)
        self.write_nested(instance, nested, creating=True)
        return instance

    @transaction.atomic
    def update(self, instance, validated_data):
        fields, nested = self.split_nested(validated_data)
        for name, value in fields.items():
            setattr(instance, name, value)
        clean_and_save(instance, self.renames)
        self.write_nested(instance, nested, creating=False)
        return instance

    def write_nested(self, instance, nested, *, creating):
        pass


class AliasWriteSerializer(serializers.Serializer):
    name = TextField(max_length=200)
    kind = TextField(required=False)
    language = TextField(required=False, allow_blank=True)


class NamedWriteSerializer(RecordWriteSerializer):
    """A record with aliases: `aliases` given replaces the whole list."""

    aliases = AliasWriteSerializer(many=True, required=False)
    alias_fields = ("name",)

    def split_nested(self, validated_data):
        aliases = validated_data.pop("aliases", None)
        return validated_data, {"aliases": aliases}

    def write_nested(self, instance, nested, *, creating):
        aliases = nested["aliases"]
        if aliases is None:
            return
        manager = instance.aliases
        manager.all().delete()
        errors = {}
        for position, data in enumerate(aliases):
            values = {field: data[field] for field in self.alias_fields if field in data}
            alias = manager.model(**{manager.field.name: instance, **values})
            try:
                validate(alias)
                alias.save()
            except DjangoValidationError as error:
                errors[position] = serializer_error(error)
        if errors:
            raise serializers.ValidationError({"aliases": errors})


class PersonWriteSerializer(NamedWriteSerializer):
    alias_fields = ("name", "kind")

    class Meta:
        model = models.Person
        fields = ["name", "description", "status", "aliases"]


class OrganisationWriteSerializer(NamedWriteSerializer):
    parent = VisibleRecordField(models.Organisation, required=False, allow_null=True)

    class Meta:
        model = models.Organisation
        fields = ["name", "kind", "parent", "country", "description", "status", "aliases"]


class PlaceWriteSerializer(NamedWriteSerializer):
    alias_fields = ("name", "language")

    class Meta:
        model = models.Place
        fields = [
            "name",
            "kind",
            "country",
            "province",
            "district",
            "latitude",
            "longitude",
            "status",
            "aliases",
        ]


class SourceWriteSerializer(RecordWriteSerializer):
    web_url = TextField(source="url", required=False, allow_blank=True)
    publisher = VisibleRecordField(models.Organisation, required=False, allow_null=True)

    class Meta:
        model = models.Source
        fields = [
            "kind",
            "title",
            "web_url",
            "publisher",
            "author",
            "published_on",
            "language",
            "reliability",
            "archive_url",
            "accessed_on",
            "status",
        ]
        # The model checks uniqueness itself, on the normalised URL.
        validators = []
        extra_kwargs = {"archive_url": {"validators": []}}


# --- operations with their forces, targets and claims ------------------------


class ForceWriteSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    organisation = VisibleRecordField(models.Organisation)
    role = serializers.ChoiceField(
        choices=models.OperationForce.Role.choices, default=models.OperationForce.Role.LEAD
    )


class TargetWriteSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    person = VisibleRecordField(models.Person, required=False, allow_null=True)
    organisation = VisibleRecordField(models.Organisation, required=False, allow_null=True)
    description = TextField(required=False, allow_blank=True, max_length=200)
    role = TextField(required=False, allow_blank=True, max_length=200)
    outcome = serializers.ChoiceField(
        choices=models.Outcome.choices, default=models.Outcome.UNKNOWN
    )


CLAIM_FIELDS = [
    "source",
    "point",
    "target",
    "outcome",
    "category",
    "count_low",
    "count_high",
    "count_note",
    "occurred_at",
    "date_precision",
    "local_time_zone",
    "place",
    "location_precision",
    "claimed_forces",
    "kind",
    "attribution",
    "quote",
    "credibility",
    "supersedes",
]


class ClaimFieldsSerializer(StrictModelSerializer):
    """The fields of a claim; its target and supersedes are checked against its operation."""

    source = VisibleRecordField(models.Source)
    target = IdField(queryset=models.Target.objects.all(), required=False, allow_null=True)
    place = VisibleRecordField(models.Place, required=False, allow_null=True)
    claimed_forces = VisibleRecordField(models.Organisation, many=True, required=False)
    supersedes = IdField(queryset=models.Claim.objects.all(), required=False, allow_null=True)
    occurred_at = AwareDateTimeField(required=False, allow_null=True)

    class Meta:
        model = models.Claim
        fields = CLAIM_FIELDS


class NestedClaimWriteSerializer(ClaimFieldsSerializer):
    id = serializers.IntegerField(required=False)
    target_index = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The position, in this request's `targets`, of the target it is about.",
    )

    class Meta(ClaimFieldsSerializer.Meta):
        fields = ["id", "target_index", *CLAIM_FIELDS]


def save_claim(claim, forces, renames=None):
    clean_and_save(claim, renames)
    if forces is not None:
        claim.claimed_forces.set(forces)
    # A many-to-many cannot be checked in Model.clean(): here, after it is set.
    names_forces = bool(forces) if forces is not None else claim.claimed_forces.exists()
    if claim.point != models.Claim.Point.FORCES and names_forces:
        raise serializers.ValidationError(
            {"claimed_forces": [_("Only a claim about the conducting forces names forces.")]}
        )
    if claim.point == models.Claim.Point.FORCES and not names_forces:
        raise serializers.ValidationError(
            {"claimed_forces": [_("A claim about the conducting forces names at least one.")]}
        )
    return claim


class ClaimWriteSerializer(ClaimFieldsSerializer):
    """A claim on its own, added to (or changed on) an existing operation."""

    operation = VisibleRecordField(models.Operation)

    class Meta(ClaimFieldsSerializer.Meta):
        fields = ["operation", *CLAIM_FIELDS]

    def validate(self, data):
        if self.instance is not None and data.get("operation", self.instance.operation) != (
            self.instance.operation
        ):
            raise serializers.ValidationError(
                {"operation": [_("A claim stays on its operation: add a new one to the other.")]}
            )
        operation = data.get("operation") or self.instance.operation
        check_status(self.context["request"].user, models.Operation, None, operation)
        return data

    @transaction.atomic
    def create(self, validated_data):
        forces = validated_data.pop("claimed_forces", None)
        claim = save_claim(models.Claim(**validated_data), forces)
        mark_changed(claim.operation_id)
        return claim

    @transaction.atomic
    def update(self, instance, validated_data):
        forces = validated_data.pop("claimed_forces", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        save_claim(instance, forces)
        mark_changed(instance.operation_id)
        return instance


class OperationWriteSerializer(RecordWriteSerializer):
    """An operation and, in the same request, its forces, targets and claims.

    On update, a list that is given is the new state: rows with an `id` are
    changed, rows without one are added, and rows left out are deleted.
    """

    occurred_at = AwareDateTimeField()
    place = VisibleRecordField(models.Place, required=False, allow_null=True)
    forces = ForceWriteSerializer(many=True, required=False)
    targets = TargetWriteSerializer(many=True, required=False)
    claims = NestedClaimWriteSerializer(many=True, required=False)

    class Meta:
        model = models.Operation
        fields = [
            "title",
            "kind",
            "occurred_at",
            "date_precision",
            "local_time_zone",
            "place",
            "location_precision",
            "summary",
            "status",
            "forces",
            "targets",
            "claims",
        ]

    def split_nested(self, validated_data):
        nested = {name: validated_data.pop(name, None) for name in ("forces", "targets", "claims")}
        return validated_data, nested

    def write_nested(self, operation, nested, *, creating):
        errors, kept = {}, {}
        kept["forces"] = self.sync(operation.forces, nested["forces"], errors, "forces")
        kept["targets"] = self.sync(operation.targets, nested["targets"], errors, "targets")
        targets = nested["targets"] and kept["targets"]
        kept["claims"] = self.sync_claims(operation, nested["claims"], targets, errors)
        if not errors:
            self.delete_left_out(operation, nested, kept, errors)
        if errors:
            raise serializers.ValidationError(errors)

    def existing(self, manager, rows, errors, key):
        """The rows of this operation that the request names by id, in the request's order."""
        by_id = {row.pk: row for row in manager.all()}
        # A force is its organisation: sending it again, without its id, names that row.
        by_organisation = {getattr(row, "organisation_id", None): row for row in by_id.values()}
        found = []
        for position, data in enumerate(rows):
            if "id" in data and data["id"] not in by_id:
                errors.setdefault(key, {})[position] = {
                    "id": [_("No such row on this operation.")]
                }
            row = by_id.get(data.get("id"))
            if row is None and "id" not in data and key == "forces":
                row = by_organisation.get(data["organisation"].pk)
            found.append(row)
        return found

    def sync(self, manager, rows, errors, key):
        """Change the rows given by id and add the others; returns them in order."""
        if rows is None:
            return []
        saved, row_errors = [], {}
        current = self.existing(manager, rows, errors, key)
        for position, (data, row) in enumerate(zip(rows, current, strict=True)):
            if "id" in data and row is None:
                continue
            row = row or manager.model(operation=manager.instance)
            for name, value in data.items():
                if name != "id":
                    setattr(row, name, value)
            try:
                validate(row)
                row.save()
            except DjangoValidationError as error:
                row_errors[position] = serializer_error(error)
            saved.append(row)
        if row_errors:
            errors.setdefault(key, {}).update(row_errors)
        return saved

    def sync_claims(self, operation, rows, targets, errors):
        """Like `sync`; a claim may name its target by position in this request's targets."""
        if rows is None:
            return []
        saved, row_errors = [], {}
        current = self.existing(operation.claims, rows, errors, "claims")
        for position, (data, claim) in enumerate(zip(rows, current, strict=True)):
            if "id" in data and claim is None:
                continue
            data = {name: value for name, value in data.items() if name != "id"}
            forces = data.pop("claimed_forces", None)
            index = data.pop("target_index", None)
            if index is not None:
                if not targets or index >= len(targets) or targets[index].pk is None:
                    row_errors[position] = {"target_index": [_("No target at that position.")]}
                    continue
                data["target"] = targets[index]
            claim = claim or models.Claim(operation=operation)
            for name, value in data.items():
                setattr(claim, name, value)
            try:
                saved.append(save_claim(claim, forces))
            except serializers.ValidationError as error:
                row_errors[position] = error.detail
        if row_errors:
            errors.setdefault("claims", {}).update(row_errors)
        return saved

    def delete_left_out(self, operation, nested, kept, errors):
        """Rows that an update's lists leave out are deleted, claims first."""
        for key in ("claims", "forces", "targets"):
            if nested[key] is None:
                continue
            manager = getattr(operation, key)
            for row in manager.exclude(pk__in=[row.pk for row in kept[key]]):
                try:
                    row.delete()
                except (ProtectedError, RestrictedError):
                    errors[key] = [
                        _("Claims still refer to %(name)s: change or remove them first.")
                        % {"name": row}
                    ]
