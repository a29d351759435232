"""The fused pass (float32): every pair's weighted total as one sparse x dense product per tile of
mentors, filtered pairs marked, and the candidates that may be in a row's top k.

See the package docstring, steps 1 and 2. The totals here are approximate (float32, one sum per
pair); `exact` recomputes the candidates' scores from the original arrays.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from mentorship.matching.engine.arrays import SCORE_SCALE, MenteeArrays, csr_from_parts
from mentorship.matching.engine.kernels import accumulate, kth_largest_per_row, language_words
from mentorship.matching.engine.prepared import EXCLUDED, PreparedMentors

# Candidate slack: > 2 x the float32 error of a fused total + the 1e-6 rounding. The error of a
# sum of t non-negative float32 products totalling <= 1 is below (t + 3) * 2**-24.
_SLACK = 2e-5
_UNIT_ROUNDOFF = 2.0**-24
_VALID_FLOOR = -0.5  # fused values of surviving pairs are >= 0, filtered ones <= -1


@dataclass(frozen=True)
class Exclusions:
    """(mentee index, mentor index) pairs that must never match, sorted by mentee."""

    mentee: np.ndarray
    mentor: np.ndarray

    @classmethod
    def of(cls, exclusions: Any, mentees: int, mentors: int) -> "Exclusions":
        pairs = np.zeros((0, 2), dtype=np.int64)
        if exclusions is not None:
            pairs = np.asarray(exclusions, dtype=np.int64).reshape(-1, 2)
        if pairs.size and (
            pairs[:, 0].min() < 0
            or pairs[:, 0].max() >= mentees
            or pairs[:, 1].min() < 0
            or pairs[:, 1].max() >= mentors
        ):
            raise ValueError("exclusions must be (mentee_index, mentor_index) pairs in range")
        order = np.argsort(pairs[:, 0], kind="stable")
        return cls(mentee=pairs[order, 0], mentor=pairs[order, 1])


@dataclass(frozen=True)
class MenteeGroups:
    """The distinct time zones and language sets of the mentees in scope (from ``start``), each
    mentee's group, which language sets need the penalty row (some eligible mentor shares none of
    their languages), which offsets need the no-overlap penalty (some eligible mentor shares no
    working hour), and which mentees it applies to (those who do not allow no overlap)."""

    start: int
    offsets: np.ndarray
    offset_group: np.ndarray
    offset_lacking: np.ndarray
    needs_overlap: np.ndarray
    language_sets: np.ndarray
    language_group: np.ndarray
    language_lacking: np.ndarray

    @classmethod
    def of(cls, pool: PreparedMentors, mentees: MenteeArrays, scope: slice) -> "MenteeGroups":
        offsets, group = np.unique(
            mentees.utc_offset[scope].astype(np.float64), return_inverse=True
        )
        offset_group = group.reshape(-1)
        words = language_words(mentees.languages, scope)
        if words.shape[1] == 1:
            sets, group = np.unique(words[:, 0], return_inverse=True)
            language_sets = sets[:, None]
        else:
            language_sets, group = np.unique(words, axis=0, return_inverse=True)
        lacking = np.zeros(language_sets.shape[0], dtype=bool)
        for first in range(0, language_sets.shape[0], 256):
            shared = pool.shared(language_sets[first : first + 256])
            lacking[first : first + 256] = ~shared.all(axis=1)
        return cls(
            start=scope.start,
            offsets=offsets,
            offset_group=offset_group,
            offset_lacking=pool.no_overlap(offsets),
            needs_overlap=~mentees.allow_no_overlap[scope],
            language_sets=language_sets,
            language_group=group.reshape(-1),
            language_lacking=lacking,
        )


def gap_rows_fill(pool: PreparedMentors, mentees: MenteeArrays, scope: slice) -> None:
    """Fill the rows of D that the gap entries of the mentees in ``scope`` need."""
    weight, level = mentees.gap_weight, mentees.gap_level
    lo, hi = weight.indptr[scope.start], weight.indptr[scope.stop]
    positive = weight.data[lo:hi] > 0
    keys = (
        level.data[lo:hi][positive].astype(np.int64) * pool.skills + weight.indices[lo:hi][positive]
    )
    columns = pool.gap_column[np.unique(keys)]
    pool.gap_rows(columns[columns >= 0])


def fused_totals(
    pool: PreparedMentors,
    mentees: MenteeArrays,
    urgency: np.ndarray,
    groups: MenteeGroups,
    exclusions: Exclusions,
    start: int,
    stop: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(fused totals of mentees start:stop, tiles x rows x tile float32, filtered pairs set to
    the excluded value; each row's candidate slack). ``urgency``: the urgency weight of every
    gap entry of the mentees (aligned with ``gap_weight.data``)."""
    count = stop - start
    fused = np.zeros((pool.tiles, count, pool.tile), dtype=np.float32)
    main = _mentee_features(pool, mentees, urgency, start, stop)
    extra, extra_dense = _group_features(pool, groups, start, stop)
    for tile in range(pool.tiles):
        accumulate(main, pool.dense[tile], fused[tile])
        accumulate(extra, extra_dense[tile], fused[tile])
    _mark_filtered(pool, mentees, exclusions, fused, start, stop)
    terms = np.diff(main.indptr) + np.diff(extra.indptr)
    slack = np.maximum(_SLACK, 4 * (terms + 3) * _UNIT_ROUNDOFF + 1e-6).astype(np.float32)
    return fused, slack


