"""The forms of the admin's "Add from article" page.

Step 1 takes the article; step 2 shows what the assistant proposes, one form per
operation, target and claim, each with the sentence it came from, for the
analyst to correct, drop or complete. Nothing here writes: `confirm.py` does,
from the cleaned forms.

The page keeps no state between the steps: each step posts the article again
and the assistant reads it again, so the review forms are built from the same
proposal on every request.
"""

import hashlib
import json

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.widgets import (
    AdminDateWidget,
    AdminTextInputWidget,
    AdminTimeWidget,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
)
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from ..api.proposals import NO_TEXT, latest_publication_date
from ..forms import LocalTimeForm
from ..models import (
    FIRST_YEAR,
    MAX_COUNT,
    Claim,
    Operation,
    Organisation,
    Outcome,
    Person,
    Source,
    Status,
    Target,
    validate_web_url,
)
from . import assistant
from .proposals import ARTICLE_MAX_LENGTH

BLANK = [("", "---------")]


def autocomplete(model, field_name, *, multiple=False):
    """The admin's autocomplete widget, searching as the admin of the field's model does."""
    widget = AutocompleteSelectMultiple if multiple else AutocompleteSelect
    return widget(model._meta.get_field(field_name), admin.site)


class AdminRows:
    """Fields laid out in rows, as the admin's fieldsets show them."""

    rows = ()

    def fieldset(self):
        rows = [[name for name in row if name in self.fields] for row in self.rows]
        return helpers.Fieldset(self, fields=[row for row in rows if row])


class ArticleForm(AdminRows, forms.Form):
    """Step 1: the article, as the API's POST /api/v1/proposals/ takes it."""

    rows = [["text"], ["url"], ["publisher", "published"]]

    text = forms.CharField(
        max_length=ARTICLE_MAX_LENGTH,
        # The text goes to the assistant as it came, as the other doors pass it.
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
        error_messages={"required": NO_TEXT},
        help_text=_("The article or press release, as plain text."),
    )
    url = forms.URLField(
        label=_("URL"),
        required=False,
        assume_scheme="https",
        max_length=Source._meta.get_field("url").max_length,
        validators=[validate_web_url],
        widget=forms.URLInput(attrs={"class": "vURLField"}),
    )
    publisher = forms.CharField(
        required=False,
        max_length=Organisation._meta.get_field("name").max_length,
        widget=AdminTextInputWidget,
        help_text=_("Matched to the organisations recorded, with their aliases."),
    )
    published = forms.DateField(
        label=_("Publication date"),
        widget=AdminDateWidget,
        help_text=_('"On Thursday" or "last night" are read from it.'),
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not text.strip():
            raise ValidationError(NO_TEXT)
        return text

    def clean_published(self):
        published = self.cleaned_data["published"]
        if published > latest_publication_date():
            raise ValidationError(_("A publication date cannot be in the future."))
        if published.year < FIRST_YEAR:
            raise ValidationError(
                _("Give a publication date from %(year)s on.") % {"year": FIRST_YEAR}
            )
        return published

    def propose(self):
        data = self.cleaned_data
        return assistant.propose_from_text(
            data["text"],
            published=data["published"],
            url=data["url"] or None,
            publisher=data["publisher"] or None,
        )


class Droppable:
    """A proposal the analyst may leave out: then its fields' errors do not count."""

    def full_clean(self):
        super().full_clean()
        if self.is_bound and not self.recorded:
            self._errors = ErrorDict()

    @property
    def recorded(self):
        return bool(self.cleaned_data.get("keep"))


def keep_field():
    return forms.BooleanField(required=False, initial=True, label=_("record it"))


class SourceReviewForm(AdminRows, forms.Form):
    rows = [["existing"], ["title"], ["kind", "published_on"], ["url"], ["publisher"]]

    existing = forms.ModelChoiceField(
        Source.objects.all(),
        required=False,
        widget=autocomplete(Claim, "source"),
        label=_("a recorded source"),
        help_text=_("Leave empty to record a new source from the fields below."),
    )
    title = forms.CharField(
        required=False,
        max_length=Source._meta.get_field("title").max_length,
        widget=AdminTextInputWidget,
    )
    kind = forms.ChoiceField(choices=Source.Kind.choices)
    url = forms.URLField(
        required=False,
        assume_scheme="https",
        max_length=Source._meta.get_field("url").max_length,
        validators=[validate_web_url],
        widget=forms.URLInput(attrs={"class": "vURLField"}),
    )
    publisher = forms.ModelChoiceField(
        Organisation.objects.all(), required=False, widget=autocomplete(Source, "publisher")
    )
    published_on = forms.DateField(required=False, widget=AdminDateWidget)

    def __init__(self, data=None, *, proposal, prefix="source"):
        source = proposal.source
        publishers = source.publisher_matches
        initial = {
            "existing": source.existing,
            "title": source.title,
            "kind": source.kind,
            "url": source.url,
            # Several organisations of that name: the analyst picks, none is picked for them.
            "publisher": publishers[0].id if len(publishers) == 1 else None,
            "published_on": source.published_on,
        }
        super().__init__(data, prefix=prefix, initial=initial)
        self.proposal = source

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("existing") and not cleaned.get("title", "").strip():
            self.add_error(
                "title", _("Give the title of the new source, or choose a recorded one.")
            )
        return cleaned


class OperationReviewForm(AdminRows, Droppable, LocalTimeForm):
    """One proposed operation: a new draft, or its claims added to a recorded operation."""

    rows = [
        ["keep"],
        ["add_to"],
        ["title", "kind"],
        ["local_date", "local_time", "local_time_zone", "date_precision"],
        ["place", "location_precision"],
        ["forces"],
    ]

    keep = keep_field()
    add_to = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        label=_("record as"),
    )
    # Required, as on the operation's own page: a text without a date needs one typed.
    local_date = forms.DateField(label=_("date (local)"), widget=AdminDateWidget)
    forces = forms.ModelMultipleChoiceField(
        Organisation.objects.all(),
        required=False,
        widget=autocomplete(Claim, "claimed_forces", multiple=True),
        label=_("conducting forces"),
    )

    class Meta:
        model = Operation
        fields = [
            "title",
            "kind",
            "local_time_zone",
            "date_precision",
            "place",
            "location_precision",
        ]
        widgets = {"title": AdminTextInputWidget, "place": autocomplete(Operation, "place")}

    field_order = ["keep", "add_to", "title", "kind", "local_date", "local_time"]

    def __init__(self, data=None, *, proposal, prefix):
        instance = Operation(
            title=proposal.title,
            kind=proposal.kind,
            occurred_at=proposal.occurred_at,
            date_precision=proposal.date_precision,
            local_time_zone=proposal.local_time_zone or "UTC",
            place_id=proposal.place.id if proposal.place else None,
            location_precision=proposal.location_precision,
            status=Status.DRAFT,
        )
        initial = {"forces": [force.id for force in proposal.forces]}
        if proposal.same_as:
            initial["add_to"] = proposal.same_as[0].id
        super().__init__(data, prefix=prefix, instance=instance, initial=initial)
        self.proposal = proposal
        self.fields["local_time"].widget = AdminTimeWidget()
        if proposal.same_as:
            self.fields["add_to"].choices = [("", _("a new operation"))] + [
                (
                    event.id,
                    _("add these claims to operation #%(id)s “%(title)s”, %(when)s (%(why)s)")
                    % {
                        "id": event.id,
                        "title": event.title,
                        "when": event.when,
                        "why": ", ".join(event.reasons),
                    },
                )
                for event in proposal.same_as
            ]
        else:
            del self.fields["add_to"]

    @property
    def recorded(self):
        """Whether its own fields are recorded: kept, as a new operation."""
        return super().recorded and self.adds_to is None

    @property
    def adds_to(self):
        """The id of the recorded operation the claims go to, or None for a new one."""
        return self.cleaned_data.get("add_to")

    @property
    def kept(self):
        return bool(self.cleaned_data.get("keep"))


