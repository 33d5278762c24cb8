"""Writes that touch several models at once, shared by the admin and later the API."""

from django.db import transaction

from .models import (
    Claim,
    OperationForce,
    OperationLink,
    OrganisationAlias,
    PersonAlias,
    PlaceName,
    PossibleIdentity,
    Role,
    Target,
)

# The rows each record's admin page edits inline, as (model, foreign key), in the
# order they can be restored: a claim may point at a target, a later claim at an earlier one.
INLINE_MODELS = {
    "operation": [
        (OperationForce, "operation_id"),
        (OperationLink, "from_operation_id"),
        (Target, "operation_id"),
        (Claim, "operation_id"),
    ],
    "person": [
        (PersonAlias, "person_id"),
        (Role, "person_id"),
        (PossibleIdentity, "person_id"),
        (PossibleIdentity, "other_id"),
    ],
    "organisation": [(OrganisationAlias, "organisation_id"), (Role, "organisation_id")],
    "place": [(PlaceName, "place_id")],
    "source": [],
}


def versions_before(model, foreign_key, record, before):
    """Each row's last version before `before`, leaving out rows deleted by then."""
    records = model.history.filter(**{foreign_key: record.pk, "history_date__lt": before})
    return [record for record in records.latest_of_each() if record.history_type != "-"]


def missing_reference(instance):
    """The first foreign key of `instance` whose record no longer exists, or None."""
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if not field.many_to_one or value is None:
            continue
        if not field.related_model._default_manager.filter(pk=value).exists():
            return field
    return None


@transaction.atomic
def revert_inlines(record, *, before, user):
    """Bring a record's inline rows (an operation's forces, links, targets and
    claims; a person's aliases, roles and possible identities; …) back to how
    they stood just before `before`, the moment its next version was saved.

    The record's own fields are reverted by the admin's history view; this
    replaces its inline rows by their versions of then, with their old ids.
    Every write is recorded in the history under `user`, so a revert can itself
    be reverted. Rows that point at a record deleted since, or that belong to
    another record now, are left out; their descriptions are returned.
    """
    inlines = INLINE_MODELS[record._meta.model_name]
    versions = [
        (model, versions_before(model, foreign_key, record, before))
        for model, foreign_key in inlines
    ]
    # Clear first, so that restored rows meet no unique constraint or stale reference.
    for model, foreign_key in reversed(inlines):
        current = list(model.objects.filter(**{foreign_key: record.pk}))
        if model is Claim:
            model.objects.filter(operation=record).update(supersedes=None)
        for instance in current:
            instance._history_user = user
            instance.delete()
    left_out = []
    for model, model_versions in versions:
        for version in model_versions:
            instance = version.instance
            if model.objects.filter(pk=instance.pk).exists():
                # Moved to another record since: that record's, not this revert's.
                left_out.append(f"{model._meta.verbose_name} {version.id} (moved since)")
                continue
            missing = missing_reference(instance)
            if missing is not None:
                left_out.append(f"{model._meta.verbose_name} {version.id} ({missing.name} gone)")
                continue
            instance._history_user = user
            instance.save()
            if model is Claim:
                forces = [link.organisation_id for link in version.claimed_forces.all()]
                instance.claimed_forces.set(forces)
    return left_out