def _mentee_features(
    pool: PreparedMentors, mentees: MenteeArrays, urgency: np.ndarray, start: int, stop: int
) -> sp.csr_array:
    """X for mentees start:stop: gap entries (urgency weight over the row's total), role,
    background, and the empty-gap constant."""
    count = stop - start
    weight, level = mentees.gap_weight, mentees.gap_level
    lo, hi = weight.indptr[start], weight.indptr[stop]
    entry_row = np.repeat(np.arange(count), np.diff(weight.indptr[start : stop + 1]))
    g = urgency[lo:hi]
    total = np.bincount(entry_row, weights=g, minlength=count)
    columns = pool.gap_column[
        level.data[lo:hi].astype(np.int64) * pool.skills + weight.indices[lo:hi]
    ]
    keep = (columns >= 0) & (g > 0)
    safe_total = np.where(total > 0, total, 1.0)
    values = [(g[keep] / safe_total[entry_row[keep]]).astype(np.float32)]
    rows, cols = [entry_row[keep]], [columns[keep]]

    everyone = np.arange(count)
    w = pool.fused_weights
    if w[0] > 0:
        rows.append(everyone)
        cols.append(pool.role_offset + mentees.target_role[start:stop].astype(np.int64))
        values.append(np.full(count, w[0], dtype=np.float32))
    background = mentees.background[start:stop]
    found = np.searchsorted(pool.backgrounds, background)
    has = found < pool.backgrounds.shape[0]
    has[has] = pool.backgrounds[found[has]] == background[has]
    column = pool.background_offset + found
    if w[3] > 0 and has.any():
        rows.append(everyone[has])
        cols.append(column[has])
        values.append(np.full(int(has.sum()), w[3], dtype=np.float32))
    empty = total <= 0
    if w[1] > 0 and empty.any():
        rows.append(everyone[empty])
        cols.append(np.full(int(empty.sum()), pool.const_column))
        values.append(np.full(int(empty.sum()), w[1], dtype=np.float32))
    return csr_from_parts(rows, cols, values, (count, pool.dense.shape[1]))


def _group_features(
    pool: PreparedMentors, groups: MenteeGroups, start: int, stop: int
) -> tuple[sp.csr_array, np.ndarray]:
    """X and D for the chunk's distinct time zones, the no-overlap penalty of those who need an
    overlap, and the (penalised) language sets."""
    count = stop - start
    local = slice(start - groups.start, stop - groups.start)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    values: list[np.ndarray] = []
    dense_rows: list[np.ndarray] = []
    w_timezone = pool.fused_weights[2]
    if w_timezone > 0:
        present, inverse = np.unique(groups.offset_group[local], return_inverse=True)
        dense_rows.append(pool.overlap_tiles(groups.offsets[present]))
        rows.append(np.arange(count))
        cols.append(inverse.reshape(-1))
        values.append(np.full(count, w_timezone, dtype=np.float32))
    offset_group = groups.offset_group[local]
    apart = np.flatnonzero(groups.needs_overlap[local] & groups.offset_lacking[offset_group])
    if apart.size:
        present, inverse = np.unique(offset_group[apart], return_inverse=True)
        offset = sum(block.shape[1] for block in dense_rows)
        dense_rows.append(pool.no_overlap_tiles(groups.offsets[present]))
        rows.append(apart)
        cols.append(offset + inverse.reshape(-1))
        values.append(np.ones(apart.shape[0], dtype=np.float32))
    group = groups.language_group[local]
    penalised = np.flatnonzero(groups.language_lacking[group])
    if penalised.size:
        present, inverse = np.unique(group[penalised], return_inverse=True)
        offset = sum(block.shape[1] for block in dense_rows)
        dense_rows.append(pool.language_tiles(groups.language_sets[present]))
        rows.append(penalised)
        cols.append(offset + inverse.reshape(-1))
        values.append(np.ones(penalised.shape[0], dtype=np.float32))
    if not dense_rows:
        return csr_from_parts([], [], [], (count, 0)), np.zeros(
            (pool.tiles, 0, pool.tile), np.float32
        )
    dense = np.concatenate(dense_rows, axis=1)
    return csr_from_parts(rows, cols, values, (count, dense.shape[1])), dense


