"""Merging a duplicate operation into the one kept, and undoing it (issue 10, part 3)."""

from unittest import mock

import pytest

from operations import models
from operations.services import MergeError, merge_operations, undo_merge

from .api_client import api_client, body
from .factories import CasualtyClaimFactory, OperationFactory, SourceFactory, TargetFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/operations/operation/"


@pytest.fixture
def pair():
    """Two records of one raid: CENTCOM's says no civilians died, the state TV's says one."""
    kept = OperationFactory(title="US raid near Qamishli")
    CasualtyClaimFactory(operation=kept, source=SourceFactory(title="CENTCOM"), count_high=0)
    duplicate = OperationFactory(title="Helicopter landing in Hasakah countryside")
    target = TargetFactory(operation=duplicate, person__name="Rakkan al-Shammri")
    tv = SourceFactory(title="Syrian state TV")
    models.Claim.objects.create(
        operation=duplicate, source=tv, point="outcome", target=target, outcome="killed"
    )
    CasualtyClaimFactory(operation=duplicate, source=tv, count_low=1, count_high=1)
    return kept, duplicate


def test_merging_moves_the_duplicate_s_claims_targets_and_sources_to_the_one_kept(pair, reviewer):
    kept, duplicate = pair
    merge = merge_operations(kept=kept, duplicate=duplicate, user=reviewer)

    assert kept.claims.count() == 3
    assert [target.name for target in kept.targets.all()] == ["Rakkan al-Shammri"]
    assert {source.title for source in models.Source.objects.filter(claims__operation=kept)} == {
        "CENTCOM",
        "Syrian state TV",
    }
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    assert not duplicate.claims.exists() and not duplicate.targets.exists()
    assert models.OperationLink.objects.filter(
        from_operation=duplicate, to_operation=kept, relation="duplicate_of"
    ).exists()
    assert len(merge.claim_ids) == 2 and len(merge.target_ids) == 1


def test_a_second_source_s_claims_make_the_kept_operation_contested(pair, reviewer):
    kept, duplicate = pair
    assert not models.Operation.objects.contested().filter(pk=kept.pk).exists()
    merge_operations(kept=kept, duplicate=duplicate, user=reviewer)

    kept = models.Operation.objects.with_summary().get(pk=kept.pk)
    assert kept.claims_summary.casualties["civilians_killed"].contested
    assert models.Operation.objects.contested().filter(pk=kept.pk).exists()


def test_a_merged_duplicate_is_hidden_from_pages_the_api_exports_and_the_map(
    client, pair, reviewer, analyst
):
    kept, duplicate = pair
    merge_operations(kept=kept, duplicate=duplicate, user=reviewer)

    assert client.get(duplicate.get_absolute_url()).status_code == 404
    assert client.get(kept.get_absolute_url()).status_code == 200
    assert duplicate.title not in client.get("/").content.decode()
    assert [row[0] for row in client.get("/map.json").json()["points"]] == [kept.pk]
    for reader in (api_client(), api_client(analyst)):
        assert reader.get(f"/api/v1/operations/{duplicate.pk}/").status_code == 404
        listed = reader.get("/api/v1/operations/").json()["results"]
        assert [item["id"] for item in listed] == [kept.pk]
        assert duplicate.title not in body(reader.get("/api/v1/operations/?format=csv"))
        assert duplicate.title not in body(reader.get("/api/v1/operations/?format=geojson"))


def test_the_history_records_who_moved_each_row_and_the_merge_itself(pair, reviewer):
    kept, duplicate = pair
    merge_operations(kept=kept, duplicate=duplicate, user=reviewer)

    for claim in kept.claims.exclude(source__title="CENTCOM"):
        last = claim.history.latest()
        assert (last.operation_id, last.history_user) == (kept.pk, reviewer)
        assert last.prev_record.operation_id == duplicate.pk
    last = duplicate.history.latest()
    assert (last.merged_into_id, last.history_user) == (kept.pk, reviewer)


