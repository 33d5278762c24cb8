from django.core.paginator import Paginator
from django.shortcuts import render

from .models import Operation

OPERATIONS_PER_PAGE = 50


def timeline(request):
    """Published operations, newest first (the full timeline comes with its own issue)."""
    operations = Operation.objects.published().with_summary(public=True, claim_details=False)
    page = Paginator(operations, OPERATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "operations/timeline.html", {"page": page})
