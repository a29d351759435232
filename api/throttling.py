"""DRF throttles that read their rates at request time and fail open when the cache is down.

DRF binds `THROTTLE_RATES` when its module is imported, so a changed setting (an environment
override in a test, say) would be ignored; these read `api_settings` whenever they need a rate.
Counters live in the cache (Redis in production): if it does not answer, the request is let
through and the failure logged, so a Redis restart never takes the API down with it.

On Redis each check is one round trip (`RedisCache.sliding_log_add`), with DRF's semantics: the
same sliding window of request times, requests refused are not counted, the same `wait()` (the
`Retry-After` of a 429). Any other cache backend gets DRF's own list in the cache. A throttle
whose request has no key (the anonymous throttle, for a signed-in caller) touches no cache.

A view that knows which cache keys it will read next says so (`cache_read_ahead(request)`, called
once the caller is authenticated); the first throttle that goes to Redis reads them in its round
trip and leaves what it found on the view (`cache_read`), so a cached match page costs one round
trip to Redis, not two. Without a Redis throttle `cache_read` stays None and the view reads them
itself.
"""

import logging

from django.core.exceptions import ImproperlyConfigured
from rest_framework import throttling
from rest_framework.settings import api_settings

from mentorship.core.redis_cache import SlidingLog

logger = logging.getLogger(__name__)


class _OneRoundTrip(throttling.SimpleRateThrottle):
    """DRF's sliding log, kept by the cache in one round trip when it can (Redis)."""

    num_requests: int  # set by DRF's `__init__` from the rate
    duration: int
    _log: SlidingLog | None = None

    def allow_request(self, request, view) -> bool:
        add = getattr(self.cache, "sliding_log_add", None)
        if add is None:
            return super().allow_request(request, view)
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        read_ahead = getattr(view, "cache_read_ahead", None)
        read = (
            read_ahead(request)
            if read_ahead is not None and getattr(view, "cache_read", None) is None
            else ()
        )
        # Not DRF's key: a list it left there (before a deployment) is no sorted set.
        self._log = add(
            f"{self.key}:log",
            now=self.now,
            window=self.duration,
            limit=self.num_requests,
            read=read,
        )
        if read:
            view.cache_read = self._log.read
        return self._log.added

    def wait(self) -> float | None:
        """DRF's formula: the time until the oldest request leaves the window, shared among the
        requests still available then."""
        log = self._log
        if log is None:
            return super().wait()
        remaining = self.duration if log.oldest is None else self.duration - (self.now - log.oldest)
        available = self.num_requests - log.size + 1
        return remaining / available if available > 0 else None


class _LiveRates:
    def get_rate(self) -> str | None:
        """The rate of this throttle's scope in the settings as they are now."""
        scope = getattr(self, "scope", None)
        rates = api_settings.DEFAULT_THROTTLE_RATES
        if not scope or scope not in rates:
            raise ImproperlyConfigured(f"No default throttle rate set for {scope!r} scope")
        rate = rates[scope]
        return None if rate is None else str(rate)

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except Exception:  # each cache backend raises its own connection errors
            logger.warning("throttle cache unavailable; letting the request through", exc_info=True)
            return True


class AnonRateThrottle(_LiveRates, throttling.AnonRateThrottle, _OneRoundTrip):
    pass


class UserRateThrottle(_LiveRates, throttling.UserRateThrottle, _OneRoundTrip):
    pass


class ScopedRateThrottle(_LiveRates, throttling.ScopedRateThrottle, _OneRoundTrip):
    pass