class TargetReviewForm(AdminRows, Droppable, forms.Form):
    rows = [
        ["keep"],
        ["candidate"],
        ["person", "organisation"],
        ["new_person", "description"],
        ["role", "outcome"],
    ]

    keep = keep_field()
    candidate = forms.ChoiceField(
        required=False, widget=forms.RadioSelect, label=_("the name may be")
    )
    person = forms.ModelChoiceField(
        Person.objects.all(),
        required=False,
        widget=autocomplete(Target, "person"),
        label=_("or a recorded person"),
    )
    organisation = forms.ModelChoiceField(
        Organisation.objects.all(),
        required=False,
        widget=autocomplete(Target, "organisation"),
        label=_("or a recorded organisation"),
    )
    new_person = forms.CharField(
        required=False,
        max_length=Person._meta.get_field("name").max_length,
        widget=AdminTextInputWidget,
        label=_("or a new person, spelt as written"),
        help_text=_("Recorded as a draft person."),
    )
    description = forms.CharField(
        required=False,
        max_length=Target._meta.get_field("description").max_length,
        widget=AdminTextInputWidget,
        label=_("or an unnamed target"),
    )
    role = forms.CharField(
        required=False,
        max_length=Target._meta.get_field("role").max_length,
        widget=AdminTextInputWidget,
    )
    outcome = forms.ChoiceField(choices=Outcome.choices)

    def __init__(self, data=None, *, proposal, prefix):
        candidates = proposal.candidates
        initial = {
            # One candidate is offered as chosen; several are offered, none chosen.
            "candidate": self.key(candidates[0]) if len(candidates) == 1 else "",
            "new_person": proposal.new_person,
            "description": proposal.description,
            "role": proposal.role,
            "outcome": proposal.outcome,
        }
        super().__init__(data, prefix=prefix, initial=initial)
        self.proposal = proposal
        if candidates:
            self.fields["candidate"].choices = [
                (self.key(match), self.describe(match)) for match in candidates
            ] + [("", _("none of these: as below"))]
        else:
            del self.fields["candidate"]

    @staticmethod
    def key(match):
        return f"{match.model}:{match.id}"

    @staticmethod
    def describe(match):
        draft = "" if match.status == Status.PUBLISHED else _(" (draft)")
        return _("%(name)s%(draft)s: matched “%(matched)s”, score %(score).2f") % {
            "name": match.name,
            "draft": draft,
            "matched": match.matched,
            "score": match.score,
        }

    def clean(self):
        cleaned = super().clean()
        if not self.recorded:
            return cleaned
        candidate = cleaned.get("candidate")
        if candidate:
            model, pk = candidate.split(":")
            chosen = {"person": Person, "organisation": Organisation}[model]
            cleaned[model] = chosen.objects.filter(pk=pk).first()
            if cleaned[model] is None:
                raise ValidationError(_("The record chosen was deleted since: choose another."))
        given = [
            name
            for name in ("person", "organisation", "new_person", "description")
            if cleaned.get(name)
        ]
        if len(given) != 1:
            raise ValidationError(
                _(
                    "Give exactly one of: a name offered, a recorded person or organisation, "
                    "a new person or an unnamed target (%(given)s given)."
                )
                % {"given": len(given)}
            )
        return cleaned


