"""Bulk moves of rows between PostgreSQL and Python that skip a Python object per value.

- `insert_skipping_conflicts`: `INSERT ... SELECT ... FROM unnest(arrays)`. `bulk_create` builds
  a model instance per row and a statement with a parameter per value: for the weekly sweep's
  100,000 check-ins and reminders most of the time went there, in Python. Here each given column
  travels as one typed array, every other column gets its field's default, and PostgreSQL skips
  the rows that would break a unique constraint (`ON CONFLICT DO NOTHING`).
- `numeric_columns`: numeric columns of a query as NumPy arrays, read on PostgreSQL with one
  binary `COPY ... TO STDOUT` of one row, each column aggregated into one array, parsed in
  place (a million rows: a fraction of a second, against seconds for `fetchall` and a tuple per
  row, and against seconds too for a COPY of a row per match, which the client receives as one
  message per row).
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
# int16 field count and per field an int32 length and the value, big-endian; an int16 -1 ends it.
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_NUMERIC_TYPES = {  # a field's internal type -> its big-endian binary form on PostgreSQL
    **dict.fromkeys(["BigAutoField", "BigIntegerField", "PositiveBigIntegerField"], ">i8"),
    **dict.fromkeys(["AutoField", "IntegerField", "PositiveIntegerField"], ">i4"),
    **dict.fromkeys(["SmallAutoField", "SmallIntegerField", "PositiveSmallIntegerField"], ">i2"),
    "FloatField": ">f8",
    "BooleanField": "?",
}


def numeric_columns(queryset: QuerySet, fields: Sequence[str]) -> dict[str, np.ndarray]:
    """The `fields` (non-null integer, float or boolean columns of the queryset's model, foreign
    keys included) of every row of `queryset`, in the database's order, as NumPy arrays by
    field name."""
    model = queryset.model
    types = {}
    for name in fields:
        field = model._meta.get_field(name)
        column = field.target_field if field.is_relation else field
        kind = column.get_internal_type() if column is not None else None
        if field.null or kind not in _NUMERIC_TYPES:
            raise ValueError(f"{model.__name__}.{name} is not a non-null numeric column")
        types[name] = np.dtype(_NUMERIC_TYPES[kind])
    rows = queryset.values_list(*fields)
    if connection.vendor != "postgresql":
        values = list(rows)
        return {
            name: np.array([row[index] for row in values], dtype=types[name].newbyteorder("="))
            for index, name in enumerate(fields)
        }
    sql, params = rows.query.sql_with_params()
    # One row of one array per column: the rows come as one COPY message, not one each. The
    # aggregates read the rows in one pass, so the arrays stay aligned (and in the query's order).
    aggregates = ", ".join(f"array_agg(given.c{position})" for position in range(len(fields)))
    aliases = ", ".join(f"c{position}" for position in range(len(fields)))
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY (SELECT {aggregates} FROM ({sql}) AS given({aliases})) "  # noqa: S608
            "TO STDOUT (FORMAT BINARY)",
            params,
        ) as copy,
    ):
        payload = b"".join(bytes(block) for block in copy)
    return _parse_binary_arrays(payload, fields, types)


def _parse_binary_arrays(
    payload: bytes, fields: Sequence[str], types: dict[str, np.dtype]
) -> dict[str, np.ndarray]:
    """The one row of `array_agg` columns of a binary COPY: per field an int32 length (-1: NULL,
    the aggregate of no rows), then the array: int32 dimensions, has-null flag and element type,
    per dimension int32 size and lower bound, then per element an int32 length and the value."""
    if not payload.startswith(_COPY_SIGNATURE):
        raise ValueError("not a binary COPY payload")
    if payload[-2:] != b"\xff\xff":
        raise ValueError("binary COPY payload without its trailer")
    start = len(_COPY_SIGNATURE) + 4
    start += 4 + int.from_bytes(payload[start : start + 4], "big")  # skip the header extension
    if int.from_bytes(payload[start : start + 2], "big", signed=True) != len(fields):
        raise ValueError("binary COPY row does not have the expected field count")
    position = start + 2
    columns = {}
    for name in fields:
        length = int.from_bytes(payload[position : position + 4], "big", signed=True)
        position += 4
        kind = types[name]
        if length < 0:  # no rows
            columns[name] = np.zeros(0, dtype=kind.newbyteorder("="))
            continue
        end = position + length
        dimensions, has_null = np.frombuffer(payload, ">i4", 2, position)
        if has_null:
            raise ValueError(f"binary COPY field {name} holds a NULL")
        if dimensions != 1:
            raise ValueError(f"binary COPY field {name} is not a one-dimensional array")
        count = int(np.frombuffer(payload, ">i4", 1, position + 12)[0])
        element = np.dtype([("length", ">i4"), ("value", kind)])
        table = np.frombuffer(payload, element, count, position + 20)
        if position + 20 + count * element.itemsize != end:
            raise ValueError(f"binary COPY field {name} is not of the expected width")
        if count and (table["length"] != kind.itemsize).any():
            raise ValueError(f"binary COPY field {name} is not of the expected width")
        columns[name] = table["value"].astype(kind.newbyteorder("="))
        position = end
    return columns
