"""WSGI entry point (gunicorn: `deploy/gunicorn.conf.py`).

The URLconf (every view, serializer and permission) and DRF's configured classes are imported
here rather than in the first request a process serves: that request used to take more than a
second. With gunicorn's `preload_app` this happens once, in the master, and every worker (also
one recycled after `max_requests`) is forked warm.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

application = get_wsgi_application()


def _import_what_requests_use() -> None:
    from django.urls import get_resolver
    from rest_framework.settings import api_settings

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and every view)
    for name in (
        "DEFAULT_AUTHENTICATION_CLASSES",
        "DEFAULT_PERMISSION_CLASSES",
        "DEFAULT_THROTTLE_CLASSES",
        "DEFAULT_RENDERER_CLASSES",
        "DEFAULT_PARSER_CLASSES",
        "DEFAULT_PAGINATION_CLASS",
        "EXCEPTION_HANDLER",
    ):
        getattr(api_settings, name)


_import_what_requests_use()