class ClaimReviewForm(AdminRows, Droppable, forms.Form):
    rows = [
        ["keep", "point"],
        ["attribution"],
        ["quote"],
        ["target", "outcome"],
        ["category", "count_low", "count_high", "count_note"],
    ]

    keep = keep_field()
    point = forms.ChoiceField(choices=Claim.Point.choices)
    attribution = forms.CharField(
        required=False,
        max_length=Claim._meta.get_field("attribution").max_length,
        widget=AdminTextInputWidget,
    )
    quote = forms.CharField(
        required=False,
        max_length=Claim._meta.get_field("quote").max_length,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text=_("The sentence it came from: shorten it to what the source says."),
    )
    target = forms.ChoiceField(required=False)
    outcome = forms.ChoiceField(required=False, choices=BLANK + Outcome.choices)
    category = forms.ChoiceField(required=False, choices=BLANK + Claim.Category.choices)
    count_low = forms.IntegerField(required=False, min_value=0, max_value=MAX_COUNT)
    count_high = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_COUNT,
        help_text=_("Empty for an open range: 'at least 13'."),
    )
    count_note = forms.CharField(
        required=False,
        max_length=Claim._meta.get_field("count_note").max_length,
        widget=AdminTextInputWidget,
    )

    def __init__(self, data=None, *, proposal, targets, prefix):
        initial = {
            "point": proposal.point,
            "attribution": proposal.attribution,
            "quote": proposal.sentence[: Claim._meta.get_field("quote").max_length],
            "target": proposal.target,
            "outcome": proposal.outcome,
            "category": proposal.category,
            "count_low": proposal.count_low,
            "count_high": proposal.count_high,
            "count_note": proposal.count_note,
        }
        super().__init__(data, prefix=prefix, initial=initial)
        self.proposal = proposal
        self.point_label = dict(Claim.Point.choices).get(proposal.point, proposal.point)
        self.fields["target"].choices = BLANK + [(t.key, t.text) for t in targets]


class OperationReview:
    """The forms of one proposed operation: its own, its targets' and its claims'."""

    def __init__(self, proposal, data, prefix):
        self.proposal = proposal
        self.form = OperationReviewForm(data, proposal=proposal, prefix=prefix)
        self.targets = [
            TargetReviewForm(data, proposal=target, prefix=f"{prefix}-target-{index}")
            for index, target in enumerate(proposal.targets)
        ]
        self.claims = [
            ClaimReviewForm(
                data, proposal=claim, targets=proposal.targets, prefix=f"{prefix}-claim-{index}"
            )
            for index, claim in enumerate(proposal.claims)
        ]

    def forms(self):
        return [self.form, *self.targets, *self.claims]

    def is_valid(self):
        if self.form.is_valid() and not self.form.kept:
            return True  # dropped with all it holds
        # Every form is checked, so that the page shows all its errors at once.
        valid = [form.is_valid() for form in self.forms()]
        return all(valid)


class Review:
    """Step 2: every proposal of the article as a form, bound to `data` once posted.

    The page carries a digest of the proposal it showed: the assistant reads the
    article again on confirmation, and if recorded names or operations changed
    meanwhile its proposal may differ, and the posted forms would then be taken
    for other proposals.
    """

    def __init__(self, proposal, data=None):
        self.proposal = proposal
        self.digest = hashlib.sha256(
            json.dumps(proposal.as_json(), sort_keys=True).encode()
        ).hexdigest()
        if data is not None and data.get("digest") != self.digest:
            self.outdated = True
            data = None
        else:
            self.outdated = False
        self.source = SourceReviewForm(data, proposal=proposal)
        self.operations = [
            OperationReview(operation, data, prefix=f"op-{index}")
            for index, operation in enumerate(proposal.operations)
        ]

    def is_valid(self):
        return all([self.source.is_valid(), *(part.is_valid() for part in self.operations)])

    @property
    def media(self):
        media = self.source.media
        for part in self.operations:
            for form in part.forms():
                media += form.media
        return media
