"""Enqueueing Celery work after a transaction commits, without ever failing the caller.

The write has committed by then; if the broker is down the send is logged and dropped, and each
domain has a periodic sweep that re-enqueues what matters (emails: the outbox's pending sweep;
matching: stuck runs re-dispatched and a nightly full run). A request never turns into a 500
because Redis is restarting.
"""

import functools
import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """`task.delay(*args)` once the current transaction commits (at once outside one)."""
    transaction.on_commit(functools.partial(_send, task, args), robust=True)


def _send(task: Any, args: tuple) -> None:
    try:
        task.apply_async(args=args)
    except Exception:
        logger.exception("could not enqueue %s%r; its recovery sweep will retry", task.name, args)
