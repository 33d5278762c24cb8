"""Forms of the admin: what analysts type, turned into valid records."""

import datetime as dt

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.utils.translation import gettext_lazy as _

from . import dates, models
from .normalise import normalise_url


class LoadedLabelsMixin:
    """An autocomplete widget that labels its chosen options from objects already loaded.

    Django's widget looks the chosen objects up again, one query per form:
    on an operation with twenty claims that is sixty queries. The form hands it
    the objects that the inline's queryset has already selected or prefetched.
    """

    loaded = None

    def optgroups(self, name, value, attr=None):
        chosen = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if self.loaded is None or not chosen <= self.loaded.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for key in sorted(chosen):
            options.append(self.create_option(name, key, self.loaded[key], True, len(options)))
        return [(None, options, 0)]


class LoadedAutocompleteSelect(LoadedLabelsMixin, AutocompleteSelect):
    pass


class LoadedAutocompleteSelectMultiple(LoadedLabelsMixin, AutocompleteSelectMultiple):
    pass


class LoadedLabelsForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, LoadedLabelsMixin):
                widget.loaded = self.loaded_objects(name)

    def loaded_objects(self, name):
        """{str(pk): label} of what the instance already holds in `name`, or None."""
        instance = self.instance
        if instance.pk is None:
            return {}
        field = instance._meta.get_field(name)
        if field.many_to_many:
            objects = getattr(instance, "_prefetched_objects_cache", {}).get(name)
            if objects is None:
                return None
            return {str(obj.pk): str(obj) for obj in objects}
        if not field.is_cached(instance):
            return None
        related = field.get_cached_value(instance)
        return {str(related.pk): str(related)} if related is not None else {}


class LocalTimeForm(LoadedLabelsForm):
    """A time typed as the sources give it: a local date, a time for minute or hour
    precision, a zone. The model stores UTC; typing "5 Oct 2022, day precision,
    Asia/Damascus" is easier and safer than working out 4 Oct 21:00 UTC by hand."""

    local_date = forms.DateField(required=False, label=_("date (local)"))
    local_time = forms.TimeField(
        required=False, label=_("time (local)"), help_text=_("For minute or hour precision.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.occurred_at is not None:
            local = self.instance.local_occurred_at
            self.initial.setdefault("local_date", local.date())
            if self.instance.date_precision in (
                dates.DatePrecision.MINUTE,
                dates.DatePrecision.HOUR,
            ):
                self.initial.setdefault("local_time", local.time())

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("local_date"), cleaned.get("local_time")
        zone, precision = cleaned.get("local_time_zone"), cleaned.get("date_precision")
        if day is None:
            if "local_date" not in self.errors:
                self.instance.occurred_at = None  # the model says whether one is needed
            return cleaned
        if not zone or not precision:
            self.add_error("local_date", _("Give the date's time zone and precision too."))
            return cleaned
        if zone not in dates.time_zone_names():
            return cleaned  # the model reports the unknown zone
        needs_time = precision in (dates.DatePrecision.MINUTE, dates.DatePrecision.HOUR)
        if needs_time and time is None:
            self.add_error(
                "local_time",
                _("Give the time for %(precision)s precision.") % {"precision": precision},
            )
            return cleaned
        if not needs_time and time not in (None, dt.time()):
            self.add_error(
                "local_time", _("Leave the time empty, or choose minute or hour precision.")
            )
            return cleaned
        if not models.FIRST_YEAR <= day.year <= models.LAST_YEAR:
            self.add_error(
                "local_date",
                _("Give a year between %(first)s and %(last)s.")
                % {"first": models.FIRST_YEAR, "last": models.LAST_YEAR},
            )
            return cleaned
        moment = dt.datetime.combine(day, time or dt.time())
        self.instance.occurred_at = dates.from_local(
            *moment.timetuple()[:5], zone=zone, precision=dates.DatePrecision.MINUTE
        )
        return cleaned

    def _update_errors(self, errors):
        # The model speaks of occurred_at; the analyst typed local_date.
        if hasattr(errors, "error_dict") and "occurred_at" in errors.error_dict:
            errors.error_dict.setdefault("local_date", []).extend(
                errors.error_dict.pop("occurred_at")
            )
        super()._update_errors(errors)


class ClaimForm(LocalTimeForm):
    """A claim whose source may be given by URL: found when known, created when new."""

    source_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label=_("or the source's URL"),
        help_text=_("A known URL (in any spelling) finds its source; a new one creates a draft."),
    )
    source_title = forms.CharField(required=False, label=_("title of a new source"))
    source_kind = forms.ChoiceField(
        required=False,
        choices=[("", "---------"), *models.Source.Kind.choices],
        label=_("kind of a new source"),
    )

    class Meta:
        model = models.Claim
        fields = [
            "operation",
            "source",
            "point",
            "target",
            "outcome",
            "category",
            "count_low",
            "count_high",
            "count_note",
            "local_date",
            "local_time",
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "source" in self.fields:  # absent from a read-only view
            self.fields["source"].required = False
        self.new_source = None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") or not self.has_changed():
            return cleaned
        url = normalise_url(cleaned.get("source_url"))
        if not url:
            self.add_error("source", _("Choose a source, or give its URL."))
            return cleaned
        known = models.Source.objects.at_urls([url]).first()
        if known:
            cleaned["source"] = self.instance.source = known
            return cleaned
        source = models.Source(
            url=url,
            title=cleaned.get("source_title") or url,
            kind=cleaned.get("source_kind") or models.Source.Kind.NEWS_ARTICLE,
        )
        try:
            source.full_clean()
        except forms.ValidationError as error:
            self.add_error("source_url", error.messages)
            return cleaned
        self.new_source = source
        return cleaned

    def _post_clean(self):
        if self.new_source is not None:
            # The claim is validated as if its new source existed; it is saved first in save().
            self.instance.source = self.new_source
        super()._post_clean()

    def save(self, commit=True):
        if self.new_source is not None and self.new_source.pk is None:
            self.new_source.save()
            self.instance.source = self.new_source
        return super().save(commit)


class OperationForm(LocalTimeForm):
    local_date = forms.DateField(label=_("date (local)"))

    class Meta:
        model = models.Operation
        fields = [
            "title",
            "kind",
            "status",
            "summary",
            "local_date",
            "local_time",
            "local_time_zone",
            "date_precision",
            "place",
            "location_precision",
        ]
