"""The timeline: the operations a reader may see, filtered by the API's own FilterSet.

A timeline URL's query string works unchanged on /api/v1/operations/, and
the other way round: the filters, their names and their errors are the
API's (operations/filters.py), and so are the order and the page cursor.
"""

import datetime as dt
from urllib.parse import urlencode

from django.db import connection
from django.db.models import BooleanField, CharField, Count, ExpressionWrapper, Q
from django.db.models.functions import Cast, Substr, TruncMonth
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.gzip import gzip_page
from rest_framework.exceptions import NotFound, ValidationError

from .. import charts
from ..api.pagination import KeysetPagination, total_order
from ..caching import cached_for_readers
from ..filters import OperationFilterSet
from ..groups import visible
from ..models import (
    COUNTRY_CODES,
    LOCATION_NOTES,
    LocationPrecision,
    Operation,
    OperationForce,
    OperationKind,
    Organisation,
    Outcome,
    Person,
    Place,
    Role,
    Target,
    country_name,
    where_text,
)

# Names the timeline reads besides the filters; anything else is reported as ignored.
PAGE_PARAMETERS = ("cursor", "page_size")
SUGGESTIONS = 5


def filtered_operations(request):
    """The API's OperationFilterSet over this request's query string."""
    return OperationFilterSet(
        request.GET, queryset=visible(Operation, request.user), request=request
    )


def filter_params(request, filterset):
    """The request's filter parameters alone: what the API accepts, without page or format."""
    params = request.GET.copy()
    for name in set(params) - set(filterset.base_filters):
        del params[name]
    return params


def query_string(params, *, drop=(), **changes):
    """`params` (a QueryDict) as a query string, without `drop`, with `changes`, no empties."""
    query = params.copy()
    for name in drop:
        query.pop(name, None)
    for name, value in changes.items():
        query[name] = value
    pairs = [(name, value) for name, values in query.lists() for value in values if value != ""]
    return urlencode(pairs)


def month_counts(operations):
    """(first day of the local month, number of operations) for the filtered operations.

    On SQLite the month is the start of the date's ISO text ("2022-10"):
    SQLite's TruncMonth runs in Python once per row, seconds at 100,000.
    """
    if connection.vendor == "sqlite":
        month = Substr(Cast("occurred_on", CharField()), 1, 7)
    else:
        month = TruncMonth("occurred_on")
    rows = (
        operations.order_by()
        .annotate(month=month)
        .values("month")
        .annotate(count=Count("pk", distinct=True))
        .order_by("month")
    )
    return [(first_of_month(row["month"]), row["count"]) for row in rows]


def first_of_month(value):
    if isinstance(value, str):
        return dt.date(int(value[:4]), int(value[5:7]), 1)
    return value


def month_groups(operations, counts, *, link):
    """The page's operations under their local month, each with the month's total count
    and `link(month)`, the query narrowed to that month."""
    totals = dict(counts)
    groups = []
    for operation in operations:
        month = operation.occurred_on.replace(day=1)
        if not groups or groups[-1]["month"] != month:
            groups.append(
                {
                    "month": month,
                    "count": totals.get(month, 0),
                    "url": link(month),
                    "operations": [],
                }
            )
        groups[-1]["operations"].append(operation)
    return groups


def suggestions(request, query):
    """People, organisations and places whose names match the search, closest first."""
    found = {}
    for key, model in (("persons", Person), ("organisations", Organisation), ("places", Place)):
        records = visible(model, request.user).ranked(query, limit=SUGGESTIONS)
        if records:
            found[key] = records
    return found


def chosen_records(filterset, filters):
    """The records that the person, place, actor and organisation filters name, for chips
    whose link removes that filter alone."""
    data = filterset.form.cleaned_data
    labels = {
        "person": "Targeted person",
        "organisation": "Targeted organisation",
        "actor": "Conducted by",
        "place": "Place",
    }
    return [
        {"label": label, "record": data[name], "remove": query_string(filters, drop=(name,))}
        for name, label in labels.items()
        if data.get(name)
    ]


def among(ids):
    """Whether a record's id is among `ids`, as an annotation."""
    return ExpressionWrapper(Q(pk__in=ids), output_field=BooleanField())


def filter_choices(request):
    """What the filter form offers: kinds, outcomes, countries with places, and the
    organisations that conducted operations or that targets belonged to."""
    places = visible(Place, request.user)
    countries = places.order_by("country").values_list("country", flat=True).distinct()
    organisations = (
        visible(Organisation, request.user)
        .only("pk", "name")
        # `id IN (…)`: one pass over forces and targets. PostgreSQL ran EXISTS as a scan of
        # the whole table for each organisation that has none (2.4 s at 100,000 operations).
        .annotate(
            conducts=among(OperationForce.objects.values("organisation")),
            targeted=among(Target.objects.values("organisation"))
            | among(Role.objects.values("organisation")),
        )
    )
    return {
        "kinds": OperationKind.choices,
        "outcomes": Outcome.choices,
        "countries": [(code, country_name(code)) for code in countries if code in COUNTRY_CODES],
        "actors": [organisation for organisation in organisations if organisation.conducts],
        "targeted": [organisation for organisation in organisations if organisation.targeted],
    }


