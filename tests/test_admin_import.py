"""The admin's "Import operations" page: upload, preview (a dry run), confirm."""

import csv
import io
import os
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from operations import admin_import
from operations.imports import RowError
from operations.models import Claim, Operation, Organisation, Place, Source, Status

from .conftest import make_user

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "samples" / "ucdp_ged_sample.csv"
SAMPLE_ROWS = 11
IMPORT_URL = reverse("admin:operations_operation_import")
CHANGELIST_URL = reverse("admin:operations_operation_changelist")


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    """Each test keeps its uploaded files in a directory of its own."""
    settings.OPSDB_IMPORT_DIR = tmp_path / "imports"
    return settings.OPSDB_IMPORT_DIR


def kept_files(directory):
    return list(directory.glob("*")) if directory.exists() else []


def sample_rows():
    with SAMPLE.open(newline="") as stream:
        reader = csv.DictReader(stream)
        return reader.fieldnames, list(reader)


def csv_bytes(rows, header=None):
    header = header or sample_rows()[0]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def with_changes(number, **changes):
    """The sample's rows with row `number` (from 1) changed."""
    rows = sample_rows()[1]
    rows[number - 1] = {**rows[number - 1], **changes}
    return rows


def upload(client, content, *, allow_duplicates=False, name="events.csv"):
    data = {"file": SimpleUploadedFile(name, content, "text/csv"), "format": "ucdp-ged"}
    if allow_duplicates:
        data["allow_duplicates"] = "on"
    return client.post(IMPORT_URL, data)


def token_of(preview):
    assert preview.context["confirm_form"], "the preview offers no confirmation"
    return preview.context["confirm_form"].initial["token"]


def confirm(client, token):
    return client.post(IMPORT_URL, {"token": token})


def nothing_written():
    return not any(
        model.objects.exists() for model in (Operation, Place, Organisation, Source, Claim)
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- who may import ----------------------------------------------------------------


def test_the_change_list_offers_the_import_to_analysts(analyst_client):
    page = analyst_client.get(CHANGELIST_URL)
    assert f'href="{IMPORT_URL}"' in page.content.decode()
    assert "Import operations" in page.content.decode()


@pytest.mark.parametrize("who", ["analyst", "reviewer", "superuser"])
def test_those_who_may_add_operations_see_the_upload_form(client, who, request):
    client.force_login(request.getfixturevalue(who))
    page = client.get(IMPORT_URL)
    assert page.status_code == 200
    assert set(page.context["form"].fields) == {"file", "format", "allow_duplicates"}


def test_staff_who_may_not_add_operations_are_refused(client, django_user_model):
    reader = make_user(django_user_model, "reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_operation"))
    client.force_login(reader)
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, SAMPLE.read_bytes()).status_code == 403
    assert f'href="{IMPORT_URL}"' not in client.get(CHANGELIST_URL).content.decode()
    assert nothing_written()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert upload(client, SAMPLE.read_bytes()).status_code == 302
    assert nothing_written()


# --- the preview -------------------------------------------------------------------


def test_the_preview_of_a_good_file_counts_its_rows_and_writes_nothing(analyst_client, import_dir):
    preview = upload(analyst_client, SAMPLE.read_bytes())
    assert preview.status_code == 200
    text = preview.content.decode()
    assert f"{SAMPLE_ROWS} draft operations would be created." in text
    assert "0 operations of the file match operations already recorded" in text
    new_records = dict(preview.context["preview"]["new_records"])
    assert new_records["places"] > 0
    assert f"<li>Places: {new_records['places']}</li>" in text
    assert "Confirm import" in text
    assert nothing_written()
    assert len(kept_files(import_dir)) == 1


def test_a_bad_row_is_shown_with_its_row_and_column_and_cannot_be_confirmed(
    analyst_client, import_dir
):
    preview = upload(analyst_client, csv_bytes(with_changes(4, latitude="825")))
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "<tr><td>4</td><td>latitude</td><td>825 is outside -90 to 90</td></tr>" in text
    assert "1 row has errors" in text
    assert "Confirm import" not in text
    assert preview.context["confirm_form"] is None
    assert "Upload the corrected file" in text
    assert nothing_written()
    assert kept_files(import_dir) == []


