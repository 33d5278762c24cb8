"""The admin's "Import operations" page: upload a file, see its preview, confirm.

The page is a second door to `import_operations`, called exactly as the
command calls it: the preview is a dry run, the confirmation the real import.
Between the two the uploaded file waits in OPSDB_IMPORT_DIR under a random
name. The confirm form carries a signed token that names it, bound to the user
and to the file's SHA-256, good for an hour and for one confirmation only.
"""

import contextlib
import hashlib
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat, pluralize
from django.template.response import TemplateResponse
from django.urls import reverse

from .imports import FORMATS, ImportFileError, import_operations
from .models import Operation

CONFIRM_MAX_AGE = 60 * 60  # seconds from the preview to the last moment to confirm it
SIGNING_SALT = "operations.admin_import.confirm"
# The preview lists this many errors and matches; it counts the others.
SHOWN_LINES = 1000
# Kept files are named by this prefix and a random token, so that cleaning the
# directory never touches a file of anything else.
KEPT_PREFIX = "opsdb-import-"


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text="A CSV file in UTF-8, with its header row. Rows are numbered from 1, "
        "the first row after the header."
    )
    format = forms.ChoiceField(choices=[(name, name) for name in FORMATS])
    allow_duplicates = forms.BooleanField(
        required=False,
        label="Allow duplicates",
        help_text="Create rows that match operations already recorded, too.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.OPSDB_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; the page takes files up to "
                f"{filesizeformat(limit)}. Split it, or import it with the "
                "import_operations command."
            )
        return upload


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)


class Refused(Exception):
    """A confirmation that cannot be carried out; its message tells the user why."""


# --- the kept file and its token -------------------------------------------------


def import_dir():
    return Path(settings.OPSDB_IMPORT_DIR)


def kept_path(name):
    return import_dir() / f"{KEPT_PREFIX}{name}.csv"


def keep(upload):
    """Write the upload to OPSDB_IMPORT_DIR under a random name: (name, SHA-256)."""
    import_dir().mkdir(mode=0o700, parents=True, exist_ok=True)
    remove_expired()
    name = secrets.token_urlsafe(24)
    digest = hashlib.sha256()
    with kept_path(name).open("xb") as kept:
        for chunk in upload.chunks():
            digest.update(chunk)
            kept.write(chunk)
    return name, digest.hexdigest()


def remove_expired():
    """Remove the files of previews too old to be confirmed: abandoned imports."""
    oldest = time.time() - CONFIRM_MAX_AGE
    # Only files waiting for a confirmation: one being imported is renamed *.confirming.
    for path in import_dir().glob(f"{KEPT_PREFIX}*.csv"):
        # Another request may remove the same file meanwhile.
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < oldest:
                path.unlink()


def sha256_of(path):
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def confirmation_token(*, user, name, digest, format, allow_duplicates):
    return signing.dumps(
        {
            "user": user.pk,
            "file": name,
            "sha256": digest,
            "format": format,
            "allow_duplicates": allow_duplicates,
        },
        salt=SIGNING_SALT,
    )


