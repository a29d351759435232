"""Stable assignment: mentee-proposing deferred acceptance with mentor capacities.

This is the hospitals/residents problem (Roth 1984): mentees propose down their preference lists;
a mentor holds the best proposals up to its capacity, ranked by its own preference list, and
rejects the rest, including a held mentee displaced by a better one. The result is stable (no
mentee and mentor who both prefer each other to what they have, the mentor having room or holding
someone it ranks lower) and mentee-optimal: every mentee gets the best mentor it can have in any
stable matching. It does not depend on the order of the proposals.

Preferences are independent on the two sides: a mentor ranks only the mentees it accepts; a mentee
absent from a mentor's list is unacceptable to that mentor, and a mentor absent from a mentee's
list is never proposed to. Today both sides rank by the pair score (`mentor_prefs_from_scores`);
then, without ties, the stable matching is unique.

The proposal loop is plain Python over flat lists with a heap per mentor (the worst held mentee on
top); ranks are looked up through one vectorised join done beforehand. No Django import.
"""

from collections.abc import Sequence
from heapq import heappush, heapreplace
from itertools import chain

import numpy as np

UNASSIGNED = -1


def _flatten(
    prefs: Sequence[Sequence[int]], limit: int, name: str
) -> tuple[np.ndarray, np.ndarray]:
    """(flat int64 entries, row lengths), every entry checked to be in 0..limit-1."""
    lengths = np.fromiter((len(row) for row in prefs), dtype=np.int64, count=len(prefs))
    total = int(lengths.sum())
    flat = np.fromiter(chain.from_iterable(prefs), dtype=np.int64, count=total)
    if total and (flat.min() < 0 or flat.max() >= limit):
        raise ValueError(f"{name} entries must be indices in 0..{limit - 1}")
    return flat, lengths


_DENSE_RANKS = 1 << 24  # up to this many (mentor, mentee) cells, ranks go through a dense table


def _mentor_ranks(
    proposer: np.ndarray,
    proposals: np.ndarray,
    ranked: np.ndarray,
    counts: np.ndarray,
    n: int,
    m: int,
) -> np.ndarray:
    """For each (proposer, mentor) entry, the mentor's rank of that mentee, or -1 if unlisted."""
    mentor_of = np.repeat(np.arange(m, dtype=np.int64), counts)
    position = np.arange(ranked.shape[0], dtype=np.int64) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    if n * m <= _DENSE_RANKS:
        unlisted = np.iinfo(np.int32).max
        table = np.full((m, n), unlisted, dtype=np.int32)
        np.minimum.at(table, (mentor_of, ranked), position.astype(np.int32))  # best rank wins
        rank = table[proposals, proposer].astype(np.int64)
        rank[rank == unlisted] = -1
        return rank
    # A sort-join on the key mentee * m + mentor, keeping a mentor's best rank of a repeat.
    mentor_keys = ranked * m + mentor_of
    order = np.lexsort((position, mentor_keys))
    mentor_keys, position = mentor_keys[order], position[order]
    first = np.ones(mentor_keys.shape[0], dtype=bool)
    first[1:] = mentor_keys[1:] != mentor_keys[:-1]
    mentor_keys, position = mentor_keys[first], position[first]
    keys = proposer * m + proposals
    rank = np.full(keys.shape[0], -1, dtype=np.int64)
    if mentor_keys.size:
        found = np.minimum(np.searchsorted(mentor_keys, keys), mentor_keys.shape[0] - 1)
        hit = mentor_keys[found] == keys
        rank[hit] = position[found[hit]]
    return rank


