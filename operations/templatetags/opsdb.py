"""Template tags that every page uses to show dates and names the same way."""

from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html

from .. import dates
from ..models import Target, name_for, withheld

register = template.Library()


@register.simple_tag
def when(record):
    """An operation's or a claim's time as a `<time>` element, no more precise than known."""
    local = record.local_occurred_at
    if local is None:
        return ""
    value = dates.html_datetime(local, record.date_precision or dates.DatePrecision.MINUTE)
    return format_html('<time datetime="{}">{}</time>', value, record.when)


@register.simple_tag
def partial_date(value, precision):
    """A date known to a day, month or year (a role's start, a source's date)."""
    if value is None:
        return ""
    local = dates.at_midnight(value)
    return format_html(
        '<time datetime="{}">{}</time>',
        dates.html_datetime(local, precision),
        dates.format_local(local, precision),
    )


@register.simple_tag(takes_context=True)
def name(context, record):
    """A record's name as this reader may see it: a draft's is withheld from the public.

    Takes a record or a target (a person, an organisation or a description).
    """
    public = context.get("public", True)
    if isinstance(record, Target):
        return record.public_name if public else record.name
    return name_for(record, public=public)


@register.simple_tag(takes_context=True)
def link(context, record, text=None):
    """A link to the record's page, or its name alone when the reader may not open it."""
    if record is None:
        return ""
    public = context.get("public", True)
    label = text if text is not None else name(context, record)
    if public and withheld(record):
        return label
    return format_html('<a href="{}">{}</a>', record.get_absolute_url(), label)


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template, None when absent."""
    return mapping.get(key)


@register.filter
def web_url(value):
    """`value` if it is an http(s) address, else "": a stored URL never becomes a script link.

    Validation already refuses other schemes; this holds for rows written around it.
    """
    return value if urlsplit(value or "").scheme.lower() in ("http", "https") else ""