def test_the_preview_lists_a_thousand_errors_and_counts_the_others(analyst_client):
    row = {**sample_rows()[1][0], "latitude": "825"}
    rows = [{**row, "id": str(800000 + number)} for number in range(1005)]
    text = upload(analyst_client, csv_bytes(rows)).content.decode()
    assert text.count("825 is outside -90 to 90") == 1000
    assert "5 more errors not shown" in text
    assert "1,000 or more rows have errors" in text


def test_rows_matching_recorded_operations_are_listed_with_links(analyst_client):
    call_command("import_operations", str(SAMPLE), "--format", "ucdp-ged", stdout=io.StringIO())
    new_event = {**sample_rows()[1][0], "id": "900199"}
    preview = upload(analyst_client, csv_bytes([*sample_rows()[1], new_event]))
    text = preview.content.decode()
    assert "1 draft operation would be created." in text
    assert f"{SAMPLE_ROWS} operations of the file match operations already recorded" in text
    mosul = Operation.objects.get(title__endswith="(UCDP GED 900101)")
    link = reverse("admin:operations_operation_change", args=[mosul.pk])
    assert f'<a href="{link}">operation #{mosul.pk}: {mosul.title}</a>' in text
    assert Operation.objects.count() == SAMPLE_ROWS


def test_allowing_duplicates_previews_matching_rows_as_new(analyst_client):
    call_command("import_operations", str(SAMPLE), "--format", "ucdp-ged", stdout=io.StringIO())
    preview = upload(analyst_client, SAMPLE.read_bytes(), allow_duplicates=True)
    assert f"{SAMPLE_ROWS} draft operations would be created" in preview.content.decode()
    assert preview.context["preview"]["matched"] == 0


# --- files that cannot be read -----------------------------------------------------


def assert_refused(response, message, import_dir):
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert response.context["preview"] is None
    assert nothing_written()
    assert kept_files(import_dir) == []


def test_a_file_above_the_size_limit_is_refused(analyst_client, settings, import_dir):
    settings.OPSDB_IMPORT_MAX_BYTES = 1000
    response = upload(analyst_client, SAMPLE.read_bytes())
    assert_refused(response, "the page takes files up to 1000\xa0bytes", import_dir)


def test_a_file_not_in_utf8_is_refused(analyst_client, import_dir):
    latin1 = csv_bytes(with_changes(1, side_a="Forces armées")).decode().encode("latin-1")
    response = upload(analyst_client, latin1)
    assert_refused(response, "This is not a readable UTF-8 CSV file", import_dir)


def test_a_file_missing_a_column_is_refused(analyst_client, import_dir):
    header = [name for name in sample_rows()[0] if name != "latitude"]
    response = upload(analyst_client, csv_bytes(sample_rows()[1], header))
    assert_refused(response, "The header lacks the UCDP GED column(s) latitude", import_dir)


def test_an_empty_file_is_refused(analyst_client, import_dir):
    assert_refused(upload(analyst_client, b""), "The submitted file is empty.", import_dir)


# --- the confirmation --------------------------------------------------------------


def test_confirming_creates_drafts_with_the_user_in_their_history(
    analyst_client, analyst, import_dir
):
    preview = upload(analyst_client, SAMPLE.read_bytes())
    new_records = dict(preview.context["preview"]["new_records"])
    token = token_of(preview)
    response = confirm(analyst_client, token)
    assert response.status_code == 302
    assert response.url == CHANGELIST_URL
    page = analyst_client.get(response.url)
    assert (
        f"Created {SAMPLE_ROWS} draft operations; 0 rows matched existing operations "
        "and were left out." in messages_of(page)
    )
    assert Operation.objects.count() == SAMPLE_ROWS
    assert set(Operation.objects.values_list("status", flat=True)) == {Status.DRAFT}
    mosul = Operation.objects.get(title__endswith="(UCDP GED 900101)")
    assert mosul.history.get().history_user == analyst
    assert mosul.claims.first().history.get().history_user == analyst
    assert new_records == {
        "places": Place.objects.count(),
        "organisations": Organisation.objects.count(),
        "sources": Source.objects.count(),
    }
    assert kept_files(import_dir) == []


