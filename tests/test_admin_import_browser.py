"""An analyst imports a UCDP GED file in a real browser: preview, confirm, see the drafts."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from operations.groups import setup_groups
from operations.models import Operation, Status

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password"
SAMPLE = Path(__file__).parent / "samples" / "ucdp_ged_sample.csv"


def test_an_analyst_previews_and_imports_a_file_and_sees_the_drafts(
    live_server, page, settings, tmp_path
):
    settings.OPSDB_IMPORT_DIR = tmp_path / "imports"
    analyst = User.objects.create_user("analyst", password=PASSWORD, is_staff=True)
    analyst.groups.add(setup_groups()["Analyst"])

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")

    page.goto(live_server.url + "/admin/operations/operation/")
    page.click("text=Import operations")
    page.set_input_files("#id_file", str(SAMPLE))
    page.select_option("#id_format", "ucdp-ged")
    page.click("input[value=Preview]")

    assert page.inner_text("#rows-to-create") == "11 draft operations would be created."
    assert "0 operations of the file match" in page.inner_text("#rows-matched")
    assert Operation.objects.count() == 0

    page.click("input[value='Confirm import']")
    page.wait_for_selector(".messagelist .success")
    assert page.inner_text(".messagelist .success") == (
        "Created 11 draft operations; 0 rows matched existing operations and were left out."
    )
    assert page.url == live_server.url + "/admin/operations/operation/"
    results = page.inner_text("#result_list")
    assert "Operation in Mosul (UCDP GED 900101)" in results
    assert "Operation near Raqqa (UCDP GED 900102)" in results
    assert set(Operation.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert Operation.objects.get(title__contains="900101").history.get().history_user == analyst
