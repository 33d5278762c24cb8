"""The POST data that the admin's operation page sends, for tests that submit it."""

import datetime as dt

from operations.versions import stored_version

# Inline prefix → the name of its foreign key to the operation.
INLINES = {
    "forces": "operation",
    "targets": "operation",
    "claims": "operation",
    "links_from": "from_operation",
}
NOT_IN_FORMS = {"id", "operation", "from_operation", "created_at", "updated_at"}


def split_datetime(name, value):
    return {f"{name}_0": value.strftime("%Y-%m-%d"), f"{name}_1": value.strftime("%H:%M:%S")}


def row_fields(prefix, index, row):
    data = {f"{prefix}-{index}-id": row.pk}
    for field in row._meta.concrete_fields:
        value = getattr(row, field.attname)
        if field.name in NOT_IN_FORMS or value is None:
            continue
        if isinstance(value, dt.datetime):
            data.update(split_datetime(f"{prefix}-{index}-{field.name}", value))
        else:
            data[f"{prefix}-{index}-{field.name}"] = value
    if prefix == "claims":
        data[f"{prefix}-{index}-claimed_forces"] = [f.pk for f in row.claimed_forces.all()]
    return data


def operation_form(operation, new_rows=None, **overrides):
    """The POST data of an operation's change page: its stored values and inline rows,
    then `new_rows` ({prefix: [fields, …]}) as added rows, then `overrides`."""
    data = {
        # The version the page was opened at, as its hidden field carries it.
        "version": stored_version(type(operation), operation.pk) if operation.pk else "",
        "title": operation.title,
        "kind": operation.kind,
        "summary": operation.summary,
        "local_date": operation.local_occurred_at.strftime("%Y-%m-%d"),
        "local_time": operation.local_occurred_at.strftime("%H:%M")
        if operation.date_precision in ("minute", "hour")
        else "",
        "date_precision": operation.date_precision,
        "local_time_zone": operation.local_time_zone,
        "place": operation.place_id or "",
        "location_precision": operation.location_precision,
    }
    new_rows = new_rows or {}
    for prefix, foreign_key in INLINES.items():
        rows = list(getattr(operation, prefix).all()) if operation.pk else []
        added = new_rows.get(prefix, [])
        data[f"{prefix}-TOTAL_FORMS"] = len(rows) + len(added)
        data[f"{prefix}-INITIAL_FORMS"] = len(rows)
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for index, row in enumerate(rows):
            data.update(row_fields(prefix, index, row))
            data[f"{prefix}-{index}-{foreign_key}"] = operation.pk
        for index, fields in enumerate(added, start=len(rows)):
            data.update({f"{prefix}-{index}-{name}": value for name, value in fields.items()})
    data.update(overrides)
    return data
