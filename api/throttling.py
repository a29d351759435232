"""DRF throttles that read their rates at request time and fail open when the cache is down.

DRF binds `THROTTLE_RATES` when its module is imported, so a changed setting (an environment
override in a test, say) would be ignored; these read `api_settings` whenever they need a rate.
Counters live in the cache (Redis in production): if it does not answer, the request is let
through and the failure logged, so a Redis restart never takes the API down with it.
"""

import logging

from django.core.exceptions import ImproperlyConfigured
from rest_framework import throttling
from rest_framework.settings import api_settings

logger = logging.getLogger(__name__)


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


class AnonRateThrottle(_LiveRates, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_LiveRates, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(_LiveRates, throttling.ScopedRateThrottle):
    pass