def test_undoing_a_merge_moves_everything_back_and_shows_the_duplicate_again(
    client, pair, reviewer
):
    kept, duplicate = pair
    merge = merge_operations(kept=kept, duplicate=duplicate, user=reviewer)
    moved = undo_merge(merge, user=reviewer)

    assert len(moved) == 3
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert duplicate.claims.count() == 2 and duplicate.targets.count() == 1
    assert kept.claims.count() == 1
    assert not models.OperationLink.objects.filter(from_operation=duplicate).exists()
    assert client.get(duplicate.get_absolute_url()).status_code == 200
    merge.refresh_from_db()
    assert merge.undone_by == reviewer and merge.undone_at is not None
    with pytest.raises(MergeError, match="already undone"):
        undo_merge(merge, user=reviewer)


def test_an_undo_is_refused_while_a_later_claim_refers_to_a_moved_target(pair, reviewer):
    kept, duplicate = pair
    merge = merge_operations(kept=kept, duplicate=duplicate, user=reviewer)
    target = kept.targets.get()
    later = models.Claim.objects.create(
        operation=kept, source=SourceFactory(), point="outcome", target=target, outcome="wounded"
    )

    with pytest.raises(MergeError, match=f"claims {later.pk}"):
        undo_merge(merge, user=reviewer)
    assert kept.claims.count() == 4


@pytest.mark.parametrize("case", ["itself", "twice", "deleted"])
def test_a_merge_that_makes_no_sense_is_refused_and_writes_nothing(pair, reviewer, case):
    kept, duplicate = pair
    if case == "itself":
        duplicate = kept
    elif case == "twice":
        merge_operations(kept=kept, duplicate=duplicate, user=reviewer)
        duplicate.refresh_from_db()
        kept = OperationFactory()  # the merged duplicate, merged again elsewhere
    else:
        duplicate.deleted_at = duplicate.created_at
        duplicate.save()
    merges = models.OperationMerge.objects.count()

    with pytest.raises(MergeError):
        merge_operations(kept=kept, duplicate=duplicate, user=reviewer)
    assert models.OperationMerge.objects.count() == merges


def test_a_failure_midway_leaves_both_operations_as_they_were(pair, reviewer):
    kept, duplicate = pair
    with (
        mock.patch.object(models.OperationMerge.objects, "create", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        merge_operations(kept=kept, duplicate=duplicate, user=reviewer)

    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert duplicate.claims.count() == 2 and kept.claims.count() == 1


# --- in the admin ---------------------------------------------------------------------


def select(client, action, *operations, follow=False, **more):
    ids = [operation.pk for operation in operations]
    data = {"action": action, "_selected_action": ids, **more}
    return client.post(CHANGELIST, data, follow=follow)


def test_a_reviewer_chooses_which_to_keep_then_merges(reviewer_client, pair):
    kept, duplicate = pair
    confirmation = select(reviewer_client, "merge_selected", kept, duplicate)
    page = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert "Keep <strong>US raid near Qamishli</strong>" in page
    assert "Keep <strong>Helicopter landing in Hasakah countryside</strong>" in page

    response = select(reviewer_client, "merge_selected", kept, duplicate, kept=kept.pk)
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    reviewer_client.get(CHANGELIST)  # shows the message that names it, once
    listed = reviewer_client.get(CHANGELIST).content.decode()
    assert duplicate.title not in listed
    assert duplicate.title in reviewer_client.get(CHANGELIST, {"merged": "yes"}).content.decode()


def test_merging_asks_for_exactly_two_operations(reviewer_client, pair):
    kept, _ = pair
    response = select(reviewer_client, "merge_selected", kept, follow=True)
    assert "Select exactly two operations to merge." in response.content.decode()
    assert not models.OperationMerge.objects.exists()


def test_a_reviewer_undoes_a_merge_from_the_list_of_merged_duplicates(reviewer_client, pair):
    kept, duplicate = pair
    select(reviewer_client, "merge_selected", kept, duplicate, kept=kept.pk)
    response = reviewer_client.post(
        f"{CHANGELIST}?merged=yes",
        {"action": "undo_merges", "_selected_action": [duplicate.pk]},
        follow=True,
    )
    assert "Undid 1 merge(s)." in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None and duplicate.claims.count() == 2


def test_an_analyst_has_no_merge_action(analyst_client, pair):
    kept, duplicate = pair
    assert "merge_selected" not in analyst_client.get(CHANGELIST).content.decode()
    select(analyst_client, "merge_selected", kept, duplicate, kept=kept.pk)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
