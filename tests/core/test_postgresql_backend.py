"""The PostgreSQL backend's health check: no round trip for a quiet idle connection, Django's
`SELECT 1` otherwise, and a connection the server closed replaced before a request uses it."""

import select

import pytest
from django.db import connection, connections, transaction
from django.db.backends.postgresql import base as django_postgresql

from tests.polling import wait_for

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
    pytest.mark.django_db(transaction=True),
]


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.fixture
def select_one_checks(monkeypatch) -> list[bool]:
    """The checks that ran Django's own `SELECT 1` (and their answers)."""
    ran: list[bool] = []
    original = django_postgresql.DatabaseWrapper.is_usable

    def spy(self) -> bool:
        ran.append(original(self))
        return ran[-1]

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "is_usable", spy)
    return ran


@pytest.fixture
def kept_connection(monkeypatch):
    """The default connection as a server keeps it: for minutes, checked at each request."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 600)
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", True)
    connection.close()
    connection.ensure_connection()
    yield connection
    connection.close()


def test_an_idle_connection_with_nothing_to_read_is_usable_without_a_query(
    kept_connection, select_one_checks
):
    backend_pid()

    assert kept_connection.is_usable() is True
    assert select_one_checks == []


def test_a_connection_in_a_transaction_is_checked_with_a_query(kept_connection, select_one_checks):
    with transaction.atomic():
        backend_pid()
        assert kept_connection.is_usable() is True
    assert select_one_checks == [True]


def test_a_connection_the_server_closed_is_replaced_before_the_next_request_uses_it(
    kept_connection, select_one_checks
):
    killed = backend_pid()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [killed])
    finally:
        other.close()
    socket = kept_connection.connection.fileno()
    assert wait_for(lambda: select.select([socket], [], [], 0)[0], timeout=10)  # its goodbye

    kept_connection.close_if_unusable_or_obsolete()  # what each request starts with

    assert backend_pid() != killed  # a new connection, not an OperationalError
    assert select_one_checks == [False]
