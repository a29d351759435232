"""Bulk moves of rows between PostgreSQL and Python that skip a Python object per value.

- `insert_skipping_conflicts`: `INSERT ... SELECT ... FROM unnest(arrays)`. `bulk_create` builds
  a model instance per row and a statement with a parameter per value: for the weekly sweep's
  100,000 check-ins and reminders most of the time went there, in Python. Here each given column
  travels as one typed array, every other column gets its field's default, and PostgreSQL skips
  the rows that would break a unique constraint (`ON CONFLICT DO NOTHING`).
- `numeric_columns`: numeric columns of a query as NumPy arrays, read on PostgreSQL with one
  binary `COPY ... TO STDOUT` of one value, every row's binary forms side by side, parsed in
  place as records (a million rows: a fraction of a second, against seconds for `fetchall`
  and a tuple per row, and against seconds too for a COPY of a row per match, which the client
  receives as one message per row).
"""

from collections.abc import Sequence
from typing import Any

import numpy as np
from django.db import connection, models
from django.db.models import QuerySet
from django.utils import timezone


def _column(field: models.Field) -> str:
    """A concrete field's column (only fields without one, such as many-to-many, have None)."""
    if field.column is None:
        raise ValueError(f"{field.name} has no column")
    return field.column


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
    names = [_column(fields[name]) for name in columns]
    selects = [f"given.c{position}" for position in range(len(columns))]
    constants = []
    now = timezone.now()
    for field in model._meta.concrete_fields:
        if field.name in columns or field.primary_key:
            continue
        auto_now = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        names.append(_column(field))
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


# Binary COPY: an 11-byte signature, flags and a header extension (two int32), then per row an
# int16 field count and per field an int32 length (-1: NULL) and the value; an int16 -1 ends it.
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_NUMERIC_TYPES = {  # a field's internal type -> (its SQL type, its big-endian binary form)
    **dict.fromkeys(
        ["BigAutoField", "BigIntegerField", "PositiveBigIntegerField"], ("int8", ">i8")
    ),
    **dict.fromkeys(["AutoField", "IntegerField", "PositiveIntegerField"], ("int4", ">i4")),
    **dict.fromkeys(
        ["SmallAutoField", "SmallIntegerField", "PositiveSmallIntegerField"], ("int2", ">i2")
    ),
    "FloatField": ("float8", ">f8"),
    "BooleanField": ("bool", "?"),
}


def numeric_columns(queryset: QuerySet, fields: Sequence[str]) -> dict[str, np.ndarray]:
    """The `fields` (non-null integer, float or boolean columns of the queryset's model, foreign
    keys included) of every row of `queryset`, in the database's order, as NumPy arrays by
    field name."""
    model = queryset.model
    types: dict[str, tuple[str, np.dtype]] = {}
    for name in fields:
        field = model._meta.get_field(name)
        column = field.target_field if field.is_relation else field
        kind = column.get_internal_type() if column is not None else None
        if field.null or kind not in _NUMERIC_TYPES:
            raise ValueError(f"{model.__name__}.{name} is not a non-null numeric column")
        sql_type, binary = _NUMERIC_TYPES[kind]
        types[name] = (sql_type, np.dtype(binary))
    rows = queryset.values_list(*fields)
    if connection.vendor != "postgresql":
        values = list(rows)
        return {
            name: np.array([row[index] for row in values], dtype=kind.newbyteorder("="))
            for index, (name, (_, kind)) in enumerate(types.items())
        }
    sql, params = rows.query.sql_with_params()
    # Each row as its values' binary forms side by side (fixed widths: the columns are not
    # null), every row in one bytea, in the query's order: one COPY message whatever the count,
    # read as one array of records. (An array per column, `array_agg`, costs the server more
    # and sends a length before every value.)
    record = " || ".join(
        f"{sql_type}send(given.c{position}::{sql_type})"
        for position, (sql_type, _) in enumerate(types.values())
    )
    aliases = ", ".join(f"c{position}" for position in range(len(fields)))
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY (SELECT string_agg({record}, ''::bytea) FROM ({sql}) AS given({aliases})) "  # noqa: S608
            "TO STDOUT (FORMAT BINARY)",
            params,
        ) as copy,
    ):
        payload = b"".join(bytes(block) for block in copy)
    return _parse_records(payload, {name: kind for name, (_, kind) in types.items()})


def _parse_records(payload: bytes, types: dict[str, np.dtype]) -> dict[str, np.ndarray]:
    """The one row of one bytea field of a binary COPY (NULL: no rows), read as records of the
    `types` side by side, as columns in native byte order."""
    if not payload.startswith(_COPY_SIGNATURE):
        raise ValueError("not a binary COPY payload")
    if payload[-2:] != b"\xff\xff":
        raise ValueError("binary COPY payload without its trailer")
    start = len(_COPY_SIGNATURE) + 4
    start += 4 + int.from_bytes(payload[start : start + 4], "big")  # skip the header extension
    if int.from_bytes(payload[start : start + 2], "big", signed=True) != 1:
        raise ValueError("binary COPY row does not have one field")
    length = int.from_bytes(payload[start + 2 : start + 6], "big", signed=True)
    record = np.dtype(list(types.items()))
    if length < 0:  # the aggregate of no rows
        return {name: np.zeros(0, dtype=kind.newbyteorder("=")) for name, kind in types.items()}
    if length % record.itemsize or start + 6 + length != len(payload) - 2:
        raise ValueError("binary COPY field is not made of whole records")
    table = np.frombuffer(payload, record, length // record.itemsize, start + 6)
    return {name: table[name].astype(kind.newbyteorder("=")) for name, kind in types.items()}
