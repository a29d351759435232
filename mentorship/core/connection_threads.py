"""Calls spread over threads that each hold a database connection of their own.

One PostgreSQL connection is one server process: work sent over one connection runs on one core,
however many the database has. A bulk writer that waits on its connection most of the time (a
COPY, its indexes, the foreign-key checks at commit) gets its work done in parallel by handing
its batches to a few such threads, each of which writes in its own transaction.

Only for work that needs nothing uncommitted from the caller's transaction: another connection
does not see it. With `count=0` the calls run on the caller's thread and connection instead, in
order, which is what SQLite and a caller inside `transaction.atomic` get.
"""

import logging
import queue
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from django.db import connections

logger = logging.getLogger(__name__)

_STOP = object()


class ConnectionThreads:
    """Runs submitted calls on `count` threads, each with its own database connections (closed
    when the thread ends). Use as a context manager: leaving it waits for every call, and the
    first exception raised by a call is raised again there; after a failure the remaining calls
    are skipped. `results` holds what the calls returned, in the order they finished."""

    def __init__(self, count: int) -> None:
        self.results: list[Any] = []
        self._failure: BaseException | None = None
        # Up to one waiting call per thread: the caller is held back, not its batches queued up.
        self._calls: queue.Queue = queue.Queue(maxsize=max(count, 1))
        self._threads = [
            threading.Thread(target=self._work, name=f"db-writer-{number}", daemon=True)
            for number in range(count)
        ]

    def __enter__(self) -> "ConnectionThreads":
        for thread in self._threads:
            thread.start()
        return self

    def submit(self, call: Callable[..., Any], *args: Any) -> None:
        """Run `call(*args)` on a free thread (blocks while every thread is busy), or right
        here when there are no threads. Raises the first failure of an earlier call."""
        if self._failure is not None:
            raise self._failure
        if not self._threads:
            self.results.append(call(*args))
            return
        self._calls.put((call, args))

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for _ in self._threads:
            self._calls.put(_STOP)
        for thread in self._threads:
            thread.join()
        if error is None and self._failure is not None:
            raise self._failure

    def _work(self) -> None:
        try:
            while (item := self._calls.get()) is not _STOP:
                call, args = item
                if self._failure is not None:
                    continue  # drain, so the caller never blocks on a full queue
                try:
                    self.results.append(call(*args))
                except BaseException as failure:  # handed to the caller
                    logger.warning("a call on a connection thread failed", exc_info=True)
                    self._failure = failure
        finally:
            connections.close_all()
