"""The Atom feed of a timeline query: /feed/ takes the timeline's filters unchanged.

A feed reader polls it to learn what was recorded or changed among the
operations of a query, so entries come most recently changed first (not by
the date of the operation): an old operation recorded today is news to the
subscriber. Readers see published operations only, as on the timeline.
"""

import re
from typing import NamedTuple

from django.contrib.syndication.views import Feed
from django.http import HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed

from ..caching import cached_for_readers
from ..filters import OperationFilterSet
from .timeline import filter_params, filtered_operations, query_string

ENTRIES = 50
# Characters XML 1.0 cannot carry: a query or a record holding one must not break the feed.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text):
    return NOT_XML.sub("", text)


class UnreadableFilter(Exception):
    def __init__(self, errors):
        self.errors = errors


class Query(NamedTuple):
    filterset: OperationFilterSet
    filters: QueryDict  # the filter parameters alone, for the feed's links

    def url(self, name):
        query = query_string(self.filters)
        return reverse(name) + (f"?{query}" if query else "")


class OperationsFeed(Feed):
    feed_type = Atom1Feed

    @method_decorator(cached_for_readers)
    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except UnreadableFilter as error:
            lines = [f"{name}: {' '.join(messages)}" for name, messages in error.errors.items()]
            return HttpResponse(
                "This filter cannot be read:\n" + "\n".join(lines) + "\n",
                status=400,
                content_type="text/plain; charset=utf-8",
            )

    def get_object(self, request):
        filterset = filtered_operations(request)
        if not filterset.is_valid():
            raise UnreadableFilter(filterset.form.errors)
        return Query(filterset, filter_params(request, filterset))

    def title(self, query):
        described = "; ".join(
            f"{name} {', '.join(values)}" for name, values in query.filters.lists() if any(values)
        )
        title = "OpsDB: operations against ISIS"
        return xml_text(f"{title} ({described})" if described else title)

    def link(self, query):
        return query.url("timeline")

    def feed_url(self, query):
        return query.url("feed")

    def subtitle(self, query):
        return (
            f"The {ENTRIES} most recently recorded or changed operations of this query, "
            "as news reports and official statements describe them."
        )

    def items(self, query):
        return query.filterset.qs.select_related("place").order_by("-updated_at", "-id")[:ENTRIES]

    def item_title(self, operation):
        return xml_text(operation.title)

    def item_description(self, operation):
        return xml_text(render_to_string("operations/feed_entry.html", {"obj": operation}))

    def item_link(self, operation):
        return operation.get_absolute_url()

    def item_updateddate(self, operation):
        return operation.updated_at

    def item_pubdate(self, operation):
        return operation.created_at
