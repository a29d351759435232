"""DRF throttles that read their rates at request time and fail open when the cache is down.

DRF binds `THROTTLE_RATES` when its module is imported, so a changed setting (an environment
override in a test, say) would be ignored; these read `api_settings` on every request. Counters
live in the cache (Redis in production): if it does not answer, the request is let through and
the failure logged, so a Redis restart never takes the API down with it.
"""

import logging

from rest_framework import throttling
from rest_framework.settings import api_settings

logger = logging.getLogger(__name__)


class _LiveRates:
    @property
    def THROTTLE_RATES(self) -> dict[str, str | None]:
        return api_settings.DEFAULT_THROTTLE_RATES

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except Exception:  # each cache backend raises its own connection errors
            logger.warning("throttle cache unavailable; letting the request through", exc_info=True)
            return True


class AnonRateThrottle(_LiveRates, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_LiveRates, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(_LiveRates, throttling.ScopedRateThrottle):
    pass
