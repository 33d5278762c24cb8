"""The admin, where analysts record reports and reviewers publish them.

Publishing is a permission (`publish_<model>`), held by the Reviewer group.
Without it the status field is read-only, the publish actions are absent, and
`save_model` keeps the stored status whatever the request says — so neither
a crafted POST nor a revert to a published version publishes anything.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.db import models as django_models
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import admin_intake, models
from .admin_import import import_page
from .forms import (
    ClaimForm,
    LoadedAutocompleteSelect,
    LoadedAutocompleteSelectMultiple,
    LoadedLabelsForm,
    OperationForm,
)
from .groups import can_publish
from .limits import takes_uploads
from .normalise import normalise_url
from .services import (
    INLINE_MODELS,
    MergeError,
    mark_changed,
    merge_operations,
    revert_inlines,
    save_as,
    undo_merge,
)
from .versions import VersionedForm, is_versioned

admin.site.site_header = "OpsDB"
admin.site.site_title = "OpsDB admin"
admin.site.index_title = "Record and review operations"


def link_to(record, text=None):
    """A link to a record's change page in the admin."""
    opts = record._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    return format_html('<a href="{}">{}</a>', url, text or record)


def is_autocomplete(request):
    match = request.resolver_match
    return match is not None and match.url_name == "autocomplete"


def parent_object_id(request):
    """The id of the record whose change page is being rendered, for inlines."""
    match = request.resolver_match
    return match.kwargs.get("object_id") if match else None


def reviewer_only(request, record):
    """Whether `record` is published and the user may not publish its kind.

    Then it is a reviewer's to change: an analyst's edit would go public
    unreviewed. A reviewer returns it to draft for analysts to edit.
    """
    return record is not None and record.is_published and not can_publish(request.user, record)


class PublishedParentLock:
    """Rows of a published record are a reviewer's to change, like the record itself."""

    def parent_locked(self, request, obj):
        return reviewer_only(request, obj)

    def has_add_permission(self, request, obj=None):
        return not self.parent_locked(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self.parent_locked(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.parent_locked(request, obj) and super().has_delete_permission(request, obj)


class LoadedLabelsInline(PublishedParentLock):
    """Inline whose autocomplete widgets use the objects its queryset loads.

    The foreign keys it autocompletes are loaded with the rows; `select_related`
    names any other relation the rows show.
    """

    form = LoadedLabelsForm
    select_related = ()

    def get_queryset(self, request):
        autocompleted = [
            name
            for name in self.get_autocomplete_fields(request)
            if self.model._meta.get_field(name).many_to_one
        ]
        return super().get_queryset(request).select_related(*autocompleted, *self.select_related)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                LoadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                LoadedAutocompleteSelectMultiple(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class VersionedAdmin:
    """Change forms that refuse to overwrite an edit made since they were opened."""

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and is_versioned(self.model) and "form" not in kwargs:
            # As ModelAdmin.get_form does with self.form: read-only fields are not declared.
            readonly = self.get_readonly_fields(request, obj)
            declared = dict.fromkeys(f for f in readonly if f in self.form.declared_fields)
            kwargs["form"] = type(self.form.__name__, (VersionedForm, self.form), declared)
        return super().get_form(request, obj, **kwargs)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A revert is a save: its version is checked, and the row locked, in one transaction.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not is_versioned(self.model):
            return fieldsets
        if any("version" in flatten_fieldsets([fieldset]) for fieldset in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "version"]}), *rest]


