"""Caching for readers: anonymous reads come from the shared cache and revalidate
with an ETag, and no reader ever sees a record older than the last write.

Everything hangs on one number, the data version (a one-row table): every write
moves it in the writer's own transaction (signals for saves, deletes and
many-to-many changes of the domain's models; an explicit `data_changed()` on the
paths that bypass them: QuerySet.update, the bulk import, the generator). Each
anonymous read reads it (one query) and names its cache entry and its ETag after
it, so a write makes every older entry unreachable and every older ETag a miss at
the moment it commits, in every process, whether the cache is Redis (shared) or
each worker's local memory. Finer invalidation (per record) would have to know
every page a record shows up on: the timeline, the persons it targets, the
sources that make its claims…; one number cannot forget one.

Only GET and HEAD without credentials (no session cookie, no Authorization
header) are cached: analysts read drafts, so what they are given is theirs alone
(Cache-Control: private) and never comes from or goes to the shared cache.
Streamed responses (the CSV and GeoJSON exports) get an ETag and a 304 but their
bodies are never kept.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from .groups import domain_models
from .models import DataVersion

# What tells one reader from another: a cached response is the same for all who send neither.
CREDENTIALS = ("Cookie", "Authorization")


def data_version():
    """The number of writes committed so far. One query on every anonymous read, in
    SQL: compiling it through the ORM would cost more than running it."""
    table = connection.ops.quote_name(DataVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def data_changed():
    """Move the data version, in the transaction of the write that calls it, so that
    readers see the new version exactly when they can see the write.

    Its row stays locked until that transaction ends, so on PostgreSQL writers take
    it before any lock of their own (signals before the row is written; writers that
    lock a record to check its version call this first): one that holds it never
    waits for a row that another, waiting for it, holds.
    """
    if not DataVersion.objects.filter(pk=1).update(number=F("number") + 1):
        # The row went with the rest of the data (a test database's flush).
        DataVersion.objects.get_or_create(pk=1, defaults={"number": 1})


def record_written(sender, **kwargs):
    data_changed()


def written_outside_transaction(sender, **kwargs):
    """A write with no transaction around it commits after the version moved before
    it: a reader in between would keep the old record under the new version. Moving
    it again once the row is written closes that gap (a transaction has none)."""
    if not connection.in_atomic_block:
        data_changed()


def relation_written(sender, action, **kwargs):
    if action.startswith("pre_"):
        data_changed()
    elif action.startswith("post_"):
        written_outside_transaction(sender)


def watch_writes():
    """Every save, delete and many-to-many change of a domain record moves the version."""
    for model in domain_models():
        uid = f"data-version-{model._meta.label}"
        # Before the row is written: see data_changed() for the order of locks.
        pre_save.connect(record_written, sender=model, dispatch_uid=uid)
        pre_delete.connect(record_written, sender=model, dispatch_uid=uid)
        post_save.connect(written_outside_transaction, sender=model, dispatch_uid=uid)
        post_delete.connect(written_outside_transaction, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(relation_written, sender=through, dispatch_uid=f"{uid}-{field}")


def is_anonymous_read(request):
    """A GET or HEAD that carries no credentials: what it is shown is shown to everyone."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "Authorization" not in request.headers
    )


def asks_past_caches(request):
    """`Cache-Control: no-cache`, as a browser's reload or the benchmark sends it: the
    answer is built afresh (and kept for the readers after)."""
    return "no-cache" in request.headers.get("Cache-Control", "").lower()


def keepable(request, response):
    """A whole answer that is the same for every anonymous reader."""
    return (
        not response.streaming
        and not response.cookies
        # A page that hands out a CSRF token is one reader's (its cookie comes later).
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def keep(key, response):
    """Store what rebuilding the response needs, its body and its own headers, once
    it is rendered (a DRF or template response renders after the view)."""

    def store(rendered):
        cache.set(key, (rendered.content, list(rendered.items())))

    if getattr(response, "is_rendered", True):
        store(response)
    else:
        response.add_post_render_callback(store)


def rebuilt(stored):
    content, headers = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response


def read_through(request, respond, variant=""):
    """The response to `request`: `respond()`'s, or for an anonymous read the one kept
    under the current data version, or 304 when the reader's copy is still current.

    `variant` tells apart what the same URL answers in several forms (the API's
    negotiated media type).
    """
    if not is_anonymous_read(request):
        response = respond()
        # It may show drafts: no shared cache on the way may keep it.
        patch_cache_control(response, private=True)
        patch_vary_headers(response, CREDENTIALS)
        return response
    version = data_version()
    variant_key = hashlib.blake2b(
        f"{request.build_absolute_uri()}\n{variant}".encode(), digest_size=16
    ).hexdigest()
    key = f"reads:{version}:{variant_key}"
    etag = f'W/"{version}-{variant_key[:16]}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        stored = None if asks_past_caches(request) else cache.get(key)
        if stored is not None:
            response = rebuilt(stored)
        else:
            response = respond()
            if response.status_code != 200:
                return response
            if keepable(request, response):
                keep(key, response)
    response["ETag"] = etag
    # Browsers may keep it, but ask again (a 304 when nothing was written since).
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, CREDENTIALS)
    return response


def cached_for_readers(view):
    """A page view whose anonymous reads are cached and revalidated (see read_through)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return read_through(request, lambda: view(request, *args, **kwargs))

    return wrapper
