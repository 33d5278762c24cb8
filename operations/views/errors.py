from django.http import JsonResponse
from django.views import defaults


def page_not_found(request, exception):
    """A 404 in the API's language for API addresses, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
