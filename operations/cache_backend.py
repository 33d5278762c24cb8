"""Django's Redis cache, for a cache that may go away: an unreachable Redis is a miss."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class TolerantRedisCache(RedisCache):
    """Reads while Redis is unreachable find nothing and writes keep nothing, with a
    warning: every user of the cache (the readers' cache, the API's throttle) then
    works from the database, slower and unthrottled, rather than answering 500. The
    cache holds nothing the database lacks."""

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            logger.warning("Cache unreachable, read as a miss: %s", error)
            return default

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            logger.warning("Cache unreachable, %s not kept: %s", key, error)
