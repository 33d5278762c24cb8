"""The anonymous API's rate limit, kept in the shared cache."""

import logging

from redis.exceptions import RedisError
from rest_framework.throttling import AnonRateThrottle

logger = logging.getLogger(__name__)


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous requests per client address. While the cache (Redis) is unreachable
    requests go through unthrottled: refusing every reader would be the outage the
    limit is there to prevent."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except RedisError as error:
            logger.warning("Cache unreachable, request not throttled: %s", error)
            return True
