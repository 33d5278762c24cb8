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


def latest_versions(model, foreign_key, operation, as_of):
    """The historical record of each row as it stood at `as_of` (deleted rows left out)."""
    records = model.history.filter(**{foreign_key: operation.pk, "history_date__lte": as_of})
    return [record for record in records.latest_of_each() if record.history_type != "-"]


@transaction.atomic
def revert_operation(operation, *, as_of, user):
    """Bring an operation's forces, links, targets and claims back to `as_of`.

    The operation's own fields are reverted by the admin's history view; this
    restores the inline rows: changed ones get their old values, deleted ones
    come back with their old ids, later additions are removed. Every write is
    recorded in the history under `user`, so a revert can itself be reverted.
    """
    versions = {
        model: latest_versions(model, foreign_key, operation, as_of)
        for model, foreign_key in INLINE_MODELS
    }
    # Later additions go first, so that restored rows meet no unique constraint.
    for model, foreign_key in reversed(INLINE_MODELS):
        kept = [version.id for version in versions[model]]
        later = model.objects.filter(**{foreign_key: operation.pk}).exclude(pk__in=kept)
        # Newest first, so that a correction goes before the claim it corrects.
        for instance in later.order_by("-pk"):
            instance._history_user = user
            instance.delete()
    for model, _ in INLINE_MODELS:
        for version in versions[model]:
            instance = version.instance
            instance._history_user = user
            instance.save()
            if model is Claim:
                forces = [link.organisation_id for link in version.claimed_forces.all()]
                instance.claimed_forces.set(forces)
