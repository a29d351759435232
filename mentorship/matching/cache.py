"""A generation counter for cached match pages.

Match pages are read far more often than they change: they change when a run or a refresh writes
matches, and when a profile, approval or mentorship event changes what a page shows. Those
writers call `matches_changed()`; readers put the current generation in their cache keys, so a
change makes every cached page a miss at once. The cache is an accelerator only: when it does
not answer, readers compute the page and writers carry on.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

GENERATION_KEY = "matches:generation"


def matches_generation() -> int | None:
    """The current generation, or None when the cache does not answer (do not cache then)."""
    try:
        return int(cache.get_or_set(GENERATION_KEY, 1, timeout=None))
    except Exception:
        logger.warning("cache unavailable: match pages are computed uncached", exc_info=True)
        return None


def matches_changed() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no counter yet: the next reader starts one
        pass
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
