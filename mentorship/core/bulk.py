"""One-statement bulk inserts on PostgreSQL: `INSERT ... SELECT ... FROM unnest(arrays)`.

`bulk_create` builds a model instance per row and a statement with a parameter per value: for
the weekly sweep's 100,000 check-ins and reminders most of the time went there, in Python. Here
each given column travels as one typed array, every other column gets its field's default, and
PostgreSQL skips the rows that would break a unique constraint (`ON CONFLICT DO NOTHING`).
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


def insert_skipping_conflicts(model: type[models.Model], columns: dict[str, Sequence[Any]]) -> int:
    """Insert one row per position of `columns` (field name -> values, all as long), skip those
    that conflict with a row already there or with an earlier one of the same call, and return
    how many were inserted. PostgreSQL only; the caller holds the transaction."""
    if len({len(values) for values in columns.values()}) != 1:
        raise ValueError("every column needs as many values")
    if not len(next(iter(columns.values()))):
        return 0
    fields = {field.name: field for field in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    names = [fields[name].column for name in columns]
    selects = [f"given.c{position}" for position in range(len(columns))]
    constants = []
    now = timezone.now()
    for field in model._meta.concrete_fields:
        if field.name in columns or field.primary_key:
            continue
        auto_now = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        names.append(field.column)
        selects.append(f"%s::{field.db_type(connection)}")
        constants.append(
            field.get_db_prep_save(now if auto_now else field.get_default(), connection)
        )
    arrays = [
        [fields[name].get_db_prep_save(value, connection) for value in values]
        for name, values in columns.items()
    ]
    unnest = ", ".join(f"%s::{fields[name].db_type(connection)}[]" for name in columns)
    aliases = ", ".join(f"c{position}" for position in range(len(columns)))
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, names))}) "  # noqa: S608
        f"SELECT {', '.join(selects)} FROM unnest({unnest}) AS given({aliases}) "
        "ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constants, *arrays])  # placeholders: the constants come first
        return cursor.rowcount
