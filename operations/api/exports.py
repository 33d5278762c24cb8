"""CSV and GeoJSON exports: every matching record, streamed in batches.

Rows come from the same list serializers as the JSON, flattened, so a field
has one definition whatever the format. Memory stays flat: records are read
`BATCH` at a time (prefetches included) and written out as they come.
"""

import csv
import itertools
import json

from django.http import StreamingHttpResponse
from rest_framework import serializers
from rest_framework.utils.encoders import JSONEncoder

from ..models import Claim

BATCH = 500


class Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def records(queryset):
    """The records, the first batch read already: the database is asked before the
    response starts, so that an outage is a 503 and not a 200 cut short."""
    rows = queryset.iterator(chunk_size=BATCH)
    first = next(rows, None)
    return iter(()) if first is None else itertools.chain([first], rows)


# A cell starting with these is a formula to a spreadsheet: a quote keeps it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A nested value as a spreadsheet cell: references by name, lists joined."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, dict):
        return value.get("name") or value.get("title") or value.get("id") or ""
    if isinstance(value, list):
        return "; ".join(str(cell(item)) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def flat_row(data):
    """A record as cells; a reference also gives its id, so that exports can be joined."""
    row = {}
    for key, value in data.items():
        row[key] = cell(value)
        if isinstance(value, dict) and "id" in value:
            row[f"{key}_id"] = value["id"]
    return row


def columns(serializer):
    """The serializer's fields, each reference followed by its id column."""
    names = []
    for name, field in serializer.fields.items():
        names.append(name)
        if isinstance(field, serializers.Serializer) and "id" in field.fields:
            names.append(f"{name}_id")
    return names


CASUALTY_COLUMNS = [
    column
    for category in Claim.Category.values
    for column in (f"{category}_low", f"{category}_high", f"{category}_contested")
]


def flat_operation(data):
    """One row per operation: place split into columns, a low/high pair per category."""
    place = data.pop("place") or {}
    casualties = data.pop("casualties")
    targets = data.pop("targets")
    row = flat_row(data)
    row["place"] = place.get("name", "")
    row["place_id"] = place.get("id", "")
    row["latitude"] = cell(place.get("latitude"))
    row["longitude"] = cell(place.get("longitude"))
    row["targets"] = "; ".join(f"{target['name']} ({target['outcome']})" for target in targets)
    for category in Claim.Category.values:
        summary = casualties.get(category, {})
        row[f"{category}_low"] = cell(summary.get("low"))
        row[f"{category}_high"] = cell(summary.get("high"))
        row[f"{category}_contested"] = cell(summary.get("contested")) if summary else ""
    return row


def csv_response(queryset, serializer, filename, *, operations=False):
    fields = columns(serializer)
    if operations:
        fields = [field for field in fields if field not in ("place", "casualties", "targets")]
        fields += ["place", "place_id", "latitude", "longitude", "targets", *CASUALTY_COLUMNS]
    flatten = flat_operation if operations else flat_row
    writer = csv.DictWriter(Echo(), fieldnames=fields, extrasaction="ignore")
    rows = records(queryset)

    def lines():
        yield writer.writeheader()
        for record in rows:
            yield writer.writerow(flatten(serializer.to_representation(record)))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def geojson_response(queryset, serializer):
    """An RFC 7946 FeatureCollection; operations without coordinates are counted, not shown."""
    rows = records(queryset)

    def chunks():
        yield '{"type": "FeatureCollection", "features": ['
        without_coordinates = 0
        separator = ""
        for record in rows:
            properties = serializer.to_representation(record)
            place = properties["place"]
            if not place or place["longitude"] is None or place["latitude"] is None:
                without_coordinates += 1
                continue
            feature = {
                "type": "Feature",
                "id": properties["id"],
                "geometry": {
                    "type": "Point",
                    "coordinates": [place["longitude"], place["latitude"]],
                },
                "properties": properties,
            }
            yield separator + json.dumps(feature, ensure_ascii=False, cls=JSONEncoder)
            separator = ","
        yield f'], "without_coordinates": {without_coordinates}}}'

    response = StreamingHttpResponse(chunks(), content_type="application/geo+json")
    response["Content-Disposition"] = 'attachment; filename="operations.geojson"'
    return response
