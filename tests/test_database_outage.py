"""The database going away: every page and API request answers 503 with Retry-After and a
plain message (never a 500 or a traceback), writes are all or nothing, and the site comes
back by itself when the database does."""

import sqlite3
import urllib.error
import urllib.request
from contextlib import contextmanager

import psycopg2
import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import RequestFactory

from operations import models
from operations.loopback import database_url, free_port, gunicorn
from operations.unavailable import MESSAGE, is_database_unavailable
from operations.views.errors import server_error

from .api_client import api_client
from .factories import OperationFactory, PlaceFactory, SourceFactory

REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
# What a reader must never see: the error, its driver, or where the database is.
LEAKS = ["Traceback", "OperationalError", "psycopg2", "5432", "Connection refused"]


@contextmanager
def database_unreachable(when=lambda sql: True):
    """Every query for which `when(sql)` holds fails as a lost connection does."""

    def refuse(execute, sql, params, many, context):
        if when(sql):
            raise OperationalError(REFUSED) from psycopg2.OperationalError(REFUSED)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


def assert_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    text = response.content.decode()
    assert not [leak for leak in LEAKS if leak in text], text
    return text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/v1/operations/?country=SY", "/api/v1/operations/1/", "/api/v1/persons/"]
)
def test_the_api_answers_503_in_its_error_format_when_the_database_is_unreachable(path):
    OperationFactory()
    with database_unreachable():
        response = api_client().get(path)
    assert_unavailable(response)
    assert response.json() == {"detail": MESSAGE}


@pytest.mark.django_db
@pytest.mark.parametrize("format", ["csv", "geojson"])
def test_an_export_answers_503_rather_than_a_200_cut_short(format):
    OperationFactory()
    with database_unreachable():
        response = api_client().get(f"/api/v1/operations/?format={format}")
    assert_unavailable(response)
    assert response.json() == {"detail": MESSAGE}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/operations/1/", "/places/1/", "/feed/"])
def test_pages_answer_a_short_503_page_when_the_database_is_unreachable(client, path):
    with database_unreachable():
        response = client.get(path)
    text = assert_unavailable(response)
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>Unavailable for a moment</h1>" in text
    assert "try again in a few seconds" in text


def test_the_admin_answers_503_when_the_database_is_unreachable(analyst_client):
    with database_unreachable():
        response = analyst_client.get("/admin/operations/operation/")
    assert "Unavailable for a moment" in assert_unavailable(response)


def test_a_write_cut_off_midway_answers_503_and_leaves_nothing(analyst):
    place, source = PlaceFactory(), SourceFactory()
    payload = {
        "title": "Raid cut off by an outage",
        "kind": "airstrike",
        "occurred_at": "2022-10-05T00:00:00Z",
        "place": place.pk,
        "targets": [{"description": "a commander", "outcome": "killed"}],
        "claims": [
            {"source": source.pk, "point": "outcome", "target_index": 0, "outcome": "killed"}
        ],
    }
    client = api_client(analyst)
    # The operation and its target are written; the connection drops at the claim.
    with database_unreachable(when=lambda sql: sql.startswith('INSERT INTO "operations_claim"')):
        response = client.post("/api/v1/operations/", payload, format="json")
    assert_unavailable(response)
    assert not models.Operation.objects.exists()
    assert not models.Target.objects.exists()
    assert not models.Operation.history.exists()


@pytest.mark.django_db
def test_a_wrong_query_is_still_a_server_error_not_an_outage(client):
    def no_such_table(execute, sql, params, many, context):
        error = sqlite3.OperationalError("no such table: operations_operation")
        error.sqlite_errorname = "SQLITE_ERROR"
        raise OperationalError(str(error)) from error

    with connection.execute_wrapper(no_such_table), pytest.raises(OperationalError):
        client.get("/api/v1/operations/")


def server_failure(code):
    """A driver error as PostgreSQL reports it, with its SQLSTATE."""
    return type("ServerError", (Exception,), {"pgcode": code})("")


def sqlite_failure(name):
    error = sqlite3.OperationalError(name)
    error.sqlite_errorname = name
    return error


@pytest.mark.parametrize(
    "cause,unavailable",
    [
        (psycopg2.OperationalError(REFUSED), True),
        (server_failure("57P01"), True),  # terminating connection: administrator command
        (server_failure("57P03"), True),  # the database system is starting up
        (server_failure("08006"), True),  # connection failure
        (server_failure("42P01"), False),  # relation does not exist: a bug
        (server_failure("40P01"), False),  # deadlock: a bug to fix, not an outage
        (sqlite_failure("SQLITE_CANTOPEN"), True),
        (sqlite_failure("SQLITE_BUSY"), True),
        (sqlite_failure("SQLITE_ERROR"), False),
    ],
)
def test_only_a_lost_or_refused_connection_counts_as_the_database_unavailable(cause, unavailable):
    error = OperationalError(str(cause))
    error.__cause__ = cause
    assert is_database_unavailable(error) is unavailable


def test_a_closed_connection_or_any_other_error_is_told_apart():
    assert is_database_unavailable(InterfaceError("connection already closed"))
    assert not is_database_unavailable(ValueError("not a database error"))


@pytest.mark.django_db
def test_an_outage_outside_any_view_still_gets_the_503_not_the_500():
    request = RequestFactory().get("/api/v1/operations/")
    try:
        raise OperationalError(REFUSED) from psycopg2.OperationalError(REFUSED)
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def get(url):
    """Status, headers and body, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_gunicorn_answers_503_while_postgresql_refuses_connections():
    dead = f"postgres://postgres@127.0.0.1:{free_port()}/opsdb"
    with gunicorn(workers=2, env={"DATABASE_URL": dead}) as server:
        for path, kind in [("/api/v1/operations/", "application/json"), ("/", "text/html")]:
            status, headers, body = get(server.url + path)
            assert (status, headers["Retry-After"]) == (503, "5"), body
            assert headers["Content-Type"].startswith(kind)
            assert MESSAGE.split(":")[0] in body
            assert not [leak for leak in LEAKS if leak in body], body
        assert len(server.workers()) == 2


@pytest.mark.django_db(transaction=True)
def test_gunicorn_recovers_by_itself_when_its_postgresql_connections_are_cut():
    if connection.vendor != "postgresql":
        pytest.skip("a server's connections to cut: PostgreSQL only")
    OperationFactory()
    url = "/api/v1/operations/?country=SY"
    env = {
        "DATABASE_URL": database_url(connection.settings_dict),
        "OPSDB_ANON_RATE": "1000/minute",
    }
    with gunicorn(workers=2, env=env) as server:
        # Enough requests that both workers hold a persistent connection.
        assert {get(server.url + url)[0] for _ in range(6)} == {200}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchall()
        # The health check finds each dead connection and opens another: no error at all.
        assert [get(server.url + url)[0] for _ in range(6)] == [200] * 6


@pytest.mark.django_db
def test_the_api_schema_documents_the_503_on_every_operation():
    paths = api_client().get("/api/schema/", {"format": "json"}).json()["paths"]
    answers = {
        (path, method): set(operation["responses"])
        for path, methods in paths.items()
        if path.startswith("/api/v1/")
        for method, operation in methods.items()
    }
    assert answers
    assert [where for where, codes in answers.items() if "503" not in codes] == []
