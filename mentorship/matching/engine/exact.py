"""The exact pass (float64) on the candidates only: every component from the original arrays, in
the same operations and order as the per-pair reference (`reference.score_pair_reference`), the
rounded total, the floor, and the top k of each row in the ranking order of `ties`."""

import numpy as np

from mentorship.matching.engine.arrays import (
    COMPONENTS,
    MAX_LEVEL,
    SCORE_SCALE,
    MenteeArrays,
    ScoreResult,
    timezone_overlap,
)
from mentorship.matching.engine.kernels import ragged_ranges
from mentorship.matching.engine.prepared import PreparedMentors
from mentorship.matching.engine.ties import best_tickets

# By (held level, required level) cell, held and required in 0..MAX_LEVEL: whether the entry is
# covered, and its depth factor min(held, MAX_LEVEL) / MAX_LEVEL where it is (0 where not).
_HELD, _REQUIRED = np.divmod(np.arange((MAX_LEVEL + 1) ** 2), MAX_LEVEL + 1)
_COVERED = (_HELD >= _REQUIRED).astype(np.float64)
_DEPTH = np.where(_HELD >= _REQUIRED, np.minimum(_HELD, MAX_LEVEL) / float(MAX_LEVEL), 0.0)


def top_k(
    pool: PreparedMentors,
    mentees: MenteeArrays,
    urgency: np.ndarray,
    result: ScoreResult,
    start: int,
    row: np.ndarray,
    position: np.ndarray,
    k: int,
) -> None:
    """Exact totals of the candidates (``row`` of the chunk from ``start``, eligible
    ``position``), those below the floor dropped, the final order (band, ticket, mentor id:
    `ties`), and the top ``k`` of each row, written into ``result``."""
    weighted = pool.weights > 0  # a zero-weight component cannot change a total
    components = exact_components(pool, mentees, urgency, start + row, position, weighted)
    total = pool.weights[0] * components[:, 0]
    for index in range(1, len(COMPONENTS)):
        total = total + pool.weights[index] * components[:, index]
    total = total / pool.total_weight
    key = np.rint(total * SCORE_SCALE).astype(np.int64)
    acceptable = np.flatnonzero(key >= pool.min_key)
    row, position, key = row[acceptable], position[acceptable], key[acceptable]
    components = components[acceptable]
    tickets = best_tickets(
        mentees.ids[start + row], pool.mentor_ids[position], pool.mentor_seats[position]
    )
    order = ranking_order(row, key // pool.band, tickets, position)
    row = row[order]
    counts = np.bincount(row, minlength=len(result))
    rank = np.arange(row.shape[0]) - (np.cumsum(counts) - counts)[row]
    keep = rank < k
    chosen, row, rank = order[keep], row[keep], rank[keep]
    components = components[chosen]
    if not weighted.all():
        components[:, ~weighted] = exact_components(
            pool, mentees, urgency, start + row, position[chosen], ~weighted
        )[:, ~weighted]
    result.mentor_index[row, rank] = pool.eligible[position[chosen]]
    result.score[row, rank] = key[chosen] / SCORE_SCALE
    result.components[row, rank] = components


def ranking_order(
    row: np.ndarray, band: np.ndarray, tickets: np.ndarray, position: np.ndarray
) -> np.ndarray:
    """The permutation ``np.lexsort((position, ~tickets, -band, row))`` (row ascending, band
    descending, ticket descending, position ascending; ``row`` and ``band`` >= 0), without its
    four sorting passes: one stable sort of an int64 holding the row, the band and the
    ticket's top bits, then the few pairs equal on those resolved by the whole ticket and the
    position."""
    count = row.shape[0]
    if count < 2:
        return np.arange(count, dtype=np.int64)
    band = band.astype(np.int64)
    top = int(band.max())
    head = row.astype(np.int64) * (top + 1) + (top - band)  # row, then band descending
    spare = 63 - int(head.max()).bit_length()  # bits left for the ticket's top bits
    if spare < 16:  # too little room for the ticket to split much: the plain sort
        return np.lexsort((position, ~tickets, -band, row))
    bits = np.uint64(64 - spare)
    composite = (head << spare) | (~tickets >> bits).astype(np.int64)
    order = np.argsort(composite, kind="stable")
    ordered = composite[order]
    same = ordered[1:] == ordered[:-1]
    if same.any():  # equal on row, band and the ticket's top bits: by whole ticket, position
        tied = np.zeros(count, dtype=bool)
        tied[1:] = same
        starts = ~tied
        tied[:-1] |= same
        at = np.flatnonzero(tied)
        run = np.cumsum(starts)[at]
        members = order[at]
        order[at] = members[np.lexsort((position[members], ~tickets[members], run))]
    return order


def exact_components(
    pool: PreparedMentors,
    mentees: MenteeArrays,
    urgency: np.ndarray,
    mentee: np.ndarray,
    position: np.ndarray,
    which: np.ndarray | None = None,
) -> np.ndarray:
    """float64 components (pairs x 5) of mentees ``mentee`` and eligible mentors ``position``.

    Same operations, in the same order, as the per-pair reference: bit-identical results.
    ``which`` (bool per component) limits the work to some components; the others are 0.
    """
    which = np.ones(len(COMPONENTS), dtype=bool) if which is None else which
    pairs = mentee.shape[0]
    components = np.zeros((pairs, len(COMPONENTS)), dtype=np.float64)
    if which[0]:
        components[:, 0] = pool.role_table[mentees.target_role[mentee], position]
    if which[1] or which[4]:
        weight, level = mentees.gap_weight, mentees.gap_level
        counts = np.diff(weight.indptr)[mentee]
        entry = ragged_ranges(weight.indptr[mentee], counts)
        pair = np.repeat(np.arange(pairs), counts)
        g = urgency[entry]
        held = np.take(
            pool.levels.reshape(-1),
            np.repeat(position * pool.skills, counts) + weight.indices[entry],
        )
        total = np.bincount(pair, weights=g, minlength=pairs)
        has_gap = total > 0
        safe = np.where(has_gap, total, 1.0)
        # The (held, required) level cell of each entry: 1 or 0 for coverage, the depth factor
        # or 0 (g x 1.0 is g and g x 0.0 is 0.0: the reference's sums, bit for bit).
        cell = held.astype(np.intp) * (MAX_LEVEL + 1) + level.data[entry]
        covered = np.bincount(pair, weights=g * _COVERED[cell], minlength=pairs)
        components[:, 1] = np.where(has_gap, covered / safe, 1.0)
        depth = np.bincount(pair, weights=g * _DEPTH[cell], minlength=pairs)
        components[:, 4] = np.where(has_gap, depth / safe, 0.0)
    if which[2]:
        components[:, 2] = timezone_overlap(
            mentees.utc_offset[mentee].astype(np.float64), pool.mentor_tz[position]
        )
    if which[3]:
        background = mentees.background[mentee]
        same = (background >= 0) & (background == pool.mentor_background[position])
        components[:, 3] = same
    return components
