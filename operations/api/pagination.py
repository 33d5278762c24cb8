"""Keyset pagination: walking 100,000 operations costs no deep offsets.

DRF's CursorPagination keys on one field and counts an offset through ties
(many operations share a month-precision date), and its `previous` links
skip records across such ties (encode/django-rest-framework#7709). Here the
cursor holds the last record's sort value *and* its id, so every page is one
indexed range query and no record is skipped or repeated, either way.
"""

import base64
import binascii
import json
from urllib.parse import urlencode

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

MAX_PAGE_SIZE = 1000


def total_order(queryset, default):
    """`queryset` in its chosen order (or `default`), ending with the id so that it is total.

    Pages, exports and the timeline walk records in this same order.
    """
    key = (queryset.query.order_by or default)[0]
    if key.lstrip("-") == "id":
        return queryset.order_by(key)
    return queryset.order_by(key, "-id" if key.startswith("-") else "id")


def query_params(request):
    """The query string of a DRF request or of a plain Django one (the timeline's)."""
    return getattr(request, "query_params", request.GET)


def encode(payload):
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def decode_payload(text):
    """What `encode` encoded: ValueError (or binascii.Error) when `text` is not that."""
    padded = text + "=" * (-len(text) % 4)
    payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    if not isinstance(payload, dict):
        raise ValueError("not a cursor")
    return payload


def decode(text):
    payload = decode_payload(text)
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        raise ValueError("not a cursor")
    if payload.get("value") is None:
        raise ValueError("a cursor without a position")
    return payload


class KeysetPagination(BasePagination):
    """Pages of `page_size` (default 50, at most 1,000) in the view's order, with the count.

    The order is `(field, id)`: the view's, or the one the `ordering` filter
    chose, always ending with the id so that it is total.
    """

    page_size = 50
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    invalid_cursor_message = "Invalid cursor"

    def get_page_size(self, request):
        value = query_params(request).get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not (value.isascii() and value.isdigit()) or int(value) < 1:
            raise ValidationError(
                {self.page_size_query_param: [f"Give a whole number from 1 to {MAX_PAGE_SIZE}."]}
            )
        return min(int(value), MAX_PAGE_SIZE)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        ordering = queryset.query.order_by
        self.key = ordering[0].lstrip("-")
        self.descending = ordering[0].startswith("-")
        self.model = queryset.model
        self.count = queryset.count()

        cursor = self.read_cursor(request)
        backwards = bool(cursor and cursor.get("back"))
        page = queryset
        if cursor:
            page = page.filter(self.after(cursor, backwards))
        if backwards:
            page = page.reverse()
        try:
            records = list(page[: self.page_size + 1])
        except (DjangoValidationError, ValueError, TypeError, OverflowError):
            raise NotFound(self.invalid_cursor_message) from None
        more = len(records) > self.page_size
        records = records[: self.page_size]
        if backwards:
            records.reverse()
        self.records = records
        # Going forward, more records mean a next page; a cursor means there was a previous one.
        self.has_next = more if not backwards else bool(records)
        self.has_previous = bool(cursor) if not backwards else more
        return records

    def read_cursor(self, request):
        text = query_params(request).get(self.cursor_query_param)
        if not text:
            return None
        try:
            cursor = decode(text)
            field = self.model._meta.get_field(self.key)
            cursor["value"] = field.to_python(cursor.get("value"))
        except (ValueError, TypeError, binascii.Error, DjangoValidationError, UnicodeError):
            raise NotFound(self.invalid_cursor_message) from None
        return cursor

    def after(self, cursor, backwards):
        """Records beyond the cursor in the direction of travel."""
        value, pk = cursor["value"], cursor["id"]
        later = "lt" if self.descending != backwards else "gt"
        return Q(**{f"{self.key}__{later}": value}) | Q(**{self.key: value, f"pk__{later}": pk})

    def link(self, record, backwards):
        value = getattr(record, self.key)
        payload = {"value": value.isoformat() if hasattr(value, "isoformat") else value}
        payload |= {"id": record.pk}
        if backwards:
            payload["back"] = True
        query = query_params(self.request).copy()
        query[self.cursor_query_param] = encode(payload)
        url = self.request.build_absolute_uri(self.request.path)
        return f"{url}?{urlencode(sorted(query.lists()), doseq=True)}"

    def get_next_link(self):
        if not self.has_next or not self.records:
            return None
        return self.link(self.records[-1], backwards=False)

    def get_previous_link(self):
        if not self.has_previous or not self.records:
            return None
        return self.link(self.records[0], backwards=True)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Matching records, all pages."},
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where a page starts: take it from `next` or `previous`.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Records per page, 1 to {MAX_PAGE_SIZE} (default 50).",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]
