"""Generations for cached match pages: one for everyone, and a stamp per person.

Match pages are read far more often than they change. A page is stored with the global
generation and the reader's own stamp it was computed under, and served only while both are
still the current ones, so a writer invalidates exactly the pages a change shows on:

- `matches_changed()` (no ids) bumps the global generation: every page is a miss at once. Full
  runs and the stable assignment do this; they rewrite everyone's matches.
- `matches_changed(user_ids=...)` gives those people a new stamp: only their pages are misses. A
  refresh of a few mentees touches them and the mentors in their old and new lists; a profile
  change touches the people whose pages show that profile (the other side of its matches).

So a mentee editing their goals no longer empties every cached page on the platform, which under
mixed traffic meant that almost no match page was served from the cache. The cache is an
accelerator only: when it does not answer, readers compute the page and writers carry on.

A reader gets the generation, its stamp and the page in one read (`page_read`: one MGET on
Redis, or none when the request's throttle read `page_keys` in its own round trip), not the
first two and then the page under a key made of them. A page has one key per
person and query; the generation and stamp it was computed under, read before its rows were,
are stored with it. A page computed before a change and stored after it (a slow reader) carries
the old stamp: it is never served, the next reader computes the page again.
"""

import contextlib
import logging
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from django.core.cache import cache

logger = logging.getLogger(__name__)

GENERATION_KEY = "matches:generation"
# A stamp outlives every page cached under the previous one (pages live at most minutes), so a
# stamp that expires can never bring an old page back.
STAMP_TTL = 24 * 3600
# Past this many people, one global bump is cheaper than a stamp each.
TARGETED_AT_MOST = 5000


def _stamp_key(user_id: int) -> str:
    return f"matches:stamp:{user_id}"


class PageSlot(NamedTuple):
    """Where a page computed now is stored, and the generation and stamp it is computed under."""

    key: str
    version: tuple[int, str]


def page_keys(*, user_id: int, query: str) -> list[str]:
    """The cache keys `page_read` reads: the generation, the person's stamp and the page."""
    return [GENERATION_KEY, _stamp_key(user_id), f"matches:page:{user_id}:{query}"]


def page_read(
    *, user_id: int, query: str, read: Mapping[str, Any] | None = None
) -> tuple[bytes | None, PageSlot | None]:
    """This person's cached page for `query` if it is current (else None), and the slot to store
    it in once computed, or (None, None) when the cache does not answer (do not cache then).
    `read`: the values of `page_keys` as another round trip already read them (those present,
    as `get_many` returns them); without it they are read here."""
    keys = page_keys(user_id=user_id, query=query)
    _, stamp_key, key = keys
    try:
        values = dict(read) if read is not None else cache.get_many(keys)
        generation = values.get(GENERATION_KEY)
        if generation is None:  # a new counter: nothing read with it can be current
            generation = cache.get_or_set(GENERATION_KEY, 1, timeout=None)
            values.pop(key, None)
    except Exception:
        logger.warning("cache unavailable: match pages are computed uncached", exc_info=True)
        return None, None
    if generation is None:  # the counter went as soon as it was set: do not cache now
        return None, None
    slot = PageSlot(key=key, version=(int(generation), str(values.get(stamp_key, "0"))))
    stored = values.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == slot.version:
        return stored[1], slot
    return None, slot


def matches_changed(*, user_ids: Iterable[int] | None = None) -> None:
    """Invalidate the pages of these people, or of everyone when `user_ids` is None."""
    ids = None if user_ids is None else set(user_ids)
    try:
        if ids is None or len(ids) > TARGETED_AT_MOST:
            with contextlib.suppress(ValueError):  # no counter yet: the next reader starts one
                cache.incr(GENERATION_KEY)
        elif ids:
            stamp = uuid.uuid4().hex[:12]
            cache.set_many({_stamp_key(user_id): stamp for user_id in ids}, timeout=STAMP_TTL)
    except Exception:
        logger.warning("cache unavailable: could not invalidate match pages", exc_info=True)


def page_store(slot: PageSlot, content: bytes, timeout: int) -> None:
    """Cache a page computed under `slot.version` (read by `page_read` before its rows were)."""
    try:
        cache.set(slot.key, (slot.version, content), timeout)
    except Exception:
        logger.warning("cache unavailable: the page is not cached", exc_info=True)
