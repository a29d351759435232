"""Celery tasks for accounts: thin wrappers over the services, safe to run twice."""

from celery import shared_task

from mentorship.accounts.deletion import accounts_unverified_delete
from mentorship.accounts.lockout import login_failures_purge


@shared_task
def delete_unverified_accounts() -> int:
    return accounts_unverified_delete()


@shared_task
def purge_login_failures() -> int:
    return login_failures_purge()
