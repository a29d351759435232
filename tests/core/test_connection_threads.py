"""Calls spread over threads with database connections of their own, and the inline fallback."""

import threading

import pytest
from django.db import connection

from mentorship.core.connection_threads import ConnectionThreads
from tests.factories import MenteeFactory
from tests.polling import wait_for

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="connections of their own need PostgreSQL"
)


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def open_backends(pids: set[int]) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE pid = ANY(%s)", [list(pids)])
        return {pid for (pid,) in cursor.fetchall()}


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_calls_run_on_other_threads_and_connections_which_are_closed_at_the_end():
    mine = backend_pid()

    with ConnectionThreads(2) as threads:
        for _ in range(6):
            threads.submit(lambda: (threading.current_thread().name, backend_pid()))

    names = {name for name, _ in threads.results}
    pids = {pid for _, pid in threads.results}
    assert len(threads.results) == 6
    assert names <= {"db-writer-0", "db-writer-1"}
    assert mine not in pids
    assert wait_for(lambda: not open_backends(pids), 10), "the threads' connections stay open"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_first_failure_is_raised_on_exit_and_the_calls_after_it_are_skipped():
    ran = []

    def fail():
        raise RuntimeError("boom")

    def submit_all():
        with ConnectionThreads(1) as threads:
            threads.submit(fail)
            for number in range(3):
                threads.submit(ran.append, number)

    with pytest.raises(RuntimeError, match="boom"):
        submit_all()
    assert ran == []  # one thread takes the calls in order: none after the failure ran


@pytest.mark.django_db
def test_without_threads_calls_run_here_and_see_the_callers_transaction():
    person = MenteeFactory()  # uncommitted: the test runs in a transaction

    with ConnectionThreads(0) as threads:
        threads.submit(lambda: (threading.current_thread(), type(person)._default_manager.count()))

    [(thread, count)] = threads.results
    assert thread is threading.current_thread()
    assert count == 1