def stable_assignment(
    mentee_prefs: Sequence[Sequence[int]],
    mentor_prefs: Sequence[Sequence[int]],
    capacity: Sequence[int],
) -> np.ndarray:
    """The mentee-optimal stable assignment: int64[n], mentee -> mentor index or -1.

    ``mentee_prefs[i]``: mentor indices, best first. ``mentor_prefs[j]``: mentee indices, best
    first (only these are acceptable to mentor ``j``; the first occurrence of a repeat counts).
    ``capacity[j]``: how many mentees mentor ``j`` can take (>= 0).
    """
    n, m = len(mentee_prefs), len(mentor_prefs)
    capacities = [int(value) for value in capacity]
    if len(capacities) != m:
        raise ValueError(f"capacity has {len(capacities)} entries for {m} mentors")
    if any(value < 0 for value in capacities):
        raise ValueError("capacity must be >= 0")
    proposals, lengths = _flatten(mentee_prefs, m, "mentee_prefs")
    ranked, counts = _flatten(mentor_prefs, n, "mentor_prefs")

    # rank[e] = the rank mentor proposals[e] gives the mentee of entry e, or -1 (unacceptable).
    proposer = np.repeat(np.arange(n, dtype=np.int64), lengths)
    rank = _mentor_ranks(proposer, proposals, ranked, counts, n, m)
    # Drop what can never be held: unacceptable pairs and mentors without places.
    usable = (rank >= 0) & (np.asarray(capacities, dtype=np.int64)[proposals] > 0)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(proposer[usable], minlength=n), out=starts[1:])
    choice_mentor = proposals[usable].tolist()
    # One int per entry: the mentor's rank of the mentee, then the mentee (ranks are distinct per
    # mentor, so comparing keys compares ranks); heaps hold negated keys, the worst on top.
    scale = max(n, 1)
    choice_key = (rank[usable] * scale + proposer[usable]).tolist()
    ends = starts[1:].tolist()

    next_choice = starts[:-1].tolist()
    assigned = [UNASSIGNED] * n
    room = list(capacities)
    held: list[list[int]] = [[] for _ in range(m)]
    free = list(range(n - 1, -1, -1))  # a stack; mentee 0 proposes first
    push, replace = heappush, heapreplace
    while free:
        mentee = free.pop()
        entry, end = next_choice[mentee], ends[mentee]
        while entry < end:
            mentor, key = choice_mentor[entry], choice_key[entry]
            entry += 1
            if room[mentor]:
                room[mentor] -= 1
                push(held[mentor], -key)
                assigned[mentee] = mentor
                break
            heap = held[mentor]
            if -heap[0] > key:  # the mentor prefers this mentee to the worst one it holds
                worst = -replace(heap, -key) % scale
                assigned[mentee] = mentor
                assigned[worst] = UNASSIGNED
                free.append(worst)
                break
        next_choice[mentee] = entry
    return np.array(assigned, dtype=np.int64)


def mentor_prefs_from_scores(
    mentee_prefs: Sequence[Sequence[int]],
    scores: Sequence[Sequence[float]],
    n_mentors: int | None = None,
) -> list[list[int]]:
    """Each mentor's ranking of the mentees who listed it: by pair score desc, then mentee index.

    ``scores[i][p]`` is the score of mentee ``i`` with mentor ``mentee_prefs[i][p]`` (e.g. the
    engine's top-k lists). ``n_mentors`` defaults to the largest mentor index + 1.
    """
    if len(scores) != len(mentee_prefs):
        raise ValueError("scores must have one row per mentee")
    limit = n_mentors if n_mentors is not None else np.iinfo(np.int64).max
    mentors, lengths = _flatten(mentee_prefs, limit, "mentee_prefs")
    if not np.array_equal(
        lengths, np.fromiter((len(row) for row in scores), dtype=np.int64, count=len(scores))
    ):
        raise ValueError("scores rows must have the lengths of the mentee_prefs rows")
    values = np.fromiter(chain.from_iterable(scores), dtype=np.float64, count=mentors.shape[0])
    if n_mentors is None:
        n_mentors = int(mentors.max()) + 1 if mentors.size else 0
    mentees = np.repeat(np.arange(len(mentee_prefs), dtype=np.int64), lengths)
    order = np.lexsort((mentees, -values, mentors))
    ranked = mentees[order]
    bounds = np.zeros(n_mentors + 1, dtype=np.int64)
    np.cumsum(np.bincount(mentors, minlength=n_mentors), out=bounds[1:])
    flat = ranked.tolist()
    edges = bounds.tolist()
    return [flat[edges[j] : edges[j + 1]] for j in range(n_mentors)]


def preferences_from_result(
    mentor_index: np.ndarray, score: np.ndarray
) -> tuple[list[list[int]], list[list[float]]]:
    """(mentee_prefs, scores) from the engine's top-k arrays, without the -1 padding."""
    keep = np.asarray(mentor_index) >= 0
    rows = [row[mask].tolist() for row, mask in zip(mentor_index, keep, strict=True)]
    values = [row[mask].tolist() for row, mask in zip(score, keep, strict=True)]
    return rows, values
