"""How large a request body the site reads: refused before any of it is parsed.

Django caps form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not file uploads nor the
JSON bodies that DRF reads from the stream itself, so the limit is taken here, from
Content-Length, for every view alike. The admin's import page takes files up to
OPSDB_IMPORT_MAX_BYTES; every other view OPSDB_MAX_REQUEST_BYTES.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from rest_framework.views import APIView

# Room for the import form's other fields and the multipart boundaries around the file.
MULTIPART_ROOM = 64 * 1024


def takes_uploads(view):
    """Mark `view` as one that takes an import file (the admin's import page)."""
    view.takes_uploads = True
    return view


def body_limit(view):
    if getattr(view, "takes_uploads", False):
        return settings.OPSDB_IMPORT_MAX_BYTES + MULTIPART_ROOM
    return settings.OPSDB_MAX_REQUEST_BYTES


def declared_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, view_args, view_kwargs):
        limit = body_limit(view)
        if declared_length(request) <= limit:
            return None
        message = (
            f"The request body is larger than the {filesizeformat(limit)} this address "
            "accepts. Nothing was read or written."
        )
        view_class = getattr(view, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return JsonResponse({"detail": message}, status=413)
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
