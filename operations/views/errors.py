import sys

from django.http import JsonResponse
from django.views import defaults

from ..unavailable import is_database_unavailable, unavailable_response


def page_not_found(request, exception):
    """A 404 in the API's language for API addresses, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """Django's 500 page, but the 503 when the error is the database going away outside a
    view (a middleware saving a session, say), where the middleware cannot see it."""
    if is_database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return defaults.server_error(request)
