from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults

from .models import Operation

OPERATIONS_PER_PAGE = 50


def timeline(request):
    """Published operations, newest first (the full timeline comes with its own issue)."""
    operations = Operation.objects.published().with_summary(public=True, claim_details=False)
    page = Paginator(operations, OPERATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "operations/timeline.html", {"page": page})


def page_not_found(request, exception):
    """A 404 in the API's language for API addresses, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
