"""Cursor pagination: walking 100,000 operations costs no deep offsets."""

from collections import OrderedDict

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response


class RecordCursorPagination(CursorPagination):
    """Pages of `page_size` (at most 1,000) in a stable order, with the total count.

    The order is the view's, or the one the `ordering` filter chose; the id
    breaks ties so that no record is skipped or repeated between pages.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = ("id",)

    def get_ordering(self, request, queryset, view):
        chosen = tuple(queryset.query.order_by) or tuple(getattr(view, "ordering", self.ordering))
        tie_breaker = "-id" if chosen[0].startswith("-") else "id"
        if chosen[-1] not in ("id", "-id", "pk", "-pk"):
            chosen += (tie_breaker,)
        return chosen

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not value.isdigit() or int(value) < 1:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Give a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return min(int(value), self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.count = queryset.count()
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(
            OrderedDict(
                [
                    ("count", self.count),
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"] = {
            "count": {"type": "integer", "example": 123},
            **response["properties"],
        }
        response["required"] = ["count", "next", "previous", "results"]
        return response
