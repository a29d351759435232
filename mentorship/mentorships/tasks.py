"""Celery tasks for mentorships: the hourly responsiveness sweep, thin and safe to run twice."""

from celery import shared_task

from mentorship.mentorships.responsiveness import responsiveness_sweep


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def sweep_responsiveness() -> dict:
    report = responsiveness_sweep()
    return vars(report)
