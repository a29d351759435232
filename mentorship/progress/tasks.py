"""Celery tasks for progress: the weekly sweep, thin and safe to run twice."""

from celery import shared_task

from mentorship.progress.sweep import open_weekly_checkins


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def sweep_weekly_checkins() -> dict:
    report = open_weekly_checkins()
    return vars(report)
