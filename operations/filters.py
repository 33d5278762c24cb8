"""The filters of every list, defined once: the API and the timeline pages both use them.

A value that cannot be read is an error naming its parameter (a 400 in the
API), never ignored: a script that asks for `kind=teleport` learns it at once.
"""

import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .groups import sees_drafts, visible
from .models import (
    COUNTRY_CODES,
    Claim,
    Operation,
    OperationKind,
    Organisation,
    Outcome,
    Person,
    Place,
    Source,
    Status,
)
from .normalise import normalise_url

# The largest id a database column holds; larger ones are refused before a query.
MAX_ID = 2**63 - 1


class RecordField(forms.ModelChoiceField):
    """A record chosen by id, among those the reader may see (a draft is "not found")."""

    default_error_messages = {
        "invalid_choice": _("No record with id %(value)s."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValidationError(_("Give a record's id, a whole number.")) from None
        if not 0 < number <= MAX_ID:
            raise ValidationError(self.error_messages["invalid_choice"], params={"value": number})
        return super().to_python(number)


@extend_schema_field(OpenApiTypes.INT)
class RecordFilter(django_filters.ModelChoiceFilter):
    field_class = RecordField

    def __init__(self, *args, model, **kwargs):
        super().__init__(*args, queryset=lambda request: visible(model, request.user), **kwargs)


class BoundingBoxField(forms.CharField):
    """`min_lon,min_lat,max_lon,max_lat`, as in GeoJSON and most map libraries."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        parts = value.split(",")
        try:
            numbers = [float(part) for part in parts]
        except ValueError:
            numbers = []
        if len(numbers) != 4 or not all(abs(number) < float("inf") for number in numbers):
            raise ValidationError(
                _("Give four numbers: min_lon,min_lat,max_lon,max_lat (such as 35,32,43,38).")
            )
        min_lon, min_lat, max_lon, max_lat = numbers
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
            raise ValidationError(_("Longitudes run from -180 to 180."))
        if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            raise ValidationError(_("Latitudes run from -90 to 90."))
        if min_lon > max_lon or min_lat > max_lat:
            raise ValidationError(_("The minimum comes first: min_lon,min_lat,max_lon,max_lat."))
        return numbers


@extend_schema_field(OpenApiTypes.STR)
class BoundingBoxFilter(django_filters.Filter):
    field_class = BoundingBoxField


class AnyOfField(django_filters.fields.MultipleChoiceField):
    """Values to match any of; an empty one (`kind=`, from a form) is no value."""

    def clean(self, value):
        return super().clean([item for item in value or [] if item != ""])


class AnyOfFilter(django_filters.MultipleChoiceFilter):
    field_class = AnyOfField


class CountryField(forms.CharField):
    """An ISO 3166 alpha-2 code, in either case: sy is SY."""

    def to_python(self, value):
        value = super().to_python(value).upper()
        if value and value not in COUNTRY_CODES:
            raise ValidationError(
                _("%(value)s is not an ISO 3166 alpha-2 country code (such as SY or IQ)."),
                params={"value": value},
            )
        return value


class CountryFilter(django_filters.CharFilter):
    field_class = CountryField


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is an error rather than "no filter"."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise ValidationError(_("Give true or false."))

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class DateField(forms.DateField):
    """An ISO date, and only that: "yesterdayish" or "06/10/2022" is refused."""

    input_formats = ["%Y-%m-%d"]
    default_error_messages = {"invalid": _("Give an ISO date: YYYY-MM-DD.")}


class UpdatedAfterField(forms.DateTimeField):
    default_error_messages = {
        "invalid": _("Give an ISO date-time, such as 2026-01-31T12:00:00Z."),
    }

    def to_python(self, value):
        moment = super().to_python(value)
        try:
            # In UTC, as the database compares it: the calendar must still hold it.
            return moment and moment.astimezone(dt.UTC)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class IsoDateFilter(django_filters.DateFilter):
    field_class = DateField


class UpdatedAfterFilter(django_filters.Filter):
    field_class = UpdatedAfterField


class PublishableFilterSet(django_filters.FilterSet):
    """What every list accepts: records changed since a moment, for keeping a copy."""

    updated_after = UpdatedAfterFilter(
        label=_("Changed after"),
        field_name="updated_at",
        lookup_expr="gt",
        help_text=_("Only records changed after this ISO date-time."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        help_text=_("draft or published (drafts are shown to analysts and reviewers only)."),
    )

    @property
    def public(self):
        """Whether the reader sees published records only (figures rest on published claims)."""
        user = getattr(self.request, "user", None)
        return user is None or not sees_drafts(user, self._meta.model)


class SearchField(forms.CharField):
    """Free text of a few words: each word is a condition on every name key."""

    max_words = 12

    def __init__(self, **kwargs):
        super().__init__(max_length=200, **kwargs)

    def validate(self, value):
        super().validate(value)
        if len(value.split()) > self.max_words:
            raise ValidationError(
                _("Search with at most %(count)s words."), params={"count": self.max_words}
            )


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class OperationFilterSet(PublishableFilterSet):
    """Every operation filter of DESIGN.md, under the names scripts rely on."""

    kind = AnyOfFilter(
        label=_("Kind"),
        choices=OperationKind.choices,
        help_text=_("Kind of operation; repeat for several (kind=airstrike&kind=drone_strike)."),
    )
    country = CountryFilter(
        label=_("Country"),
        method="filter_country",
        help_text=_("ISO 3166 alpha-2 code of the place's country, such as SY."),
    )
    date_after = IsoDateFilter(
        label=_("From (local date)"),
        field_name="occurred_on",
        lookup_expr="gte",
        help_text=_("On or after this ISO date (the local date where it happened)."),
    )
    date_before = IsoDateFilter(
        label=_("To (local date)"),
        field_name="occurred_on",
        lookup_expr="lte",
        help_text=_("On or before this ISO date (the local date where it happened)."),
    )
    actor = RecordFilter(
        label=_("Conducted by"),
        model=Organisation,
        field_name="forces__organisation",
        distinct=True,
        help_text=_("Id of an organisation that conducted the operation."),
    )
    organisation = RecordFilter(
        label=_("Targets belonging to"),
        model=Organisation,
        method="filter_organisation",
        help_text=_(
            "Id of an organisation: operations that targeted it or persons who held a role in it."
        ),
    )
    person = RecordFilter(
        label=_("Targeted person"),
        model=Person,
        field_name="targets__person",
        distinct=True,
        help_text=_("Id of a targeted person."),
    )
    outcome = django_filters.ChoiceFilter(
        label=_("A target was"),
        choices=Outcome.choices,
        method="filter_outcome",
        help_text=_("Operations with a target of this reported outcome."),
    )
    place = RecordFilter(label=_("Place"), model=Place, help_text=_("Id of the place."))
    q = SearchFilter(
        label=_("Words or names"),
        method="filter_q",
        help_text=_(
            "Free text over titles, summaries and the names and aliases of targets, "
            "forces and places, folding transliterations (Qurashi finds al-Qurayshi)."
        ),
    )
    contested = StrictBooleanFilter(
        label=_("Sources disagree"),
        method="filter_contested",
        help_text=_("true: sources disagree on some point; false: they do not."),
    )
    civilian_harm = StrictBooleanFilter(
        label=_("Civilians reported killed or wounded"),
        method="filter_civilian_harm",
        help_text=_("true: some current claim reports civilians killed or wounded."),
    )
    bbox = BoundingBoxFilter(
        label=_("Inside the box"),
        method="filter_bbox",
        help_text=_("Places inside min_lon,min_lat,max_lon,max_lat (WGS 84 degrees)."),
    )
    ordering = django_filters.ChoiceFilter(
        label=_("Order"),
        choices=(("-date", _("newest first")), ("date", _("oldest first"))),
        method="filter_ordering",
        help_text=_("-date (newest first, the default) or date (oldest first)."),
    )

    class Meta:
        model = Operation
        fields = []

    def located(self, queryset, **conditions):
        """Operations whose place meets `conditions`; a draft place keeps its secrets."""
        places = Place.objects.published() if self.public else Place.objects.all()
        return queryset.filter(place__in=places.filter(**conditions))

    def filter_country(self, queryset, name, value):
        return self.located(queryset, country=value)

    def filter_bbox(self, queryset, name, value):
        min_lon, min_lat, max_lon, max_lat = value
        return self.located(
            queryset,
            longitude__gte=min_lon,
            longitude__lte=max_lon,
            latitude__gte=min_lat,
            latitude__lte=max_lat,
        )

    def filter_organisation(self, queryset, name, value):
        targeting = Operation.objects.targeting(value, public=self.public)
        return queryset.filter(pk__in=targeting.values("pk"))

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(value.replace("date", "occurred_at"))

    def filter_outcome(self, queryset, name, value):
        with_outcome = Operation.objects.filter(targets__outcome=value).values("pk")
        return queryset.filter(pk__in=with_outcome)

    def filter_q(self, queryset, name, value):
        return queryset.search(value, public=self.public)

    def filter_contested(self, queryset, name, value):
        contested = Operation.objects.contested(public=self.public).values("pk")
        if value:
            return queryset.filter(pk__in=contested)
        return queryset.exclude(pk__in=contested)

    def filter_civilian_harm(self, queryset, name, value):
        harmed = Operation.objects.civilian_harm(public=self.public).values("pk")
        if value:
            return queryset.filter(pk__in=harmed)
        return queryset.exclude(pk__in=harmed)


class NamedFilterSet(PublishableFilterSet):
    q = SearchFilter(
        method="filter_q",
        help_text=_("A name or alias, folding transliterations (Qurashi finds al-Qurayshi)."),
    )

    def filter_q(self, queryset, name, value):
        return queryset.matching(value) if value.strip() else queryset


class PersonFilterSet(NamedFilterSet):
    organisation = RecordFilter(
        model=Organisation,
        field_name="roles__organisation",
        distinct=True,
        help_text=_("Id of an organisation the person held a role in."),
    )

    class Meta:
        model = Person
        fields = []


class OrganisationFilterSet(NamedFilterSet):
    kind = AnyOfFilter(choices=Organisation.Kind.choices)
    country = CountryFilter()
    parent = RecordFilter(model=Organisation, help_text=_("Id of the parent organisation."))

    class Meta:
        model = Organisation
        fields = []


class PlaceFilterSet(NamedFilterSet):
    kind = AnyOfFilter(choices=Place.Kind.choices)
    country = CountryFilter()

    class Meta:
        model = Place
        fields = []


class SourceFilterSet(PublishableFilterSet):
    kind = AnyOfFilter(choices=Source.Kind.choices)
    publisher = RecordFilter(model=Organisation, help_text=_("Id of the publisher."))
    reliability = AnyOfFilter(choices=Source.Reliability.choices)
    published_after = IsoDateFilter(field_name="published_on", lookup_expr="gte")
    published_before = IsoDateFilter(field_name="published_on", lookup_expr="lte")
    url = django_filters.CharFilter(
        method="filter_url", help_text=_("A URL in any spelling: finds its normalised form.")
    )

    class Meta:
        model = Source
        fields = []

    def filter_url(self, queryset, name, value):
        return queryset.at_urls([normalise_url(value)])


class ClaimFilterSet(django_filters.FilterSet):
    operation = RecordFilter(model=Operation, help_text=_("Id of the operation."))
    source = RecordFilter(model=Source, help_text=_("Id of the source."))
    point = AnyOfFilter(choices=Claim.Point.choices)
    category = AnyOfFilter(choices=Claim.Category.choices)
    updated_after = UpdatedAfterFilter(field_name="updated_at", lookup_expr="gt")

    class Meta:
        model = Claim
        fields = []
