"""Writes that touch several models at once, shared by the admin and later the API:
reverting a record with its inline rows, merging a duplicate operation and undoing it."""

from django.db import transaction
from django.utils import timezone

from .caching import data_changed
from .models import (
    Claim,
    Operation,
    OperationForce,
    OperationLink,
    OperationMerge,
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


@transaction.atomic  # the version and the rows move together, for readers
def mark_changed(*operation_ids):
    """A claim or target changed on its own: its operation reads differently, so its
    version moves (a page opened before must not save over it) and `updated_after`
    finds it."""
    data_changed()  # QuerySet.update sends no signal
    Operation.objects.filter(pk__in=operation_ids).update(updated_at=timezone.now())


def save_as(record, user):
    """Save `record` with `user` as the author of the history row it makes."""
    record._history_user = user
    record.save()


def move(rows, operation, user):
    """Attach targets or claims to `operation`, each move recorded under `user`."""
    for row in rows:
        row.operation = operation
        save_as(row, user)


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
            save_as(instance, user)
            if model is Claim:
                forces = [link.organisation_id for link in version.claimed_forces.all()]
                instance.claimed_forces.set(forces)
    return left_out


class MergeError(ValueError):
    """Why two operations cannot be merged, in words for the reviewer."""


@transaction.atomic
def merge_operations(*, kept, duplicate, user):
    """Merge `duplicate` into `kept`: its claims and targets (and so its sources) move
    to `kept`, and it stays as a record "duplicate of" `kept`, hidden everywhere but
    the admin. Every row moved is saved under `user` in the history; the returned
    OperationMerge lists them, so that `undo_merge` can move them back.
    """
    if kept.pk == duplicate.pk:
        raise MergeError("An operation cannot be merged into itself.")
    for operation in (kept, duplicate):
        if operation.merged_into_id is not None:
            raise MergeError(f"“{operation}” is already merged into another operation.")
        if operation.deleted_at is not None:
            raise MergeError(f"“{operation}” is deleted: restore it first.")
    targets = list(duplicate.targets.all())
    claims = list(duplicate.claims.all())
    move([*targets, *claims], kept, user)
    duplicate.merged_into = kept
    save_as(duplicate, user)
    OperationLink.objects.get_or_create(
        from_operation=duplicate, to_operation=kept, relation=OperationLink.Relation.DUPLICATE_OF
    )
    save_as(kept, user)  # marks it changed, for readers who keep a copy in step
    return OperationMerge.objects.create(
        kept=kept,
        duplicate=duplicate,
        claim_ids=[claim.pk for claim in claims],
        target_ids=[target.pk for target in targets],
        merged_by=user,
    )


@transaction.atomic
def undo_merge(merge, *, user):
    """Move a merge's claims and targets back to the duplicate and show it again.

    Rows deleted since stay deleted. A merge that later work has tied into the
    kept operation (a new claim about a moved target, a correction across the
    two) is refused with the reason: undoing it would split a claim from what
    it is about.
    """
    if merge.undone_at is not None:
        raise MergeError("This merge was already undone.")
    duplicate, kept = merge.duplicate, merge.kept
    moved = set(merge.claim_ids)
    others = Claim.objects.filter(operation=kept).exclude(pk__in=moved)
    tied = others.filter(target__in=merge.target_ids) | others.filter(supersedes__in=moved)
    tied |= Claim.objects.filter(pk__in=moved, supersedes__operation=kept).exclude(
        supersedes__in=moved
    )
    if tied.exists():
        names = ", ".join(str(claim.pk) for claim in tied.distinct()[:5])
        raise MergeError(
            f"Claims added since the merge refer to what it moved (claims {names}): "
            "move or delete them first."
        )
    rows = [
        *Target.objects.filter(pk__in=merge.target_ids, operation=kept),
        *Claim.objects.filter(pk__in=merge.claim_ids, operation=kept),
    ]
    move(rows, duplicate, user)
    duplicate.merged_into = None
    save_as(duplicate, user)
    OperationLink.objects.filter(
        from_operation=duplicate, to_operation=kept, relation=OperationLink.Relation.DUPLICATE_OF
    ).delete()
    save_as(kept, user)
    merge.undone_by = user
    merge.undone_at = timezone.now()
    merge.save()
    return rows
