"""Consecutive batches of a sequence, and how many values one SQL `IN (...)` list may carry."""

from collections.abc import Iterator, Sequence
from typing import TypeVar

from django.db import connection

T = TypeVar("T")

# Well under PostgreSQL's limits, and a statement that is still quick to plan.
QUERY_BATCH_LIMIT = 10_000


def batched(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """`items` in order, `size` at a time (the last batch may be shorter); nothing for none."""
    if size < 1:
        raise ValueError("size must be >= 1")
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def query_batch_size() -> int:
    """How many values one `IN (...)` may carry on this database (SQLite has a low limit)."""
    return min(connection.features.max_query_params or QUERY_BATCH_LIMIT, QUERY_BATCH_LIMIT) - 10