def _mark_filtered(
    pool: PreparedMentors,
    mentees: MenteeArrays,
    exclusions: Exclusions,
    fused: np.ndarray,
    start: int,
    stop: int,
) -> None:
    """Mark padding columns, explicit exclusions and same-person pairs as excluded."""
    width = pool.mentor_count - (pool.tiles - 1) * pool.tile
    fused[-1, :, width:] = EXCLUDED
    lo = np.searchsorted(exclusions.mentee, start, side="left")
    hi = np.searchsorted(exclusions.mentee, stop, side="left")
    mentee = exclusions.mentee[lo:hi] - start
    mentor = exclusions.mentor[lo:hi]
    ids = pool.mentors.ids
    if ids.size:
        chunk_ids = mentees.ids[start:stop]
        found = np.minimum(np.searchsorted(ids, chunk_ids), ids.size - 1)
        same = np.flatnonzero(ids[found] == chunk_ids)
        mentee = np.concatenate([mentee, same])
        mentor = np.concatenate([mentor, found[same]])
    position = pool.position[mentor]
    keep = position >= 0
    tile = pool.tile
    fused[position[keep] // tile, mentee[keep], position[keep] % tile] = EXCLUDED


def _band_floor(value: np.ndarray, band: int) -> np.ndarray:
    """The lowest score of the band each value falls in (bands of ``band`` score keys)."""
    keys = np.floor(value.astype(np.float64) * SCORE_SCALE / band) * band
    return (keys / SCORE_SCALE).astype(np.float32)


def candidates(
    fused: np.ndarray, slack: np.ndarray, k: int, band: int = 1, min_key: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """(row, eligible position) of every pair that may be in its row's top k: ranked by band
    first, so every pair of the band that holds the k-th best is a candidate; pairs below the
    acceptability floor (``min_key``, in score keys) are not."""
    tiles, count, tile = fused.shape
    floor = np.float32(max(_VALID_FLOOR, min_key / SCORE_SCALE - float(_SLACK) - 1e-6))
    # Group g of a row: column g of every tile. The k-th largest group maximum is <= the row's
    # k-th largest value (k groups, so k distinct elements at least that large): only groups
    # reaching it can hold candidates. The maxima are one elementwise pass over the tiles.
    group_max = fused[0] if tiles == 1 else fused.max(axis=0)  # (count, tile)
    threshold = np.full(count, floor, dtype=np.float32)
    if tile >= k:
        kth = np.partition(group_max, tile - k, axis=1)[:, tile - k]
        threshold = np.maximum(_band_floor(kth - slack, band) - slack, floor)
    group = np.flatnonzero(group_max >= threshold[:, None])  # row * tile + column, row order
    row = group // tile
    values = np.take(fused.reshape(tiles, -1), group, axis=1)  # (tiles, groups)
    hit, tile_index = np.nonzero((values >= threshold[row]).T)  # row order kept
    value = values[tile_index, hit]
    row = row[hit]
    position = tile_index * tile + (group[hit] - row * tile)

    # Narrow to the band of the row's k-th best fused value (exact over the candidates), less
    # the slack on each side.
    kth_value = kth_largest_per_row(row, value, count, k)
    lowest = np.maximum(_band_floor(kth_value - slack, band) - slack, floor)
    keep = value >= lowest[row]
    return row[keep], position[keep]
