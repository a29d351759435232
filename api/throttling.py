"""DRF throttles that read their rates from settings at request time, not at import time.

DRF binds `THROTTLE_RATES` when its module is imported, so a changed setting (an environment
override in a test, say) would be ignored; these read `api_settings` on every request.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _LiveRates:
    @property
    def THROTTLE_RATES(self) -> dict[str, str | None]:
        return api_settings.DEFAULT_THROTTLE_RATES


class AnonRateThrottle(_LiveRates, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_LiveRates, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(_LiveRates, throttling.ScopedRateThrottle):
    pass
