"""A record's version, so that a save never overwrites an edit it has not seen.

Two analysts open the same operation; the first saves; the second's save,
based on what they read before that, is refused (a form error in the admin,
412 in the API) instead of silently undoing the first edit. The version is
when the record last changed (`updated_at`): every save moves it, and so
does a claim written on its own, which changes how its operation reads.

The check reads the stored version with the row locked (SELECT … FOR UPDATE on
PostgreSQL; SQLite lets one writer at a time), inside the transaction that
saves, so that two saves of the same version cannot both pass.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

from .caching import data_changed


def is_versioned(model):
    return any(field.name == "updated_at" for field in model._meta.concrete_fields)


def version_of(record):
    """The version of a record as read: an opaque token for forms and ETags."""
    return record.updated_at.isoformat()


def stored_version(model, pk, *, lock=False):
    """The version stored now; with `lock`, the row stays locked until the transaction ends."""
    records = model.objects.filter(pk=pk)
    if lock:
        assert transaction.get_connection().in_atomic_block, "lock where you save"
        # The save will move the data version: its lock first, as every writer takes it.
        data_changed()
        records = records.select_for_update()
    return records.values_list("updated_at", flat=True).get().isoformat()


def changed_since_message(model, pk, opened):
    """Who changed the record since the version `opened`, for the one whose save was refused."""
    try:
        since = dt.datetime.fromisoformat(opened)
    except (TypeError, ValueError):
        since = None
    edits = model.history.filter(id=pk).select_related("history_user")
    # Each history row copies the version it saved, so later versions are found by it.
    last = edits.filter(updated_at__gt=since).first() if since else None
    what = f"This {model._meta.verbose_name}"
    if last is not None:
        by = f" by {last.history_user.get_username()}" if last.history_user else ""
        what += f" was changed{by} at {last.history_date:%d %b %Y, %H:%M} UTC"
    else:
        # A claim written on its own changes how its operation reads.
        what += " or one of its rows was changed"
    return (
        f"{what} since you opened it, so your changes were not saved: they would have "
        "undone that edit. Open it again to see the changes (its history lists them), "
        "then make yours."
    )


class VersionedForm(forms.ModelForm):
    """A change form that carries the version it was opened at and refuses a stale save.

    A refused form keeps the version it was opened at, so saving it again is
    refused again: the analyst opens the record anew rather than overwrite blind.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # Read from the database, not the instance: a revert's form holds an old version.
            self.fields["version"].initial = stored_version(type(self.instance), self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            model, opened = type(self.instance), cleaned.get("version", "")
            if opened != stored_version(model, self.instance.pk, lock=True):
                raise ValidationError(
                    changed_since_message(model, self.instance.pk, opened), code="stale"
                )
        return cleaned