def test_importing_the_same_file_twice_creates_nothing_the_second_time(analyst_client):
    confirm(analyst_client, token_of(upload(analyst_client, SAMPLE.read_bytes())))
    again = upload(analyst_client, SAMPLE.read_bytes())
    text = again.content.decode()
    assert f"{SAMPLE_ROWS} operations of the file match operations already recorded" in text
    assert "Nothing to import" in text
    assert again.context["confirm_form"] is None
    assert Operation.objects.count() == SAMPLE_ROWS


def test_a_second_confirmation_of_one_preview_is_refused(analyst_client):
    token = token_of(upload(analyst_client, SAMPLE.read_bytes()))
    confirm(analyst_client, token)
    second = confirm(analyst_client, token)
    assert second.status_code == 400
    assert "This file was already imported" in " ".join(messages_of(second))
    assert Operation.objects.count() == SAMPLE_ROWS


def test_a_confirmation_by_another_user_is_refused(client, analyst, reviewer):
    client.force_login(analyst)
    token = token_of(upload(client, SAMPLE.read_bytes()))
    client.force_login(reviewer)
    refused = confirm(client, token)
    assert refused.status_code == 400
    assert "made by another user" in " ".join(messages_of(refused))
    assert nothing_written()
    # The analyst's own preview is still there to confirm.
    client.force_login(analyst)
    assert confirm(client, token).status_code == 302
    assert Operation.objects.count() == SAMPLE_ROWS


def test_an_altered_confirmation_is_refused(analyst_client):
    token = token_of(upload(analyst_client, SAMPLE.read_bytes()))
    payload, signature = token.rsplit(":", 1)
    forged = signing.dumps(
        {**signing.loads(token, salt=admin_import.SIGNING_SALT), "user": 999},
        salt="another salt",
    )
    for altered in (f"{payload}:{signature[::-1]}", forged, ""):
        refused = confirm(analyst_client, altered)
        assert refused.status_code == 400
        assert messages_of(refused)
    assert nothing_written()


def test_a_confirmation_older_than_an_hour_is_refused(analyst_client, monkeypatch):
    an_hour_ago = int(time.time()) - admin_import.CONFIRM_MAX_AGE - 1
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(an_hour_ago)
    )
    token = token_of(upload(analyst_client, SAMPLE.read_bytes()))
    monkeypatch.undo()
    refused = confirm(analyst_client, token)
    assert refused.status_code == 400
    assert "more than an hour old" in " ".join(messages_of(refused))
    assert nothing_written()


def test_a_kept_file_changed_after_its_preview_is_refused(analyst_client, import_dir):
    token = token_of(upload(analyst_client, SAMPLE.read_bytes()))
    [kept] = kept_files(import_dir)
    kept.write_bytes(csv_bytes(with_changes(1, best="13")))
    refused = confirm(analyst_client, token)
    assert refused.status_code == 400
    assert "changed after its preview" in " ".join(messages_of(refused))
    assert nothing_written()
    assert kept_files(import_dir) == []


def test_errors_found_by_the_real_import_write_nothing_and_show_the_preview_again(
    analyst_client, monkeypatch, import_dir
):
    token = token_of(upload(analyst_client, SAMPLE.read_bytes()))
    real_import = admin_import.import_operations

    def records_changed_meanwhile(stream, *, dry_run, **options):
        # What the database refuses after the preview, the import reports as row errors.
        result = real_import(stream, dry_run=True, **options)
        result.dry_run = dry_run
        result.errors.append(RowError(3, "side_a", "the database refused the row"))
        return result

    monkeypatch.setattr(admin_import, "import_operations", records_changed_meanwhile)
    response = confirm(analyst_client, token)
    assert response.status_code == 409
    text = response.content.decode()
    assert "nothing was imported" in " ".join(messages_of(response))
    assert "<tr><td>3</td><td>side_a</td><td>the database refused the row</td></tr>" in text
    assert response.context["confirm_form"] is None
    assert nothing_written()
    assert kept_files(import_dir) == []


def test_expired_kept_files_are_removed_at_the_next_upload(analyst_client, import_dir):
    upload(analyst_client, SAMPLE.read_bytes())
    [abandoned] = kept_files(import_dir)
    long_ago = time.time() - admin_import.CONFIRM_MAX_AGE - 60
    os.utime(abandoned, (long_ago, long_ago))
    upload(analyst_client, SAMPLE.read_bytes())
    assert abandoned not in kept_files(import_dir)
    assert len(kept_files(import_dir)) == 1
