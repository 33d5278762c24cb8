"""What drf-spectacular cannot see by itself: the exports' bodies and the error responses.

Every status the API really answers is documented, so that a client (and
schemathesis) can rely on the schema for failures as well as successes.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter


class RecordSchema(AutoSchema):
    """A write answers with the record as a read gives it, not with what was sent."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.view.action in ("retrieve", "create", "update", "partial_update"):
            parameters.append(
                OpenApiParameter(
                    "ETag",
                    str,
                    OpenApiParameter.HEADER,
                    description="The record's version, for If-Match on a later write.",
                    response=[200, 201],
                )
            )
        if self.view.action in ("update", "partial_update", "destroy"):
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    OpenApiParameter.HEADER,
                    description=(
                        "The ETag of the record as you read it: if the record changed since, "
                        "the write is refused with 412 and nothing is written."
                    ),
                )
            )
        return parameters

    def get_response_serializers(self):
        if self.view.action in ("create", "update", "partial_update"):
            return self.view.detail_serializer_class
        return super().get_response_serializers()


ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# Field errors: {"date_after": ["Give an ISO date: YYYY-MM-DD."]}, nested for nested writes.
FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": True,
    "example": {"date_after": ["Give an ISO date: YYYY-MM-DD."]},
}
FEATURE_COLLECTION = {
    "type": "object",
    "description": "An RFC 7946 FeatureCollection; coordinates are [longitude, latitude].",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "integer"},
                    "geometry": {
                        "type": "object",
                        "properties": {
                            "type": {"type": "string", "enum": ["Point"]},
                            "coordinates": {
                                "type": "array",
                                "items": {"type": "number"},
                                "minItems": 2,
                                "maxItems": 2,
                            },
                        },
                    },
                    "properties": {"$ref": "#/components/schemas/OperationList"},
                },
            },
        },
        "without_coordinates": {
            "type": "integer",
            "description": "Matching operations left out because their place has no coordinates.",
        },
    },
    "required": ["type", "features", "without_coordinates"],
}

ERRORS = {
    "400": ("The request could not be read: the message names each bad field.", FIELD_ERRORS),
    "401": ("The token is invalid, or a write came without one.", ERROR),
    "403": ("The account may not do this (only a reviewer publishes).", ERROR),
    "404": ("No such record (or a draft), a bad cursor, or an unknown format.", ERROR),
    "409": ("Other records still refer to this one.", ERROR),
    "412": ("The record changed since the version named in If-Match: nothing written.", ERROR),
    "413": ("The body is larger than the server reads (OPSDB_MAX_REQUEST_BYTES).", ERROR),
    "415": ("The body is not JSON: writes take application/json.", ERROR),
    "429": ("Too many anonymous requests: retry after Retry-After seconds.", ERROR),
    "503": (
        "The database is unavailable for a moment (restarting): retry after Retry-After "
        "seconds. A write may or may not have been saved: read the record before resending.",
        ERROR,
    ),
}


PAGE_PARAMETERS = {"cursor", "page_size"}


def statuses(method, path):
    """The error statuses an operation of the API can answer."""
    detail = "{id}" in path
    codes = ["401", "429", "503"]
    if method in ("post", "put", "patch") or not detail:
        codes.append("400")
    if method in ("post", "put", "patch"):
        codes.extend(["413", "415"])
    if method != "get":
        codes.append("403")
    # A detail that is not there, a bad cursor, or a `format` that no renderer has.
    codes.append("404")
    if method == "delete":
        codes.append("409")
    if detail and method in ("put", "patch", "delete"):
        codes.append("412")
    return sorted(codes)


def document_exports_and_errors(result, generator, request, public):
    for path, methods in result["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in methods.items():
            responses = operation["responses"]
            content = responses.get("200", {}).get("content", {})
            if "text/csv" in content:
                content["text/csv"] = {"schema": {"type": "string", "description": "CSV."}}
            if "application/geo+json" in content:
                content["application/geo+json"] = {"schema": FEATURE_COLLECTION}
            security = operation.setdefault("security", [])
            if method == "get" and {} not in security:
                # Reading needs no account: anonymous is one of the ways in.
                security.append({})
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] not in PAGE_PARAMETERS:
                    # An empty value is no filter, as a submitted HTML form sends it.
                    parameter["allowEmptyValue"] = True
            for code in statuses(method, path):
                description, schema = ERRORS[code]
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": schema}},
                    },
                )
    return result
