"""Named locks held to the end of the current transaction, for work that must not interleave
with itself (two repairs of the suggestions assigning the same free seat)."""

import zlib

from django.db import connection


def transaction_lock(name: str) -> None:
    """Wait for, then hold until commit or rollback, the lock called `name`.

    Precondition: inside `transaction.atomic`. PostgreSQL: a transaction-level advisory lock.
    SQLite takes the database's write lock for every write transaction (IMMEDIATE mode), so
    writers are serialised already and there is nothing to do.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])
