"""CSV and GeoJSON exports: every matching record, streamed in batches.

Rows come from the same list serializers as the JSON, flattened, so a field
has one definition whatever the format. Memory stays flat: records are read
`BATCH` at a time (prefetches included) and written out as they come.
"""

import csv
import json

from django.http import StreamingHttpResponse

from ..models import Claim

BATCH = 500


class Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def records(queryset):
    return queryset.iterator(chunk_size=BATCH)


def cell(value):
    """A nested value as a spreadsheet cell: references by name, lists joined."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return value.get("name") or value.get("title") or value.get("id") or ""
    if isinstance(value, list):
        return "; ".join(str(cell(item)) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def flat_row(data):
    return {key: cell(value) for key, value in data.items()}


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
    fields = list(serializer.fields)
    if operations:
        fields = [field for field in fields if field not in ("place", "casualties", "targets")]
        fields += ["place", "place_id", "latitude", "longitude", "targets", *CASUALTY_COLUMNS]
    flatten = flat_operation if operations else flat_row
    writer = csv.DictWriter(Echo(), fieldnames=fields, extrasaction="ignore")

    def lines():
        yield writer.writeheader()
        for record in records(queryset):
            yield writer.writerow(flatten(serializer.to_representation(record)))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def geojson_response(queryset, serializer):
    """An RFC 7946 FeatureCollection; operations without coordinates are counted, not shown."""

    def chunks():
        yield '{"type": "FeatureCollection", "features": ['
        without_coordinates = 0
        separator = ""
        for record in records(queryset):
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
            yield separator + json.dumps(feature, ensure_ascii=False)
            separator = ","
        yield f'], "without_coordinates": {without_coordinates}}}'

    response = StreamingHttpResponse(chunks(), content_type="application/geo+json")
    response["Content-Disposition"] = 'attachment; filename="operations.geojson"'
    return response