class PublishableAdmin(VersionedAdmin, SimpleHistoryAdmin):
    actions = ["publish_selected", "unpublish_selected"]
    list_per_page = 50
    formfield_overrides = {django_models.URLField: {"assume_scheme": "https"}}
    object_history_template = "admin/operations/object_history.html"
    inline_changes_shown = 200
    # Fields that only a reviewer changes, whatever a form or a revert says.
    reviewer_fields = ()

    def history_view(self, request, object_id, extra_context=None):
        context = {**(extra_context or {}), "inline_changes": self.inline_changes(object_id)}
        return super().history_view(request, object_id, extra_context=context)

    def inline_changes(self, object_id):
        """The latest changes to this record's inline rows, newest first, with what changed.

        Diffs are taken between versions already loaded, one query per inline model.
        """
        changes = []
        for model, foreign_key in INLINE_MODELS[self.opts.model_name]:
            versions = model.history.filter(**{foreign_key: object_id}).select_related(
                "history_user"
            )
            previous = {}
            for version in versions.order_by("history_date", "history_id"):
                earlier = previous.get(version.id)
                delta = []
                if earlier is not None and version.history_type == "~":
                    excluded = [f.name for f in model._meta.many_to_many]
                    delta = version.diff_against(earlier, excluded_fields=excluded).changes
                # Named by kind and id: labels from the rows' relations would cost a query each.
                label = f"{model._meta.verbose_name} {version.id}"
                changes.append((version, label, delta))
                previous[version.id] = version
        changes.sort(key=lambda change: change[0].history_date, reverse=True)
        return changes[: self.inline_changes_shown]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        record = self.get_object(request, object_id)
        if record is not None and not self.has_change_permission(request, record):
            raise PermissionDenied
        version = get_object_or_404(self.model.history, pk=version_id, id=object_id)
        following = (
            self.model.history.filter(id=object_id, history_date__gt=version.history_date)
            .order_by("history_date")
            .first()
        )
        before = following.history_date if following else timezone.now()
        # The record and its inline rows are reverted together or not at all.
        with transaction.atomic():
            response = super().history_form_view(request, object_id, version_id, extra_context)
            if response.status_code == 302 and record is not None:
                left_out = revert_inlines(record, before=before, user=request.user)
                if left_out:
                    self.message_user(
                        request,
                        "Not restored, as what they refer to was deleted since: "
                        + ", ".join(left_out),
                        messages.WARNING,
                    )
        return response

    def has_publish_permission(self, request):
        return can_publish(request.user, self.model)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields.append("status")
        return fields

    def has_change_permission(self, request, obj=None):
        return not reviewer_only(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not reviewer_only(request, obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        stored = type(obj).objects.filter(pk=obj.pk).values("status", *self.reviewer_fields)
        stored = stored.first() or {}
        if not self.has_publish_permission(request):
            # Also covers a revert, which would restore an old version whole.
            obj.status = stored.get("status", models.Status.DRAFT)
            for name in self.reviewer_fields:
                if name in stored:
                    setattr(obj, name, stored[name])
        super().save_model(request, obj, form, change)
        if obj.is_published and stored.get("status") != models.Status.PUBLISHED:
            self.report_unpublished(request, [obj])

    def unpublished_dependencies(self, obj):
        return []

    def report_unpublished(self, request, published):
        drafts = []
        for obj in published:
            drafts += self.unpublished_dependencies(obj)
        drafts = list(dict.fromkeys(drafts))
        if drafts:
            self.message_user(
                request,
                format_html(
                    "Published, but readers will not see these drafts it shows: {}. "
                    "Publish them too.",
                    format_html_join(
                        ", ",
                        "{} {}",
                        ((draft._meta.verbose_name, link_to(draft)) for draft in drafts),
                    ),
                ),
                messages.WARNING,
            )

    @transaction.atomic
    def change_status(self, request, queryset, status):
        changed = []
        for obj in queryset.exclude(status=status):
            obj.status = status
            save_as(obj, request.user)
            changed.append(obj)
        return changed

    @admin.action(permissions=["publish"], description=_("Publish the selected records"))
    def publish_selected(self, request, queryset):
        published = self.change_status(request, queryset, models.Status.PUBLISHED)
        self.message_user(request, f"Published {len(published)} record(s).", messages.SUCCESS)
        self.report_unpublished(request, published)

    @admin.action(permissions=["publish"], description=_("Unpublish the selected records"))
    def unpublish_selected(self, request, queryset):
        unpublished = self.change_status(request, queryset, models.Status.DRAFT)
        self.message_user(request, f"Returned {len(unpublished)} record(s) to draft.")


# --- inlines -------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    """A list of related records shown on a page, edited on their own pages."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PlaceNameInline(PublishedParentLock, admin.TabularInline):
    model = models.PlaceName
    extra = 1
    fields = ["name", "language"]


class OrganisationAliasInline(PublishedParentLock, admin.TabularInline):
    model = models.OrganisationAlias
    extra = 1
    fields = ["name"]


class PersonAliasInline(PublishedParentLock, admin.TabularInline):
    model = models.PersonAlias
    extra = 1
    fields = ["name", "kind"]


class RoleInline(LoadedLabelsInline, admin.TabularInline):
    model = models.Role
    extra = 1
    autocomplete_fields = ["organisation", "source"]
    fields = [
        "organisation",
        "title",
        "started_on",
        "started_precision",
        "ended_on",
        "ended_precision",
        "source",
    ]
    select_related = ["person"]  # a role is named after its person


class MemberInline(RoleInline):
    verbose_name = "member over time"
    verbose_name_plural = "members over time"
    autocomplete_fields = ["person", "source"]
    fields = ["person", *RoleInline.fields[1:]]
    select_related = ["organisation"]


class PossibleIdentityInline(LoadedLabelsInline, admin.TabularInline):
    model = models.PossibleIdentity
    fk_name = "person"
    extra = 1
    autocomplete_fields = ["other", "source"]
    fields = ["other", "source", "note"]
    verbose_name = "possibly the same person as"
    verbose_name_plural = "possibly the same person as"
    select_related = ["person", "other"]  # a link is named after both persons


class PossibleIdentityReverseInline(PossibleIdentityInline):
    fk_name = "other"
    autocomplete_fields = ["person", "source"]
    fields = ["person", "source", "note"]
    verbose_name_plural = "also possibly the same person as"


class TargetedInInline(ReadOnlyInline):
    model = models.Target
    fields = ["operation", "role", "outcome"]
    readonly_fields = fields
    verbose_name = "operation that targeted them"
    verbose_name_plural = "operations that targeted them"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("operation", "person")


class ChildOrganisationInline(ReadOnlyInline):
    model = models.Organisation
    fk_name = "parent"
    fields = ["name", "kind", "status"]
    readonly_fields = fields
    verbose_name = "child organisation"
    verbose_name_plural = "child organisations"


class OperationAtPlaceInline(ReadOnlyInline):
    model = models.Operation
    fields = ["title", "occurred_at", "kind", "status"]
    readonly_fields = fields
    verbose_name_plural = "operations here"

    def get_queryset(self, request):
        return super().get_queryset(request).alive()


class SourceClaimInline(ReadOnlyInline):
    model = models.Claim
    fields = ["operation", "point", "statement", "attribution", "credibility"]
    readonly_fields = fields
    verbose_name_plural = "claims this source makes"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "operation", "source", "target__person", "target__organisation", "place"
            )
            .prefetch_related("claimed_forces")
        )


