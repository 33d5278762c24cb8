"""Emptying the cache between tests, on local memory or on a Redis shared with others."""

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


def clear_own_keys():
    """Empty the default cache of this test process's keys only: RedisCache.clear()
    would empty the whole Redis database, the keys of parallel workers too (each has
    its KEY_PREFIX, settings.py)."""
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*"))
    if keys:
        client.delete(*keys)
