"""Enqueueing Celery work after a transaction commits, without ever failing the caller.

Tasks are named, not imported: a domain's services sit below its `tasks` module (the tasks call
the services), so a service that enqueues work refers to the task by its registered name, as a
message would. Each app registers its tasks when Django starts (`AppConfig.ready`), so a name is
resolved to the task (and the eager mode of the tests honoured); `task_names_unknown` lets a test
check every name a module uses.

The write has committed by then; if the broker is down the send is logged and dropped, and each
domain has a periodic sweep that re-enqueues what matters (emails: the outbox's pending sweep;
matching: stuck runs re-dispatched and a nightly full run). A request never turns into a 500
because Redis is restarting.
"""

import functools
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from celery import current_app, group
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_name: str, *args: Any) -> None:
    """Send the task `task_name` with `args` once the current transaction commits (at once
    outside one)."""
    transaction.on_commit(functools.partial(_send, task_name, args), robust=True)


def enqueue_group(task_name: str, argument_lists: Sequence[Sequence[Any]]) -> None:
    """Send one `task_name` message per argument list, as a Celery group, now (the caller has
    committed what the tasks read)."""
    group(
        current_app.signature(task_name, args=tuple(args)) for args in argument_lists
    ).apply_async()


def task_names_unknown(names: Iterable[str]) -> list[str]:
    """The names that no registered task has (a typo would otherwise publish to nobody)."""
    return sorted(name for name in names if name not in current_app.tasks)


def _send(task_name: str, args: tuple) -> None:
    try:
        current_app.signature(task_name, args=args).apply_async()
    except Exception:
        logger.exception("could not enqueue %s%r; its recovery sweep will retry", task_name, args)