@cached_for_readers
def timeline(request):
    filterset = filtered_operations(request)
    public = filterset.public
    context = {
        "public": public,
        "filterset": filterset,
        "form": filterset.form,
        "site_query": request.GET.get("q", ""),
        "choices": filter_choices(request),
        # What the form echoes back as typed (a wrong value stays beside its error).
        "values": {
            name: request.GET.get(name, "") for name in (*filterset.base_filters, "page_size")
        },
        "filter_labels": {name: field.label for name, field in filterset.form.fields.items()},
        "selected_kinds": request.GET.getlist("kind"),
        "ignored": sorted(
            set(request.GET) - {*filterset.base_filters, *PAGE_PARAMETERS, "format"}
        ),
    }
    if not filterset.is_valid():
        return render(request, "operations/timeline.html", context, status=400)

    filters = filter_params(request, filterset)
    query = query_string(filters)
    context["query"] = query
    operations = total_order(filterset.qs, Operation._meta.ordering)
    paginator = KeysetPagination()
    try:
        page = paginator.paginate_queryset(
            operations.with_summary(public=public, claim_details=False), request
        )
    except ValidationError as error:
        context["page_error"] = " ".join(
            str(message) for messages in error.detail.values() for message in messages
        )
        return render(request, "operations/timeline.html", context, status=400)
    except NotFound as error:
        # As the API answers a cursor it cannot read.
        context["page_error"] = error.detail
        return render(request, "operations/timeline.html", context, status=404)

    counts = month_counts(filterset.qs)

    def in_month(month):
        return month_link(filters, month)

    # The permalink and the JSON keep the page size; exports give every record.
    sized = query_string(filters, **page_size(request))
    api = reverse("operation-list")
    query_data = filterset.form.cleaned_data
    context |= {
        "count": paginator.count,
        "groups": month_groups(page, counts, link=in_month),
        "chart": charts.month_chart(counts, link=in_month),
        "next_query": page_query(paginator.get_next_link()),
        "previous_query": page_query(paginator.get_previous_link()),
        "permalink": sized,
        "exports": {
            "JSON": f"{api}?{sized}",
            "CSV": f"{api}?{query_string(filters, format='csv')}",
            "GeoJSON": f"{api}?{query_string(filters, format='geojson')}",
        },
        "feed_url": f"{reverse('feed')}?{query}" if query else reverse("feed"),
        "map_url": f"{reverse('map-points')}?{query}",
        "chosen": chosen_records(filterset, filters),
        "suggestions": suggestions(request, query_data["q"]) if query_data.get("q") else {},
        "filtered": any(value not in (None, "", []) for value in query_data.values()),
        "active_filters": sum(
            1
            for name, value in query_data.items()
            if value not in (None, "", []) and name != "ordering"
        ),
    }
    return render(request, "operations/timeline.html", context)


def page_size(request):
    value = request.GET.get("page_size")
    return {"page_size": value} if value else {}


def page_query(link):
    """The query string of a pagination link, for a relative link on the page."""
    return link.split("?", 1)[1] if link else None


def month_link(filters, month):
    """The current filters narrowed to one local month (a bar of the chart)."""
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    last_day = next_month - dt.timedelta(days=1)
    query = query_string(filters, date_after=month.isoformat(), date_before=last_day.isoformat())
    return f"?{query}"


# The map's points: compact rows, not the GeoJSON export, so that 100,000
# operations load in one request of about a megabyte. Each place is sent once;
# popups ask the API for titles and targets when they open.
MAP_FIELDS = ["id", "place", "location_precision", "kind", "date", "date_precision"]


# Compressed on the way out: the cache keeps one plain copy for every reader.
@gzip_page
@cached_for_readers
def map_points(request):
    """The located operations of a timeline query: rows of MAP_FIELDS, and their places."""
    filterset = filtered_operations(request)
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors}, status=400)
    located = visible(Place, request.user).filter(latitude__isnull=False)
    rows = (
        filterset.qs.filter(place__in=located)
        .order_by()
        .values_list(
            "pk",
            "place",
            "location_precision",
            "kind",
            "occurred_on",
            "date_precision",
            "place__name",
            "place__longitude",
            "place__latitude",
        )
    )
    places, points = {}, []
    for pk, place, precision, kind, day, date_precision, name, longitude, latitude in rows:
        if place not in places:
            places[place] = [name, float(longitude), float(latitude)]
        points.append([pk, place, precision, kind, day.isoformat(), date_precision])
    return JsonResponse(
        {
            "fields": MAP_FIELDS,
            "places": places,
            "kinds": dict(OperationKind.choices),
            "location_notes": LOCATION_NOTES,
            "near": where_text("{place}", LocationPrecision.NEAR),
            "points": points,
        }
    )