def claim(token, user):
    """The kept file a confirmation names, moved aside so no other confirmation finds it.

    Returns (path, the token's contents); raises Refused when the token is not
    this user's, is altered or expired, or its file was already imported.
    """
    try:
        order = signing.loads(token, salt=SIGNING_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise Refused(
            "This preview is more than an hour old: upload the file again. Nothing was imported."
        ) from None
    except signing.BadSignature:
        raise Refused(
            "This confirmation is not valid (it was altered): upload the file again. "
            "Nothing was imported."
        ) from None
    if order["user"] != user.pk:
        raise Refused(
            "This preview was made by another user: upload the file yourself. "
            "Nothing was imported."
        )
    kept = kept_path(order["file"])
    claimed = kept.with_suffix(".confirming")
    try:
        # A rename is atomic: of two confirmations of one preview, only one finds the file.
        kept.rename(claimed)
    except FileNotFoundError:
        raise Refused(
            "This file was already imported, or its preview has expired: "
            "nothing was imported again."
        ) from None
    if sha256_of(claimed) != order["sha256"]:
        claimed.unlink()
        raise Refused(
            "The kept file changed after its preview: nothing was imported. Upload the file again."
        )
    return claimed, order


def run_import(path, **options):
    """`import_operations` on a kept file, read as the command reads a file."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return import_operations(stream, **options)


# --- the page --------------------------------------------------------------------


def import_page(model_admin, request):
    """Step 1 (GET, or POST of a file): the form and the preview; step 2: the confirmation."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    if request.method != "POST":
        return render(model_admin, request, ImportForm())
    if "token" in request.POST:
        return confirm(model_admin, request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(model_admin, request, form, status=400)
    return preview(model_admin, request, form)


def preview(model_admin, request, form):
    options = {
        "format": form.cleaned_data["format"],
        "allow_duplicates": form.cleaned_data["allow_duplicates"],
    }
    name, digest = keep(form.cleaned_data["file"])
    try:
        result = run_import(kept_path(name), user=request.user, dry_run=True, **options)
    except ImportFileError as error:
        kept_path(name).unlink()
        form.add_error("file", str(error))
        return render(model_admin, request, form, status=400)
    if result.errors or len(result.created) == 0:
        # Nothing to confirm: the file is not kept.
        kept_path(name).unlink()
        return render(model_admin, request, ImportForm(initial=options), result=result)
    token = confirmation_token(user=request.user, name=name, digest=digest, **options)
    return render(model_admin, request, ImportForm(initial=options), result=result, token=token)


def confirm(model_admin, request):
    form = ConfirmForm(request.POST)
    try:
        if not form.is_valid():
            raise Refused("This confirmation names no preview: upload the file again.")
        path, order = claim(form.cleaned_data["token"], request.user)
    except Refused as refusal:
        messages.error(request, str(refusal))
        return render(model_admin, request, ImportForm(), status=400)
    options = {"format": order["format"], "allow_duplicates": order["allow_duplicates"]}
    try:
        result = run_import(path, user=request.user, dry_run=False, **options)
    finally:
        path.unlink(missing_ok=True)
    if result.errors:
        messages.error(
            request,
            "The records changed since the preview and some rows are now in error: "
            "nothing was imported. Correct the file and upload it again.",
        )
        return render(model_admin, request, ImportForm(initial=options), result=result, status=409)
    created, matched = len(result.created), len(result.matched)
    messages.success(
        request,
        f"Created {created} draft operation{pluralize(created)}; {matched} "
        f"row{pluralize(matched)} matched existing operations and "
        f"{pluralize(matched, 'was,were')} left out.",
    )
    opts = model_admin.opts
    return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))


def render(model_admin, request, form, *, result=None, token=None, status=200):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import operations",
        "opts": model_admin.opts,
        "form": form,
        "max_bytes": settings.OPSDB_IMPORT_MAX_BYTES,
        "preview": preview_lines(result) if result is not None else None,
        "confirm_form": ConfirmForm(initial={"token": token}) if token else None,
    }
    return TemplateResponse(
        request, "admin/operations/operation/import.html", context, status=status
    )


def preview_lines(result):
    """What the preview shows of a result: counts, and the first SHOWN_LINES of each list."""
    matched = result.matched[:SHOWN_LINES]
    operations = Operation.objects.only("title").in_bulk(
        [pk for _row, pk, *_earlier in matched if pk]
    )
    return {
        "created": len(result.created),
        # Past the errors kept, the count of bad rows is a floor.
        "bad_rows": result.bad_rows[0],
        "bad_rows_more": result.bad_rows[1],
        "errors": result.errors[:SHOWN_LINES],
        "errors_not_shown": max(len(result.errors) - SHOWN_LINES, 0),
        "matches": [
            {
                "row": row,
                "pk": pk,
                "operation": operations.get(pk),
                "earlier_row": earlier[0] if earlier else None,
            }
            for row, pk, *earlier in matched
        ],
        "matched": len(result.matched),
        "matches_not_shown": max(len(result.matched) - SHOWN_LINES, 0),
        # Operations are counted above.
        "new_records": [
            (kind, count) for kind, count in result.new_records.items() if kind != "operations"
        ],
    }
