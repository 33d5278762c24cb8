"""The load test's own machinery: which failures it forgives (only the outage's), and the
write check that compares what clients were told with what the database holds."""

import random
import subprocess

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from operations import load
from operations.loopback import database_url, gunicorn
from operations.models import Claim, Operation

from .api_client import api_client
from .factories import (
    OperationFactory,
    OrganisationFactory,
    PersonFactory,
    PlaceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pools():
    return load.Pools(
        operations=[OperationFactory().pk],
        places=[PlaceFactory().pk for _ in range(2)],
        organisations=[OrganisationFactory().pk for _ in range(3)],
        persons=[PersonFactory().pk for _ in range(2)],
        sources=[SourceFactory().pk for _ in range(2)],
        countries=["SY"],
    )


def written_by(client, pools, marker="load-0-0", answered=True):
    """A create as a load client sends it, recorded as the client records it."""
    payload = load.operation_payload(marker, random.Random(marker), pools)
    written = load.Written(
        marker,
        load.parts_sent(payload),
        fields=[load.edited_fields(payload)],
        claims=[load.claim_row(claim) for claim in payload["claims"]],
    )
    response = client.post("/api/v1/operations/", payload, format="json")
    assert response.status_code == 201, response.json()
    if answered:
        written.id = response.json()["id"]
    return written


@pytest.fixture
def analyst_api(analyst):
    return api_client(analyst)


def test_a_create_stored_as_sent_passes_the_write_check(analyst_api, pools):
    assert load.check_writes([written_by(analyst_api, pools)]) == []


def test_a_create_missing_one_of_its_claims_is_a_half_done_write(analyst_api, pools):
    written = written_by(analyst_api, pools)
    Claim.objects.filter(operation_id=written.id, point="outcome").delete()
    [problem] = load.check_writes([written])
    assert problem.startswith("load-0-0: claims missing")


def test_an_unanswered_create_may_be_stored_whole_or_not_at_all(analyst_api, pools):
    stored = written_by(analyst_api, pools, "load-0-0", answered=False)
    not_stored = load.Written("load-0-1", stored.parts, fields=stored.fields)
    assert load.check_writes([stored, not_stored]) == []


def test_one_request_stored_twice_is_a_duplicate(analyst_api, pools):
    written = written_by(analyst_api, pools, answered=False)
    written_by(analyst_api, pools)
    assert load.check_writes([written]) == ["load-0-0: written 2 times by one request"]


def test_an_operation_no_request_wrote_is_reported(analyst_api, pools):
    written_by(analyst_api, pools)
    assert load.check_writes([]) == ["load-0-0: stored, but no request wrote it"]


def test_an_edit_left_unanswered_may_be_stored_or_not(analyst_api, pools):
    written = written_by(analyst_api, pools)
    written.fields.append(("load-0-0 edited 1", "Edited 1 times.", "near"))
    assert load.check_writes([written]) == []
    Operation.objects.filter(pk=written.id).update(
        title="load-0-0 edited 1", summary="Edited 1 times.", location_precision="near"
    )
    assert load.check_writes([written]) == []
    Operation.objects.filter(pk=written.id).update(summary="Something else.")
    [problem] = load.check_writes([written])
    assert "stored ('load-0-0 edited 1', 'Something else.'" in problem


def test_a_claim_left_unanswered_may_be_stored_once_but_not_twice(analyst_api, pools):
    written = written_by(analyst_api, pools)
    claim = {
        "source": pools.sources[0],
        "point": "casualties",
        "category": "detained",
        "count_low": 2,
        "count_high": 3,
        "attribution": "a later report",
        "quote": "load-0-0 added 1",
    }
    written.maybe_claims.append(load.claim_row(claim))
    assert load.check_writes([written]) == []
    problems = []
    for _ in range(2):
        response = analyst_api.post(
            "/api/v1/claims/", {**claim, "operation": written.id}, format="json"
        )
        assert response.status_code == 201, response.json()
        problems.append(load.check_writes([written]))
    assert problems[0] == []
    assert "stored twice" in problems[1][0]


OUTAGE = load.Outage(stopping=10.0, stopped=11.0, ready=15.0)


@pytest.mark.parametrize(
    "result,failure",
    [
        (load.Result("list", 1, 2, 200), None),
        (load.Result("list", 12, 12.1, 503), None),
        (load.Result("create", 9, 16, 503), None),
        (load.Result("export", 9, 11, 200, error="IncompleteRead"), None),
        (load.Result("list", 20, 21, 503), "503 outside the outage"),
        (load.Result("list", 1, 2, None, error="ConnectionRefusedError"), "outside the outage"),
        (load.Result("list", 12, 13, None, error="ConnectionResetError"), "during the outage"),
        (load.Result("export", 11, 12, 200, error="IncompleteRead"), "during the outage"),
        (load.Result("detail", 12, 13, 500), "status 500"),
        (load.Result("edit", 1, 2, 400), "400 outside the outage"),
        (load.Result("list", 12, 13, 503, problem="a 503 without the message"), "without"),
    ],
)
def test_only_the_outage_excuses_a_503_and_nothing_excuses_a_500(result, failure):
    failures = load.judge([result], OUTAGE)
    if failure is None:
        assert failures == []
    else:
        [(_, reason)] = failures
        assert failure in reason


def test_the_report_gives_every_kind_and_the_recovery():
    results = [
        load.Result("list", 0, 0.2, 200),
        load.Result("list", 12, 12.01, 503),
        load.Result("create", 15.1, 15.5, 201),
    ]
    report = load.table(results, seconds=20)
    assert [line.split()[0] for line in report.splitlines()] == ["kind", *load.MIX, "all"]
    assert "200: 1, 503: 1" in report
    assert load.recovery(results, OUTAGE) == pytest.approx(0.5)
    assert "1 answers were 503" in load.outage_report(results, OUTAGE)
    assert "0.50 s after it was ready" in load.outage_report(results, OUTAGE)


def test_the_cluster_to_stop_is_the_one_on_the_database_port(monkeypatch):
    listing = (
        "15  main    5432 online postgres /var/lib/postgresql/15/main log\n"
        "15  load    5433 online postgres /var/lib/postgresql/15/load log\n"
    )

    def pg_lsclusters(command, **kwargs):
        return subprocess.CompletedProcess(command, 0, stdout=listing)

    monkeypatch.setattr(load.subprocess, "run", pg_lsclusters)
    assert load.cluster_serving("5433") == ("15", "load")
    with pytest.raises(LookupError):
        load.cluster_serving(5434)


@pytest.mark.django_db(transaction=True)
def test_a_short_run_through_gunicorn_has_no_failure_and_every_write_matches(pools, analyst):
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn's workers share the test database on PostgreSQL only")
    token = Token.objects.create(user=analyst).key
    env = {"DATABASE_URL": database_url(connection.settings_dict), "OPSDB_ANON_RATE": "100000/s"}
    with gunicorn(workers=2, env=env) as server:
        run = load.Run(server.url, token, pools, clients=4, seconds=3)
        run.run()
    assert {result.kind for result in run.results} >= {"list", "create"}
    assert load.judge(run.results, load.Outage()) == []
    assert run.written
    assert load.check_writes(run.written) == []


def test_the_summary_says_where_the_unanswered_creates_went(analyst_api, pools):
    stored = written_by(analyst_api, pools, "load-0-0", answered=False)
    lost = load.Written("load-0-1", stored.parts, fields=stored.fields)
    answered = written_by(analyst_api, pools, "load-0-2")
    answered.edits = 2
    assert load.write_summary([stored, lost, answered]) == (
        "3 operations created, 2 of them without a 201 (1 stored whole, 1 not at all); "
        "2 edits; 0 claims added"
    )


def test_the_outage_stops_then_starts_the_cluster_and_says_when(monkeypatch):
    actions = []

    def pg_ctlcluster(cluster, action, *options):
        actions.append((cluster, action, *options))
        if action == "start" and len(actions) > 2:
            raise subprocess.CalledProcessError(1, "pg_ctlcluster", stderr=b"no space left")

    monkeypatch.setattr(load, "pg_ctlcluster", pg_ctlcluster)
    monkeypatch.setattr(load.time, "sleep", lambda seconds: None)
    clock = iter(range(100))
    outage = load.Outage()
    load.stop_and_start(("15", "load"), outage, after=3, seconds=4, stopwatch=lambda: next(clock))
    assert actions == [(("15", "load"), "stop", "-m", "fast"), (("15", "load"), "start")]
    assert (outage.stopping, outage.stopped, outage.ready, outage.error) == (0, 1, 2, "")

    failed = load.Outage()
    load.stop_and_start(("15", "load"), failed, after=3, seconds=4, stopwatch=lambda: next(clock))
    assert failed.ready is None
    assert failed.error == "starting it again: no space left"
    assert "that failed, starting it again" in load.outage_report([], failed)
