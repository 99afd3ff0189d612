"""A Redis cache that degrades to "nothing cached" while Redis is unreachable.

Held's cache holds only rate-limit counters and similar short-lived values. A Redis outage must not turn
signing in into a 500: reads miss, writes are dropped, and a warning is logged once per call site. The
cost is that rate limits are not enforced during the outage, which is the lesser harm for a journal.
"""

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

_UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

# What each operation answers when Redis cannot be reached: a miss, or "nothing was stored".
_FALLBACKS: dict[str, Callable[..., Any]] = {
    "get": lambda key, default=None, version=None: default,
    "get_many": lambda keys, version=None: {},
    "has_key": lambda key, version=None: False,
    # True, "you hold it": allauth takes its rate-limit lock with add(), and a lock nobody can take would
    # refuse every sign-in. Held keeps nothing in the cache whose correctness rests on add().
    "add": lambda *args, **kwargs: True,
    "set": lambda *args, **kwargs: None,
    "set_many": lambda data, timeout=None, version=None: list(data),
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "delete_many": lambda *args, **kwargs: None,
    "incr": lambda key, delta=1, version=None: delta,
    "decr": lambda key, delta=1, version=None: -delta,
    "clear": lambda: None,
}


def _degrading(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except _UNREACHABLE:
            logger.warning("cache unavailable: %s answered as a miss", name)
            return _FALLBACKS[name](*args, **kwargs)

    return call


class ResilientRedisCache(RedisCache):
    pass


for _name in _FALLBACKS:
    setattr(ResilientRedisCache, _name, _degrading(_name, getattr(RedisCache, _name)))
