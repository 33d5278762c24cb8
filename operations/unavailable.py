"""When the database cannot be reached: a 503 that says so, never a 500 with a traceback.

PostgreSQL restarting or briefly gone is an outage, not a bug: every page and API
request answers 503 with Retry-After while it lasts. The persistent connections'
health check (CONN_MAX_AGE with conn_health_checks) replaces a dead connection at
the next request, so the site comes back by itself when the database does.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = (
    "The database is unavailable for a moment (it may be restarting): try again in a few "
    "seconds. If you were saving something, check whether it was saved before sending it again."
)
# SQLSTATE classes of a lost or refused connection: 08 connection exception, and
# 57P operator intervention (server shutting down, starting up, or gone).
UNAVAILABLE_SQLSTATES = ("08", "57P")
# SQLite's equivalents: the file cannot be opened, or another process holds it.
UNAVAILABLE_SQLITE_ERRORS = {"SQLITE_CANTOPEN", "SQLITE_BUSY"}


def is_database_unavailable(error):
    """Whether `error` says the database cannot be reached, rather than a query is wrong.

    A programming error ("no such table", "column does not exist") stays a 500.
    """
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if hasattr(cause, "sqlite_errorname"):
        return cause.sqlite_errorname in UNAVAILABLE_SQLITE_ERRORS
    # psycopg2 gives no SQLSTATE when the connection is refused or drops.
    code = getattr(cause, "pgcode", None)
    return code is None or code.startswith(UNAVAILABLE_SQLSTATES)


def unavailable_response(request):
    """The 503: the API's error format for API addresses, a short page elsewhere."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        # Rendered without the request: context processors could need the database.
        page = render_to_string("503.html", {"message": MESSAGE})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Answers 503 for a view, DRF's included, that cannot reach the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.warning("503 for %s %s: %s", request.method, request.path, exception)
        return unavailable_response(request)