class OperationForceInline(LoadedLabelsInline, admin.TabularInline):
    model = models.OperationForce
    extra = 1
    autocomplete_fields = ["organisation"]
    verbose_name = "conducting force"
    verbose_name_plural = "conducting forces"


class TargetInline(LoadedLabelsInline, admin.TabularInline):
    model = models.Target
    extra = 1
    autocomplete_fields = ["person", "organisation"]
    fields = ["person", "organisation", "description", "role", "outcome"]


class OperationLinkInline(LoadedLabelsInline, admin.TabularInline):
    model = models.OperationLink
    fk_name = "from_operation"
    extra = 0
    autocomplete_fields = ["to_operation"]
    verbose_name = "related operation"
    verbose_name_plural = "related operations"


class ClaimInline(LoadedLabelsInline, admin.StackedInline):
    model = models.Claim
    form = ClaimForm
    fk_name = "operation"
    extra = 0
    autocomplete_fields = ["source", "place", "claimed_forces"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("source", "source_url"),
                    ("source_title", "source_kind"),
                    ("point", "credibility"),
                    ("attribution", "quote"),
                    "supersedes",
                ]
            },
        ),
        ("A target's outcome", {"fields": [("target", "outcome")]}),
        ("A casualty count", {"fields": [("category", "count_low", "count_high", "count_note")]}),
        (
            "The time, the place, the forces or the kind",
            {
                "fields": [
                    ("local_date", "local_time", "local_time_zone", "date_precision"),
                    ("place", "location_precision"),
                    "claimed_forces",
                    "kind",
                ]
            },
        ),
    ]

    select_related = ["target__person", "target__organisation"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("claimed_forces")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A claim's target and the claim it corrects belong to the same operation.
        operation_id = parent_object_id(request)
        if db_field.name == "target":
            kwargs["queryset"] = models.Target.objects.filter(
                operation_id=operation_id
            ).select_related("person", "organisation")
        if db_field.name == "supersedes":
            kwargs["queryset"] = (
                models.Claim.objects.filter(operation_id=operation_id)
                .select_related("source", "target__person", "target__organisation", "place")
                .prefetch_related("claimed_forces")
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in ("target", "supersedes"):
            # Evaluated once, not once per claim on the page.
            field.choices = list(field.choices)
        return field


# --- changelist filters --------------------------------------------------------


class CountryFilter(admin.SimpleListFilter):
    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = models.Place.objects.order_by("country").values_list("country", flat=True)
        return [(code, code) for code in codes.distinct()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(place__country=self.value())
        return queryset


class DeletedFilter(admin.SimpleListFilter):
    title = _("deleted")
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("no", _("not deleted")), ("yes", _("deleted"))]

    def choices(self, changelist):
        # "not deleted" is the default, so "All" must be asked for explicitly.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "no") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        return queryset.filter(deleted_at__isnull=True)


class MergedFilter(DeletedFilter):
    """Duplicates merged into another operation are hidden unless asked for."""

    title = _("merged")
    parameter_name = "merged"

    def lookups(self, request, model_admin):
        return [("no", _("not merged")), ("yes", _("merged into another"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(merged_into__isnull=False)
        return queryset.filter(merged_into__isnull=True)


class ContestedFilter(admin.SimpleListFilter):
    title = _("sources disagree")
    parameter_name = "contested"

    def lookups(self, request, model_admin):
        return [("yes", _("contested")), ("no", _("not contested"))]

    def queryset(self, request, queryset):
        contested = models.Operation.objects.contested().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=contested)
        if self.value() == "no":
            return queryset.exclude(pk__in=contested)
        return queryset


class ClaimCountFilter(admin.SimpleListFilter):
    title = _("claims")
    parameter_name = "claims"

    def lookups(self, request, model_admin):
        return [("none", _("no claims yet")), ("some", _("with claims"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(claims__isnull=True)
        if self.value() == "some":
            return queryset.filter(pk__in=models.Claim.objects.values("operation_id"))
        return queryset


# --- model admins --------------------------------------------------------------


@admin.register(models.Operation)
class OperationAdmin(PublishableAdmin):
    list_display = [
        "title",
        "when",
        "kind",
        "where",
        "country",
        "status",
        "casualties",
        "contested",
        "source_count",
    ]
    list_filter = [
        DeletedFilter,
        MergedFilter,
        "status",
        "kind",
        CountryFilter,
        ContestedFilter,
        ClaimCountFilter,
    ]
    date_hierarchy = "occurred_at"
    search_fields = ["title"]
    search_help_text = _("Title, summary, and folded names of targets, forces and places.")
    autocomplete_fields = ["place"]
    inlines = [OperationForceInline, TargetInline, ClaimInline, OperationLinkInline]
    form = OperationForm
    reviewer_fields = ("deleted_at",)
    readonly_fields = ["occurred_at", "deleted_at", "merged_into", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "kind", "status", "summary"]}),
        (
            _("When"),
            {
                "fields": [
                    ("local_date", "local_time", "local_time_zone"),
                    "date_precision",
                    "occurred_at",
                ],
                "description": _(
                    "As the sources give it, in local time: 'in February 2022' is "
                    "1 Feb 2022 with month precision; 'at 18:23' adds minute precision."
                ),
            },
        ),
        (_("Where"), {"fields": [("place", "location_precision")]}),
        (_("Record"), {"fields": [("created_at", "updated_at", "deleted_at", "merged_into")]}),
    ]
    actions = [*PublishableAdmin.actions, "restore_selected", "merge_selected", "undo_merges"]

    def get_urls(self):
        pages = [
            ("import/", "import", takes_uploads(lambda request: import_page(self, request))),
            (
                "add-from-article/",
                "add_from_article",
                lambda request: admin_intake.add_from_article(self, request),
            ),
        ]
        return [
            path(route, self.admin_site.admin_view(view), name=f"operations_operation_{name}")
            for route, name, view in pages
        ] + super().get_urls()

    def get_queryset(self, request):
        return super().get_queryset(request).with_summary()

    def get_search_results(self, request, queryset, search_term):
        if is_autocomplete(request):
            queryset = queryset.alive()  # a deleted operation is not offered as related
        if not search_term.strip():
            return queryset, False
        return queryset.search(search_term), False

    @admin.display(description=_("when"), ordering="occurred_at")
    def when(self, obj):
        return obj.when

    @admin.display(description=_("where"))
    def where(self, obj):
        return obj.where

    @admin.display(description=_("country"), ordering="place__country")
    def country(self, obj):
        return obj.place.country if obj.place else ""

    @admin.display(description=_("casualties"))
    def casualties(self, obj):
        return format_html_join(
            "",
            "<div>{}: {}</div>",
            ((count.label, count.range) for count in obj.claims_summary.casualties.values()),
        )

    @admin.display(description=_("contested"), boolean=True)
    def contested(self, obj):
        return obj.claims_summary.contested

    @admin.display(description=_("sources"))
    def source_count(self, obj):
        return obj.claims_summary.source_count

    def unpublished_dependencies(self, obj):
        return obj.unpublished_dependencies()

    def delete_model(self, request, obj):
        """A delete hides the operation; a reviewer can restore it."""
        obj.deleted_at = timezone.now()
        save_as(obj, request.user)

    def delete_queryset(self, request, queryset):
        if not self.has_publish_permission(request) and queryset.published().exists():
            raise PermissionDenied("Only a reviewer can delete published operations.")
        for obj in queryset:
            self.delete_model(request, obj)

    def get_deleted_objects(self, objs, request):
        # A soft delete removes nothing else: ask only about the operations themselves.
        to_delete = [str(obj) for obj in objs]
        perms_needed = set()
        if not all(self.has_delete_permission(request, obj) for obj in objs):
            perms_needed.add(self.opts.verbose_name)
        return to_delete, {self.opts.verbose_name_plural: len(objs)}, perms_needed, []

    @admin.action(permissions=["publish"], description=_("Restore the selected operations"))
    @transaction.atomic
    def restore_selected(self, request, queryset):
        restored = 0
        for obj in queryset.filter(deleted_at__isnull=False):
            obj.deleted_at = None
            save_as(obj, request.user)
            restored += 1
        self.message_user(request, f"Restored {restored} operation(s).", messages.SUCCESS)

    @admin.action(permissions=["publish"], description=_("Merge the two selected operations"))
    def merge_selected(self, request, queryset):
        """Two reports of one event: after a confirmation page that asks which to keep,
        the other's claims and targets move to it and it is hidden as a duplicate."""
        operations = list(queryset.order_by("occurred_at", "pk")[:3])
        if len(operations) != 2:
            self.message_user(
                request, _("Select exactly two operations to merge."), messages.ERROR
            )
            return None
        chosen = request.POST.get("kept")
        if chosen is None:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Merge two operations"),
                "opts": self.opts,
                "operations": operations,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(
                request, "admin/operations/operation/merge_confirmation.html", context
            )
        kept = next((op for op in operations if str(op.pk) == chosen), None)
        if kept is None:
            self.message_user(request, _("Choose which operation to keep."), messages.ERROR)
            return None
        duplicate = next(op for op in operations if op.pk != kept.pk)
        try:
            merge_operations(kept=kept, duplicate=duplicate, user=request.user)
        except MergeError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        self.message_user(
            request,
            format_html(
                "Merged “{}” into {}: its claims and targets are there now, and it is kept "
                "as a hidden duplicate (filter merged → merged into another; “Undo the merge” "
                "puts it back).",
                duplicate,
                link_to(kept),
            ),
            messages.SUCCESS,
        )
        twice = (
            kept.targets.exclude(person=None)
            .values("person__name")
            .annotate(times=Count("pk"))
            .filter(times__gt=1)
        )
        for row in twice:
            self.message_user(
                request,
                f"{row['person__name']} is now a target twice in “{kept}”: check its targets.",
                messages.WARNING,
            )
        return None

    @admin.action(
        permissions=["publish"], description=_("Undo the merge of the selected duplicates")
    )
    def undo_merges(self, request, queryset):
        undone = 0
        for duplicate in queryset.filter(merged_into__isnull=False):
            merge = duplicate.merges_out.filter(undone_at__isnull=True).first()
            if merge is None:
                continue
            try:
                undo_merge(merge, user=request.user)
            except MergeError as error:
                self.message_user(request, f"“{duplicate}”: {error}", messages.ERROR)
                continue
            undone += 1
        self.message_user(request, f"Undid {undone} merge(s).", messages.SUCCESS)


@admin.register(models.Person)
class PersonAdmin(PublishableAdmin):
    list_display = ["name", "aliases_list", "status", "targeted_count"]
    list_filter = ["status"]
    search_fields = ["name"]
    search_help_text = _("Name or alias, in any spelling or script.")
    fields = ["name", "description", "status"]
    inlines = [
        PersonAliasInline,
        RoleInline,
        PossibleIdentityInline,
        PossibleIdentityReverseInline,
        TargetedInInline,
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("aliases")
            .annotate(targeted=Count("targets", distinct=True))
            # Meta.ordering does not apply to a grouped query.
            .order_by("name", "pk")
        )

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.matching(search_term), False

    @admin.display(description=_("aliases"))
    def aliases_list(self, obj):
        return ", ".join(alias.name for alias in obj.aliases.all())

    @admin.display(description=_("targeted in"), ordering="targeted")
    def targeted_count(self, obj):
        return obj.targeted


@admin.register(models.Organisation)
class OrganisationAdmin(PublishableAdmin):
    list_display = ["name", "kind", "parent", "aliases_list", "status"]
    list_filter = ["status", "kind"]
    list_select_related = ["parent"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    fields = ["name", "kind", "parent", "country", "description", "status"]
    inlines = [OrganisationAliasInline, MemberInline, ChildOrganisationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.matching(search_term), False

    @admin.display(description=_("aliases"))
    def aliases_list(self, obj):
        return ", ".join(alias.name for alias in obj.aliases.all())


@admin.register(models.Place)
class PlaceAdmin(PublishableAdmin):
    list_display = ["name", "kind", "country", "province", "latitude", "longitude", "status"]
    list_filter = ["status", "kind", "country"]
    search_fields = ["name"]
    fields = [
        "name",
        "kind",
        "country",
        ("province", "district"),
        ("latitude", "longitude"),
        "status",
    ]
    inlines = [PlaceNameInline, OperationAtPlaceInline]

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.matching(search_term), False


@admin.register(models.Source)
class SourceAdmin(PublishableAdmin):
    list_display = ["title", "kind", "publisher", "published_on", "reliability", "status"]
    list_filter = ["status", "kind", "reliability"]
    list_select_related = ["publisher"]
    date_hierarchy = "published_on"
    search_fields = ["title", "url", "author", "publisher__name"]
    autocomplete_fields = ["publisher"]
    fields = [
        "title",
        "kind",
        "url",
        ("publisher", "author"),
        ("published_on", "language"),
        "reliability",
        ("archive_url", "accessed_on"),
        "status",
    ]
    inlines = [SourceClaimInline]

    def get_search_results(self, request, queryset, search_term):
        # A pasted URL, in any spelling, finds its source.
        normalised = normalise_url(search_term) if "://" in search_term else ""
        if normalised:
            return queryset.filter(Q(url=normalised) | Q(archive_url=search_term)), False
        return super().get_search_results(request, queryset, search_term)


class OperationPartAdmin(VersionedAdmin, SimpleHistoryAdmin):
    """Claims and targets belong to an operation: once it is published, a reviewer's."""

    def has_change_permission(self, request, obj=None):
        locked = obj is not None and reviewer_only(request, obj.operation)
        return not locked and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        locked = obj is not None and reviewer_only(request, obj.operation)
        return not locked and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if reviewer_only(request, obj.operation):
            raise PermissionDenied("The operation is published: a reviewer's to change.")
        super().save_model(request, obj, form, change)
        mark_changed(obj.operation_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        mark_changed(obj.operation_id)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        if any(reviewer_only(request, obj.operation) for obj in queryset):
            raise PermissionDenied("Some of these belong to a published operation.")
        operations = {obj.operation_id for obj in queryset}
        super().delete_queryset(request, queryset)
        mark_changed(*operations)


@admin.register(models.Claim)
class ClaimAdmin(OperationPartAdmin):
    """Claims are entered on their operation; this list is for finding and checking them."""

    list_display = ["operation", "point", "statement", "source", "credibility", "corrects"]
    list_filter = ["point", "category", "credibility"]
    list_select_related = [
        "operation",
        "source",
        "target__person",
        "target__organisation",
        "place",
        "supersedes",
    ]
    search_fields = ["attribution", "quote", "source__title", "operation__title"]
    autocomplete_fields = ["operation", "source", "place", "claimed_forces", "target"]
    form = ClaimForm

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("claimed_forces")

    @admin.display(description=_("supersedes"))
    def corrects(self, obj):
        return link_to(obj.supersedes, f"claim {obj.supersedes_id}") if obj.supersedes else ""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "supersedes":
            kwargs["queryset"] = models.Claim.objects.select_related("source", "operation")
            claim = self.get_object(request, parent_object_id(request) or "")
            if claim is not None:
                kwargs["queryset"] = kwargs["queryset"].filter(operation_id=claim.operation_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(models.Target)
class TargetAdmin(OperationPartAdmin):
    """Targets are entered on their operation; registered for autocomplete and history."""

    list_display = ["name", "operation", "role", "outcome"]
    list_filter = ["outcome"]
    list_select_related = ["operation", "person", "organisation"]
    search_fields = ["description", "role", "person__name", "organisation__name"]
    autocomplete_fields = ["operation", "person", "organisation"]

    def has_module_permission(self, request):
        return False
