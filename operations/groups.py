"""The two roles of the workflow, as permission sets for Django's groups."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction

ANALYST = "Analyst"
REVIEWER = "Reviewer"

# Records that stand on their own: only a reviewer deletes them. An operation's
# delete is a soft delete (see OperationAdmin), so analysts may delete drafts.
REVIEWER_DELETES = {"person", "organisation", "place", "source"}


def domain_models():
    """The records people write: not their history rows, nor the data version."""
    return [
        model
        for model in apps.get_app_config("operations").get_models()
        if not model._meta.label.startswith("operations.Historical")
        and model._meta.label != "operations.DataVersion"
    ]


def codenames(role):
    names = set()
    for model in domain_models():
        name = model._meta.model_name
        names |= {f"view_{name}", f"add_{name}", f"change_{name}"}
        if name not in REVIEWER_DELETES or role == REVIEWER:
            names.add(f"delete_{name}")
        if role == REVIEWER and any(
            code == f"publish_{name}" for code, _ in model._meta.permissions
        ):
            names.add(f"publish_{name}")
    return names


@transaction.atomic
def setup_groups():
    """Create or update both groups; running it again changes nothing."""
    groups = {}
    for role in (ANALYST, REVIEWER):
        group, _ = Group.objects.get_or_create(name=role)
        wanted = codenames(role)
        permissions = Permission.objects.filter(
            content_type__app_label="operations", codename__in=wanted
        )
        missing = wanted - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Unknown permissions {sorted(missing)}: run migrate first.")
        group.permissions.set(permissions)
        groups[role] = group
    return groups


def can_publish(user, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


def sees_drafts(user, model):
    """Analysts and reviewers read drafts; everyone else reads published records only."""
    return user.is_authenticated and user.has_perm(
        f"{model._meta.app_label}.view_{model._meta.model_name}"
    )


def visible(model, user):
    """The records of `model` that `user` may read. Deleted operations are nobody's."""
    records = model.objects.all()
    if hasattr(records, "alive"):
        records = records.alive()
    return records if sees_drafts(user, model) else records.published()
