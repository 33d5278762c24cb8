"""The export formats, chosen with `?format=csv` or `?format=geojson` on a list.

Lists stream their exports themselves (exports.py): these renderers are what
content negotiation picks. An error answered to an export request is sent as
JSON (see `RecordViewSet.finalize_response`), which is why they are JSON
renderers underneath.
"""

from rest_framework.renderers import JSONRenderer


class CSVRenderer(JSONRenderer):
    media_type = "text/csv"
    format = "csv"


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


EXPORT_FORMATS = {CSVRenderer.format, GeoJSONRenderer.format}
