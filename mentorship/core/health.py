"""Health checks for `/health/`: the database, the Celery broker and the cache.

Built on django-health-check; the broker check is ours because the library's Celery checks need
a running worker, and a broker that answers is what the web process depends on.
"""

import dataclasses
import datetime

from celery import current_app
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (Redis, or the embedded filesystem transport)."""

    timeout = datetime.timedelta(seconds=3)

    def run(self) -> None:
        try:
            with current_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
        except Exception as error:  # kombu raises transport-specific errors; any means down
            raise ServiceUnavailable(f"broker unreachable ({type(error).__name__})") from error

    def __repr__(self) -> str:
        return "Broker"


@dataclasses.dataclass
class DatabaseCheck(Database):
    def __repr__(self) -> str:
        return "Database"


@dataclasses.dataclass
class CacheCheck(Cache):
    def __repr__(self) -> str:
        return "Cache"


class HealthView(HealthCheckView):
    """200 when every check passes, 503 naming each failing part otherwise; JSON by default."""

    checks = (DatabaseCheck, Broker, CacheCheck)

    async def dispatch(self, request, *args, **kwargs):
        if "format" not in request.GET and "text/html" not in request.headers.get("accept", ""):
            request.GET = request.GET.copy()
            request.GET["format"] = "json"
        response = await super().dispatch(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503
        return response
