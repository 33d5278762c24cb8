"""Request bodies larger than the site reads are refused unread: 413, nothing written."""

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from operations.intake.proposals import ARTICLE_MAX_LENGTH
from operations.models import Operation

from .api_client import api_client

GED_SAMPLE = Path(__file__).parent / "samples" / "ucdp_ged_sample.csv"
# The widest a character of an article can travel: Arabic script, escaped in JSON.
ARABIC_ARTICLE = "ب" * ARTICLE_MAX_LENGTH


def test_an_api_write_over_the_limit_is_refused_with_413_and_writes_nothing(settings, analyst):
    settings.OPSDB_MAX_REQUEST_BYTES = 1000
    body = {"title": "x" * 2000, "kind": "airstrike", "occurred_at": "2022-10-06T18:23:00Z"}
    response = api_client(analyst).post("/api/v1/operations/", body, format="json")
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request body is larger than the 1000")
    assert not Operation.objects.exists()


def test_an_anonymous_oversized_body_is_refused_before_anything_else(settings, db):
    settings.OPSDB_MAX_REQUEST_BYTES = 1000
    response = api_client().post("/api/v1/operations/", {"title": "x" * 2000}, format="json")
    assert response.status_code == 413


def test_a_body_within_the_limit_goes_through_to_the_view(settings, analyst):
    settings.OPSDB_MAX_REQUEST_BYTES = 1000
    response = api_client(analyst).post("/api/v1/operations/", {"title": ""}, format="json")
    assert response.status_code == 400  # read, and refused for its content


def test_an_admin_form_over_the_limit_is_refused_with_a_plain_message(settings, analyst_client):
    settings.OPSDB_MAX_REQUEST_BYTES = 1000
    page = reverse("admin:operations_operation_add_from_article")
    response = analyst_client.post(page, {"text": "x" * 2000, "published": "2022-10-07"})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")
    assert "Nothing was read or written" in response.content.decode()


def test_the_import_page_takes_files_larger_than_other_requests(
    settings, client, reviewer, tmp_path
):
    settings.OPSDB_MAX_REQUEST_BYTES = 1000
    settings.OPSDB_IMPORT_DIR = tmp_path
    client.force_login(reviewer)
    content = GED_SAMPLE.read_bytes()
    assert len(content) > 1000
    upload = SimpleUploadedFile("events.csv", content, "text/csv")
    page = reverse("admin:operations_operation_import")
    response = client.post(page, {"file": upload, "format": "ucdp-ged"})
    assert response.status_code == 200
    assert "11 draft operations would be created." in response.content.decode()


def test_the_import_page_refuses_a_body_far_over_its_file_limit(settings, client, reviewer):
    settings.OPSDB_IMPORT_MAX_BYTES = 1000
    client.force_login(reviewer)
    upload = SimpleUploadedFile("events.csv", b"x" * 200_000, "text/csv")
    page = reverse("admin:operations_operation_import")
    response = client.post(page, {"file": upload, "format": "ucdp-ged"})
    assert response.status_code == 413


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(lambda data: json.dumps(data).encode(), id="json"),
        pytest.param(lambda data: urlencode(data).encode(), id="form"),
    ],
)
def test_the_longest_article_the_assistant_takes_fits_in_a_request(encoded):
    fields = {"text": ARABIC_ARTICLE, "published": "2022-10-07", "url": "https://example.org/"}
    assert len(encoded(fields)) < settings.OPSDB_MAX_REQUEST_BYTES
