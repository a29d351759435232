"""Django's Redis cache, with one redis-py client per connection pool instead of one per call.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` on every cache operation, and
redis-py 8 fills about 170 response callbacks each time it builds one: about half a millisecond
of CPU per `get`, a few per request once throttles and cached pages read the cache. A client
holds no connection of its own (it borrows one from the pool per command and is thread-safe), so
keeping one per pool changes nothing else.

`RedisCache.sliding_log_add` is the request log of a rate limit in one round trip (a Lua script
on a sorted set), for `api.throttling`: DRF's own throttle reads the whole log, unpickles it,
and writes it back, two round trips and a list as long as the rate on every request. The same
round trip can read cache keys the request will need next (`read`: the cached match page, its
generation and stamp): on this machine a round trip costs the client about 0.1 ms of CPU, a
tenth of a cached page.
"""

import os
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        # `_get_connection_pool` and `_client` are the base class's own (undocumented, so not in
        # django-stubs); tests/core/test_health.py runs this on Redis.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


# KEYS[1]: the log (a sorted set of entries scored by their time); KEYS[2..]: keys to read with
# it. ARGV: now, the cutoff (now minus the window: entries at or before it are dropped), the
# limit, the window in seconds and this entry's member. Returns {added, entries, the oldest's
# time or '' (only when refused), the values read (false: no such key)}. Times travel as
# strings: Lua would print a number with 14 digits only.
_SLIDING_LOG_ADD = """
local read = {}
if #KEYS > 1 then read = redis.call('MGET', unpack(KEYS, 2)) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, count, oldest[2], read}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return {1, count + 1, '', read}
"""


class SlidingLog(NamedTuple):
    """What `sliding_log_add` found: whether the entry was added (under the limit), how many
    entries the window holds (with it, if added), the time of the oldest when refused, and the
    values of the keys it was asked to read (as `get_many` returns them: only those present)."""

    added: bool
    size: int
    oldest: float | None
    read: Mapping[str, Any] = MappingProxyType({})


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._scripts: dict[int, Any] = {}

    def sliding_log_add(
        self, key: str, *, now: float, window: int, limit: int, read: Sequence[str] = ()
    ) -> SlidingLog:
        """Drop the entries of the log `key` older than `window` seconds before `now`, then add
        one at `now` unless `limit` remain (the log expires `window` seconds after its newest);
        in the same round trip, read the cache keys `read`."""
        client = self._cache.get_client(key, write=True)
        script = self._scripts.get(id(client))
        if script is None:
            script = self._scripts[id(client)] = client.register_script(_SLIDING_LOG_ADD)
        member = f"{now!r}:{os.urandom(6).hex()}"  # two requests may share a time
        reply = script(
            keys=[self.make_and_validate_key(key), *map(self.make_and_validate_key, read)],
            args=[repr(now), repr(now - window), limit, window, member],
        )
        # How `get_many` decodes (the base class's own serializer, not in django-stubs).
        loads = self._cache._serializer.loads  # type: ignore[attr-defined]
        return SlidingLog(
            added=bool(reply[0]),
            size=int(reply[1]),
            oldest=float(reply[2]) if reply[2] else None,
            read={
                name: loads(value)
                for name, value in zip(read, reply[3], strict=True)
                if value is not None
            },
        )
