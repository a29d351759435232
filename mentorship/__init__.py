"""The mentorship matching service: the Django project and its domain packages."""

from mentorship.celery import app as celery_app

__all__ = ["celery_app"]
