"""Writes that touch several models at once, shared by the admin and later the API."""

from django.db import transaction

from .models import Claim, OperationForce, OperationLink, Target

# The records an operation's page edits inline, in the order they can be restored:
# a claim may point at a target, a later claim at an earlier one.
INLINE_MODELS = [
    (OperationForce, "operation_id"),
    (OperationLink, "from_operation_id"),
    (Target, "operation_id"),
    (Claim, "operation_id"),
]


def versions_before(model, foreign_key, operation, before):
    """Each row's last version before `before`, leaving out rows deleted by then."""
    records = model.history.filter(**{foreign_key: operation.pk, "history_date__lt": before})
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
def revert_operation(operation, *, before, user):
    """Bring an operation's forces, links, targets and claims back to how they stood
    just before `before` (the moment the operation's next version was saved).

    The operation's own fields are reverted by the admin's history view; this
    replaces the inline rows by their versions of then, with their old ids.
    Every write is recorded in the history under `user`, so a revert can itself
    be reverted. Rows that point at a record deleted since are left out; their
    descriptions are returned.
    """
    versions = {
        model: versions_before(model, foreign_key, operation, before)
        for model, foreign_key in INLINE_MODELS
    }
    # Clear first, so that restored rows meet no unique constraint or stale reference.
    for model, foreign_key in reversed(INLINE_MODELS):
        current = list(model.objects.filter(**{foreign_key: operation.pk}))
        if model is Claim:
            model.objects.filter(operation=operation).update(supersedes=None)
        for instance in current:
            instance._history_user = user
            instance.delete()
    left_out = []
    for model, _ in INLINE_MODELS:
        for version in versions[model]:
            instance = version.instance
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
