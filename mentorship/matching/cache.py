"""Generations for cached match pages: one for everyone, and a stamp per person.

Match pages are read far more often than they change. A page's key holds the global generation
and the reader's own stamp, so a writer invalidates exactly the pages a change shows on:

- `matches_changed()` (no ids) bumps the global generation: every page is a miss at once. Full
  runs and the stable assignment do this; they rewrite everyone's matches.
- `matches_changed(user_ids=...)` gives those people a new stamp: only their pages are misses. A
  refresh of a few mentees touches them and the mentors in their old and new lists; a profile
  change touches the people whose pages show that profile (the other side of its matches).

So a mentee editing their goals no longer empties every cached page on the platform, which under
mixed traffic meant that almost no match page was served from the cache. The cache is an
accelerator only: when it does not answer, readers compute the page and writers carry on.
"""

import contextlib
import logging
import uuid
from collections.abc import Iterable

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


def page_key(*, user_id: int, query: str) -> str | None:
    """The cache key of this person's page for `query` now, or None when the cache does not
    answer (do not cache then)."""
    try:
        values = cache.get_many([GENERATION_KEY, _stamp_key(user_id)])
        generation = values.get(GENERATION_KEY)
        if generation is None:
            generation = cache.get_or_set(GENERATION_KEY, 1, timeout=None)
    except Exception:
        logger.warning("cache unavailable: match pages are computed uncached", exc_info=True)
        return None
    stamp = values.get(_stamp_key(user_id), "0")
    return f"matches:page:{generation}:{stamp}:{user_id}:{query}"


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


def cached_page(key: str) -> object | None:
    try:
        return cache.get(key)
    except Exception:
        logger.warning("cache unavailable: computing the page", exc_info=True)
        return None


def cache_page(key: str, value: object, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("cache unavailable: the page is not cached", exc_info=True)
