"""The engine's entry points: the top k mentors of every mentee, for a whole set or one chunk,
against a pool prepared for the call or once for many calls."""

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from mentorship.matching.engine.arrays import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_K,
    MenteeArrays,
    MentorArrays,
    ScoreResult,
)
from mentorship.matching.engine.prepared import PreparedMentors
from mentorship.matching.engine.scorer import MenteeScorer


def score(
    mentees: MenteeArrays,
    mentors: MentorArrays,
    role_similarity: Any,
    weights: Mapping[str, float],
    k: int = DEFAULT_K,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    exclusions: Any = None,
    *,
    workers: int = 1,
    min_score: float = 0.0,
    tie_band: float = 0.0,
) -> ScoreResult:
    """Top-``k`` mentors for every mentee (see the package docstring), ``chunk_size`` at a time.

    ``exclusions``: (mentee_index, mentor_index) pairs that must never match. ``workers`` > 1
    scores chunks in that many threads (NumPy releases the GIL for most of the work; memory grows
    by one chunk buffer per thread); the result does not depend on it. ``min_score``: pairs
    scoring less are not acceptable; ``tie_band``: the width of a band of near-ties.
    """
    return score_prepared(
        PreparedMentors(mentors, role_similarity, weights, min_score=min_score, tie_band=tie_band),
        mentees,
        k,
        chunk_size,
        exclusions,
        workers=workers,
    )


def score_chunk(
    mentees: MenteeArrays,
    mentors: MentorArrays,
    role_similarity: Any,
    weights: Mapping[str, float],
    start: int,
    stop: int,
    k: int = DEFAULT_K,
    exclusions: Any = None,
    *,
    min_score: float = 0.0,
    tie_band: float = 0.0,
) -> ScoreResult:
    """`score` for mentees ``start:stop`` only (``exclusions`` use full-pool mentee indices).

    Concatenating the results of consecutive chunks gives exactly the result of one `score` call,
    so a run can be split across processes or machines (a Celery group of chunk tasks).
    """
    prepared = PreparedMentors(
        mentors, role_similarity, weights, min_score=min_score, tie_band=tie_band
    )
    return score_prepared_chunk(prepared, mentees, start, stop, k, exclusions)


def score_prepared(
    pool: PreparedMentors,
    mentees: MenteeArrays,
    k: int = DEFAULT_K,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    exclusions: Any = None,
    *,
    workers: int = 1,
) -> ScoreResult:
    """`score` against a pool prepared once (a matching run scores batch after batch)."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be >= 1")
    if workers < 1:
        raise ValueError("workers must be >= 1")
    n = len(mentees)
    scorer = MenteeScorer(mentees, pool, k, exclusions, slice(0, n))
    if n == 0:
        return ScoreResult.empty(0, int(k))
    bounds = [(start, min(start + chunk_size, n)) for start in range(0, n, chunk_size)]
    if workers == 1 or len(bounds) == 1:
        return ScoreResult.concatenate(scorer.rows(start, stop) for start, stop in bounds)
    with ThreadPoolExecutor(max_workers=workers) as threads:
        return ScoreResult.concatenate(threads.map(lambda bound: scorer.rows(*bound), bounds))


def score_prepared_chunk(
    pool: PreparedMentors,
    mentees: MenteeArrays,
    start: int,
    stop: int,
    k: int = DEFAULT_K,
    exclusions: Any = None,
) -> ScoreResult:
    """`score_chunk` against a pool prepared once."""
    n = len(mentees)
    if not 0 <= start <= stop <= n:
        raise ValueError(f"invalid chunk {start}:{stop} of {n} mentees")
    return MenteeScorer(mentees, pool, k, exclusions, slice(start, stop)).rows(start, stop)
