"""Ranking engine: for each mentee, the best mentors, as a pure function of arrays.

No Django import: the caller (a service or a Celery task) loads the profiles into `MenteeArrays`
and `MentorArrays`, calls `score` (or `score_chunk` for a slice of the mentees) and stores the
`ScoreResult`.

Formula
-------
For a mentee ``i`` and a mentor ``j`` every component is in [0, 1]:

``role_fit``
    max over the roles ``r`` the mentor has worked in of ``role_similarity[target_role[i], r]``:
    1 for the mentee's target role, partial for a role sharing required skills (the caller's
    similarity, from the taxonomy), 0 for a mentor without roles.
``gap_coverage``
    ``sum_s g[i,s] * [level[j,s] >= required[i,s]] / sum_s g[i,s]``, where ``g`` is the weight of
    each missing skill (importance * (1 + 2 * demand) * shortfall, computed by the caller) and
    ``required`` the level the target role asks for: the weighted share of the mentee's gap that
    the mentor holds at the required level. An empty gap (no entry, or only zero weights) is
    covered by anyone: 1.
``timezone``
    hours of overlap of the two 09:00-18:00 local working days, divided by 9. Offsets live on a
    24-hour circle: ``d = |tz_i - tz_j| mod 24``, ``delta = min(d, 24 - d)``, overlap
    ``max(0, 9 - delta)``; so +14 and -10 (the same clock time) overlap fully.
``background``
    1 when the mentor came from the mentee's background (same index, >= 0), else 0.
``skill_depth``
    ``sum_s g[i,s] * min(level[j,s], 5) / 5 / sum_s g[i,s]``: how deep the mentor is in what the
    mentee lacks, beyond the bare required level (the seeds: a mentor teaches what courses can't).
    0 for an empty gap.

``total = sum_k w_k * c_k / sum_k w_k`` over `COMPONENTS` (weights >= 0, not all 0), in [0, 1].

Hard filters (the pair is never returned): the mentor is not eligible (approved, accepting, free
capacity), the two share no language, the pair is in ``exclusions`` (declined, ended, same person),
or the mentee's id equals the mentor's id (same person, also when the caller forgot it).

Ranking: ``q = round(total * 10**6)`` (half to even); mentors are sorted by ``q`` descending, then
by mentor id ascending. The reported score is ``q / 10**6`` as float32, so equal displayed scores
are real ties and the order is deterministic; components are reported as float32. When fewer than
``k`` mentors pass the filters the row is padded with mentor index -1, score 0 and components 0.

How it is computed
------------------
1. Fused pass (float32), per chunk of mentees and per tile of eligible mentors: the weighted total
   of every pair is ONE sparse x dense product ``X @ D``. ``X`` (chunk x features, CSR) holds, for
   each mentee, its gap entries ``g / sum(g) / W`` in the column of (required level L, skill s) and
   one entry each for its target role, background, time zone and (when some mentor shares none of
   its languages) its language set. ``D`` (features x mentors, dense) holds
   ``w_gc * [level >= L] + w_sd * min(level, 5) / 5`` for a (L, s) column, the role-fit row of a
   role, the background indicator, the overlap with one time-zone offset, and -2 where a language
   set shares nothing with the mentor. Only the (L, s) pairs the scored mentees need are filled.
   Excluded pairs are set to -2 too, so that every filtered pair is negative.
2. Candidates: group g of a row is column g of every tile; the k-th largest group maximum (one
   elementwise max over the tiles) is a lower bound of the row's k-th largest value, so only the
   groups reaching it, minus a slack covering the float32 error and the 10**-6 rounding, can hold
   the top k. Their pairs are gathered and narrowed to those within the slack of the row's true
   k-th value. No argpartition over full rows, so ties cost nothing there.
3. Exact pass (float64), on the few candidates only: every weighted component from the original
   arrays, in the same operations and order as the per-pair reference
   (``bench.engine.score_pair_reference``), the total, the rounded key, one int64 sort key per
   pair (row, score descending, mentor ascending) and the top k of each row.

Exact ties in the fused values (e.g. only role_fit weighted, or many identical mentor profiles)
make the candidate sets larger and the run slower, never the result different.

The mentor side (eligible mentors, the role-fit table, dense levels, ``D``, and the time-zone and
language rows per distinct value) is a `PreparedMentors`: `score` prepares one per call, and a
caller that scores one pool batch after batch (a matching run's chunks) prepares it once. ``D``
has a row slot for every (L, s) pair; a pair's row is filled the first time a mentee needs it,
and untouched slots cost no memory (zero pages). Where a row sits in ``D`` changes no sum: each
row of ``X`` keeps its entries in the same order.

Memory is bounded by one chunk (chunk x mentors float32, plus a boolean mask) and ``D`` ((L, s)
pairs used + roles + backgrounds) x mentors float32. A mentee's result depends on that mentee
alone, so chunks can run anywhere (Celery) and concatenated chunk results equal one full call.
"""

import threading
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

try:  # The plain CSR x dense kernel, accumulating into a buffer we own (no temporaries).
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # pragma: no cover - private SciPy API; the public product is slower
    _csr_matvecs = None

COMPONENTS: tuple[str, ...] = ("role_fit", "gap_coverage", "timezone", "background", "skill_depth")
WORKDAY_HOURS = 9.0  # 09:00-18:00 local
CLOCK_HOURS = 24.0
MAX_LEVEL = 5
SCORE_SCALE = 1_000_000  # scores are ranked and reported at 1e-6 resolution
DEFAULT_K = 10
DEFAULT_CHUNK_SIZE = 1024

_TILE = 512  # mentors per tile of D: a tile of D stays in cache while a chunk is multiplied
# Candidate slack: > 2 x the float32 error of a fused total + the 1e-6 rounding. The error of a
# sum of t non-negative float32 products totalling <= 1 is below (t + 3) * 2**-24.
_SLACK = 2e-5
_UNIT_ROUNDOFF = 2.0**-24
_EXCLUDED = np.float32(-2.0)
_VALID_FLOOR = -0.5  # fused values of surviving pairs are >= 0, filtered ones <= -1
_SCORE_SHIFT = 24  # sort key: row << 44 | (10**6 - score key) << 24 | eligible position
_ROW_SHIFT = 44
_POSITION_MASK = (1 << _SCORE_SHIFT) - 1
_ROW_LIMIT = (1 << (63 - _ROW_SHIFT)) - 1
_PAD_LIMIT = 1 << 23  # per-row selections use a padded (rows x widest row) array up to this size


# --------------------------------------------------------------------------------------------
# Inputs and output
# --------------------------------------------------------------------------------------------


def _vector(value: Any, dtype: Any, name: str, length: int | None = None) -> np.ndarray:
    array = np.ascontiguousarray(value, dtype=dtype)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if length is not None and array.shape[0] != length:
        raise ValueError(f"{name} has {array.shape[0]} rows, expected {length}")
    return array


def _csr(value: Any, dtype: Any, name: str, rows: int) -> sp.csr_array:
    matrix = sp.csr_array(value if sp.issparse(value) else np.asarray(value), dtype=dtype)
    if matrix.ndim != 2 or matrix.shape[0] != rows:
        raise ValueError(f"{name} must have shape ({rows}, ...), got {matrix.shape}")
    if not matrix.has_canonical_format:
        matrix = matrix.copy()
        matrix.sum_duplicates()  # sorted indices, no duplicates: a stable entry order
    return matrix


def _check_levels(matrix: sp.csr_array, name: str, low: int) -> None:
    if matrix.nnz and (matrix.data.min() < low or matrix.data.max() > MAX_LEVEL):
        raise ValueError(f"{name} values must be in {low}..{MAX_LEVEL}")


@dataclass(frozen=True, eq=False)
class MenteeArrays:
    """The mentees to rank, one row each (inputs are coerced to the documented dtypes).

    - ``ids`` int64[n]: user ids. ``target_role`` int32[n]: role index. ``background`` int32[n]:
      background index, -1 for none. ``utc_offset`` float32[n]: hours (e.g. 5.5).
    - ``languages`` CSR bool n x L.
    - ``gap_weight`` CSR float32 n x S: weight (>= 0) of each missing skill; zero rows allowed.
    - ``gap_level`` CSR int8 n x S: required level (1..5), same sparsity as ``gap_weight``.
    """

    ids: np.ndarray
    target_role: np.ndarray
    background: np.ndarray
    utc_offset: np.ndarray
    languages: sp.csr_array
    gap_weight: sp.csr_array
    gap_level: sp.csr_array

    def __post_init__(self) -> None:
        ids = _vector(self.ids, np.int64, "mentees.ids")
        n = ids.shape[0]
        fields = {
            "ids": ids,
            "target_role": _vector(self.target_role, np.int32, "mentees.target_role", n),
            "background": _vector(self.background, np.int32, "mentees.background", n),
            "utc_offset": _vector(self.utc_offset, np.float32, "mentees.utc_offset", n),
            "languages": _csr(self.languages, bool, "mentees.languages", n),
            "gap_weight": _csr(self.gap_weight, np.float32, "mentees.gap_weight", n),
            "gap_level": _csr(self.gap_level, np.int8, "mentees.gap_level", n),
        }
        for name, value in fields.items():
            object.__setattr__(self, name, value)
        if n and self.target_role.min() < 0:
            raise ValueError("mentees.target_role must be >= 0")
        if n and self.background.min() < -1:
            raise ValueError("mentees.background must be >= -1")
        if not np.isfinite(self.utc_offset).all():
            raise ValueError("mentees.utc_offset must be finite")
        weight, level = self.gap_weight, self.gap_level
        if (
            weight.shape != level.shape
            or not np.array_equal(weight.indptr, level.indptr)
            or not np.array_equal(weight.indices, level.indices)
        ):
            raise ValueError("mentees.gap_weight and mentees.gap_level must share one sparsity")
        if weight.nnz and not (np.isfinite(weight.data).all() and weight.data.min() >= 0):
            raise ValueError("mentees.gap_weight must be finite and >= 0")
        _check_levels(level, "mentees.gap_level", 1)

    def __len__(self) -> int:
        return int(self.ids.shape[0])


@dataclass(frozen=True, eq=False)
class MentorArrays:
    """The mentor pool, one row each, ``ids`` strictly ascending (ties are broken by id).

    - ``ids`` int64[m]. ``roles`` CSR bool m x R: roles worked in. ``background`` int32[m] (-1
      none). ``utc_offset`` float32[m]. ``languages`` CSR bool m x L.
    - ``skill_level`` CSR int8 m x S: levels 1..5 (an explicit 0 means "not held").
    - ``eligible`` bool[m]: approved, accepting and with free capacity.
    """

    ids: np.ndarray
    roles: sp.csr_array
    background: np.ndarray
    utc_offset: np.ndarray
    languages: sp.csr_array
    skill_level: sp.csr_array
    eligible: np.ndarray

    def __post_init__(self) -> None:
        ids = _vector(self.ids, np.int64, "mentors.ids")
        m = ids.shape[0]
        fields = {
            "ids": ids,
            "roles": _csr(self.roles, bool, "mentors.roles", m),
            "background": _vector(self.background, np.int32, "mentors.background", m),
            "utc_offset": _vector(self.utc_offset, np.float32, "mentors.utc_offset", m),
            "languages": _csr(self.languages, bool, "mentors.languages", m),
            "skill_level": _csr(self.skill_level, np.int8, "mentors.skill_level", m),
            "eligible": _vector(self.eligible, bool, "mentors.eligible", m),
        }
        for name, value in fields.items():
            object.__setattr__(self, name, value)
        if m > 1 and not (np.diff(ids) > 0).all():
            raise ValueError("mentors.ids must be strictly ascending")
        if m and self.background.min() < -1:
            raise ValueError("mentors.background must be >= -1")
        if not np.isfinite(self.utc_offset).all():
            raise ValueError("mentors.utc_offset must be finite")
        _check_levels(self.skill_level, "mentors.skill_level", 0)

    def __len__(self) -> int:
        return int(self.ids.shape[0])


@dataclass(frozen=True, eq=False)
class ScoreResult:
    """Top-k mentors per mentee, best first (see the module docstring for padding and order).

    ``mentor_index`` int32[n, k] (-1 padding), ``score`` float32[n, k], ``components``
    float32[n, k, len(COMPONENTS)] in the order of `COMPONENTS`.
    """

    mentor_index: np.ndarray
    score: np.ndarray
    components: np.ndarray

    @classmethod
    def empty(cls, n: int, k: int) -> "ScoreResult":
        return cls(
            mentor_index=np.full((n, k), -1, dtype=np.int32),
            score=np.zeros((n, k), dtype=np.float32),
            components=np.zeros((n, k, len(COMPONENTS)), dtype=np.float32),
        )

    @classmethod
    def concatenate(cls, parts: Iterable["ScoreResult"]) -> "ScoreResult":
        """Join the results of consecutive chunks (e.g. from Celery) into one."""
        parts = list(parts)
        if not parts:
            raise ValueError("nothing to concatenate")
        return cls(
            mentor_index=np.concatenate([part.mentor_index for part in parts]),
            score=np.concatenate([part.score for part in parts]),
            components=np.concatenate([part.components for part in parts]),
        )

    def __len__(self) -> int:
        return int(self.mentor_index.shape[0])


def normalise_weights(weights: Mapping[str, float]) -> np.ndarray:
    """The weights as float64 in `COMPONENTS` order (missing ones are 0); validated."""
    unknown = set(weights) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown weight(s): {sorted(unknown)}; expected {COMPONENTS}")
    values = np.array([float(weights.get(name, 0.0)) for name in COMPONENTS], dtype=np.float64)
    if not np.isfinite(values).all() or (values < 0).any() or not (values > 0).any():
        raise ValueError("weights must be finite, >= 0, and not all 0")
    return values


def timezone_overlap(a: Any, b: Any) -> np.ndarray:
    """Overlap (0..1) of 09:00-18:00 working days at UTC offsets ``a`` and ``b`` (broadcast)."""
    d = np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)) % CLOCK_HOURS
    delta = np.minimum(d, CLOCK_HOURS - d)
    return np.maximum(0.0, WORKDAY_HOURS - delta) / WORKDAY_HOURS


# --------------------------------------------------------------------------------------------
# Small array helpers
# --------------------------------------------------------------------------------------------


def _ragged_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(starts[g], starts[g] + counts[g])`` over groups ``g``."""
    counts = counts.astype(np.int64, copy=False)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(counts) - counts
    return np.arange(total, dtype=np.int64) - np.repeat(offsets - starts, counts)


def _language_words(languages: sp.csr_array, rows: slice | np.ndarray | None = None) -> np.ndarray:
    """Each row's language set as a bitmask: uint64[rows, ceil(L / 64)]."""
    matrix = languages if rows is None else languages[rows]
    words = np.zeros((matrix.shape[0], max(1, -(-matrix.shape[1] // 64))), dtype=np.uint64)
    counts = np.diff(matrix.indptr)
    row = np.repeat(np.arange(matrix.shape[0]), counts)
    keep = matrix.data.astype(bool)
    col = matrix.indices[keep].astype(np.uint64)
    np.bitwise_or.at(words, (row[keep], (col // 64).astype(np.intp)), np.uint64(1) << (col % 64))
    return words


def _accumulate(x: sp.csr_array, dense: np.ndarray, out: np.ndarray) -> None:
    """``out += x @ dense`` for float32 CSR ``x`` and C-contiguous float32 ``dense`` / ``out``."""
    if x.nnz == 0:
        return
    if _csr_matvecs is None:  # SciPy without the private kernel (tested by monkeypatching)
        out += x @ dense
        return
    if not (dense.flags.c_contiguous and out.flags.c_contiguous):
        raise ValueError("dense operands must be C-contiguous")
    _csr_matvecs(
        x.shape[0],
        x.shape[1],
        dense.shape[1],
        x.indptr,
        x.indices,
        x.data,
        dense.reshape(-1),
        out.reshape(-1),
    )


def _padded(row: np.ndarray, count: int) -> tuple[np.ndarray, int] | None:
    """Column of each entry in a (count x widest row) layout, for rows sorted ascending."""
    counts = np.bincount(row, minlength=count)
    width = int(counts.max(initial=0))
    if count * width > _PAD_LIMIT:
        return None
    return np.arange(row.shape[0]) - (np.cumsum(counts) - counts)[row], width


def _kth_largest_per_row(row: np.ndarray, value: np.ndarray, count: int, k: int) -> np.ndarray:
    """The k-th largest ``value`` of each row (rows ascending), -inf for rows with fewer."""
    kth = np.full(count, -np.inf, dtype=value.dtype)
    layout = _padded(row, count)
    if layout is not None:
        column, width = layout
        if width >= k:
            padded = np.full((count, width), -np.inf, dtype=value.dtype)
            padded[row, column] = value
            kth = np.partition(padded, width - k, axis=1)[:, width - k]
        return kth
    order = np.lexsort((-value, row))
    counts = np.bincount(row, minlength=count)
    starts = np.cumsum(counts) - counts
    full = counts >= k
    kth[full] = value[order[starts[full] + k - 1]]
    return kth


def _smallest_per_row(row: np.ndarray, key: np.ndarray, count: int, k: int) -> np.ndarray:
    """Indices of the (up to) k smallest distinct ``key`` of each row, by row then key.

    ``key`` orders rows first (the row is in its high bits) and ``row`` is ascending.
    """
    layout = _padded(row, count)
    if layout is None or layout[1] <= k:
        return np.argsort(key)
    column, width = layout
    padded = np.full((count, width), np.iinfo(np.int64).max, dtype=np.int64)
    padded[row, column] = key
    index = np.full((count, width), -1, dtype=np.int64)
    index[row, column] = np.arange(row.shape[0])
    part = np.argpartition(padded, k - 1, axis=1)[:, :k]
    best = np.take_along_axis(padded, part, axis=1)
    order = np.argsort(best, axis=1)
    chosen = np.take_along_axis(np.take_along_axis(index, part, axis=1), order, axis=1)
    return chosen[chosen >= 0]


# --------------------------------------------------------------------------------------------
# The mentor side, prepared once per pool; the scorer: a set of mentees, then chunks of rows
# --------------------------------------------------------------------------------------------


class PreparedMentors:
    """The mentor side of scoring, for any number of calls against one pool and one set of
    weights: eligible mentors, their role-fit table, time zones, backgrounds, language bitmasks
    and levels, plus the rows that depend only on a mentee's time zone or language set, kept
    per distinct value. `score` and `score_chunk` prepare one per call; a caller that scores the
    same pool batch after batch (a matching run) prepares it once and calls its methods.

    The arrays are treated as read-only: change the pool or the weights, prepare again.
    """

    def __init__(
        self, mentors: MentorArrays, role_similarity: Any, weights: Mapping[str, float]
    ) -> None:
        self.mentors = mentors
        self.weights = normalise_weights(weights)
        total_weight = 0.0
        for weight in self.weights.tolist():
            total_weight += weight
        self.total_weight = total_weight
        self.fused_weights = (self.weights / total_weight).astype(np.float32)

        similarity = np.ascontiguousarray(role_similarity, dtype=np.float32)
        roles = similarity.shape[0] if similarity.ndim == 2 else -1
        if similarity.shape != (roles, roles):
            raise ValueError(f"role_similarity must be square, got {similarity.shape}")
        if similarity.size and not (
            np.isfinite(similarity).all() and similarity.min() >= 0 and similarity.max() <= 1
        ):
            raise ValueError("role_similarity values must be in [0, 1]")
        if mentors.roles.shape[1] != roles:
            raise ValueError("mentors.roles must have one column per role of role_similarity")
        self.roles = roles
        self.skills = int(mentors.skill_level.shape[1])

        self.eligible = np.flatnonzero(mentors.eligible)
        self.mentor_count = int(self.eligible.shape[0])
        self.position = np.full(len(mentors), -1, dtype=np.int64)
        self.position[self.eligible] = np.arange(self.mentor_count)
        self.tiles = max(1, -(-self.mentor_count // _TILE))

        # role_fit table R x m_e: max over each mentor's roles of the similarity column.
        worked = mentors.roles[self.eligible]
        keep = worked.data.astype(bool)
        table = np.zeros((self.mentor_count, roles), dtype=np.float32)
        if worked.nnz:
            counts = np.diff(worked.indptr)
            columns = similarity.T[worked.indices]
            columns[~keep] = 0
            has = counts > 0
            table[has] = np.maximum.reduceat(columns, worked.indptr[:-1][has], axis=0)
        self.role_table = np.ascontiguousarray(table.T)

        self.mentor_tz = mentors.utc_offset[self.eligible].astype(np.float64)
        self.mentor_background = mentors.background[self.eligible]
        self.mentor_words = _language_words(mentors.languages, self.eligible)
        # Levels of the eligible mentors, dense (10,000 mentors x 300 skills: 3 MB of int8).
        self.levels = mentors.skill_level[self.eligible].toarray().astype(np.int8, copy=False)
        self._prepare_dense()
        self._lock = threading.Lock()  # D's gap rows and the memoised rows are filled lazily
        self._shared_rows: dict[bytes, np.ndarray] = {}
        self._overlap_rows: dict[float, np.ndarray] = {}
        self._language_rows: dict[bytes, np.ndarray] = {}

    def _prepare_dense(self) -> None:
        """D (tiles x features x _TILE, float32): one row per (required level, skill) for the
        gap, filled the first time a mentee needs it; then one per role, one per background an
        eligible mentor came from, and the empty-gap constant. Untouched rows cost no memory."""
        skills, roles = self.skills, self.roles
        held_anywhere = (
            (self.levels > 0).any(axis=0) if self.mentor_count else np.zeros(skills, bool)
        )
        # Gap column of the key L * S + s: row (L - 1) * S + s, or -1 when no eligible mentor
        # holds the skill (the row would be all zeros) or for level 0.
        keys = np.arange((MAX_LEVEL + 1) * skills)
        level, skill = np.divmod(keys, skills)
        self.gap_column = np.where((level >= 1) & held_anywhere[skill], keys - skills, -1)
        self.role_offset = MAX_LEVEL * skills
        self.background_offset = self.role_offset + roles
        self.backgrounds = np.unique(self.mentor_background[self.mentor_background >= 0])
        self.const_column = self.background_offset + int(self.backgrounds.shape[0])
        self.dense = np.zeros((self.tiles, self.const_column + 1, _TILE), dtype=np.float32)
        self._gap_built = np.zeros(MAX_LEVEL * skills, dtype=bool)
        for tile in range(self.tiles):
            start = tile * _TILE
            stop = min(start + _TILE, self.mentor_count)
            if stop <= start:
                break
            block = self.dense[tile]
            block[self.role_offset : self.background_offset, : stop - start] = self.role_table[
                :, start:stop
            ]
            for offset, value in enumerate(self.backgrounds.tolist()):
                block[self.background_offset + offset, : stop - start] = (
                    self.mentor_background[start:stop] == value
                )
            block[self.const_column, : stop - start] = 1.0

    def gap_rows(self, columns: np.ndarray) -> None:
        """Fill the D rows of these gap columns (distinct, >= 0) that are not filled yet:
        ``w_coverage * [level >= L] + w_depth * min(level, 5) / 5`` for each eligible mentor."""
        with self._lock:
            columns = columns[~self._gap_built[columns]]
            if not columns.size:
                return
            level, skill = np.divmod(columns, self.skills)
            required = (level + 1).astype(np.float32)[:, None]
            w_coverage = float(self.fused_weights[1])
            w_depth = float(self.fused_weights[4])
            for tile in range(self.tiles):
                start = tile * _TILE
                stop = min(start + _TILE, self.mentor_count)
                if stop <= start:
                    break
                held = self.levels[start:stop][:, skill].T.astype(np.float32)
                self.dense[tile, columns, : stop - start] = w_coverage * (held >= required) + (
                    w_depth / MAX_LEVEL
                ) * np.minimum(held, MAX_LEVEL)
            self._gap_built[columns] = True

    def shared(self, sets: np.ndarray) -> np.ndarray:
        """(sets, eligible mentors) bool: the language set (a row of bitmask words) shares a
        language with the mentor. Each distinct set is computed once."""
        shared = np.empty((sets.shape[0], self.mentor_count), dtype=bool)
        for index, words in enumerate(sets):
            key = words.tobytes()
            row = self._shared_rows.get(key)
            if row is None:
                row = np.zeros(self.mentor_count, dtype=bool)
                for word in range(words.shape[0]):
                    row |= (words[word] & self.mentor_words[:, word]) != 0
                self._shared_rows[key] = row
            shared[index] = row
        return shared

    def overlap_tiles(self, offsets: np.ndarray) -> np.ndarray:
        """D rows (tiles x offsets x _TILE, float32): `timezone_overlap` of each offset with every
        eligible mentor. Each distinct offset is computed once."""
        rows = []
        for offset in offsets.tolist():
            row = self._overlap_rows.get(offset)
            if row is None:
                row = self._tile_row(timezone_overlap(offset, self.mentor_tz))
                with self._lock:
                    self._overlap_rows[offset] = row
            rows.append(row)
        return self._stack(rows)

    def language_tiles(self, sets: np.ndarray) -> np.ndarray:
        """D rows (tiles x sets x _TILE, float32): 0 where the language set shares a language
        with the mentor, the excluded value where it shares none. Each set is computed once."""
        rows = []
        for words in sets:
            key = words.tobytes()
            row = self._language_rows.get(key)
            if row is None:
                row = self._tile_row(np.where(self.shared(words[None, :])[0], 0.0, _EXCLUDED))
                with self._lock:
                    self._language_rows[key] = row
            rows.append(row)
        return self._stack(rows)

    def _tile_row(self, values: np.ndarray) -> np.ndarray:
        """One value per eligible mentor as a (tiles, _TILE) float32 row, zero padded."""
        row = np.zeros(self.tiles * _TILE, dtype=np.float32)
        row[: self.mentor_count] = values
        return row.reshape(self.tiles, _TILE)

    def _stack(self, rows: list[np.ndarray]) -> np.ndarray:
        if not rows:
            return np.zeros((self.tiles, 0, _TILE), dtype=np.float32)
        return np.stack(rows, axis=1)

    def score(
        self,
        mentees: MenteeArrays,
        k: int = DEFAULT_K,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        exclusions: Any = None,
        *,
        workers: int = 1,
    ) -> ScoreResult:
        """`score` against this pool (see the module function)."""
        if chunk_size < 1:
            raise ValueError("chunk_size must be >= 1")
        if workers < 1:
            raise ValueError("workers must be >= 1")
        n = len(mentees)
        scorer = _Scorer(mentees, self, k, exclusions, slice(0, n))
        if n == 0:
            return ScoreResult.empty(0, int(k))
        bounds = [(start, min(start + chunk_size, n)) for start in range(0, n, chunk_size)]
        if workers == 1 or len(bounds) == 1:
            return ScoreResult.concatenate(scorer.rows(start, stop) for start, stop in bounds)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return ScoreResult.concatenate(pool.map(lambda bound: scorer.rows(*bound), bounds))

    def score_chunk(
        self,
        mentees: MenteeArrays,
        start: int,
        stop: int,
        k: int = DEFAULT_K,
        exclusions: Any = None,
    ) -> ScoreResult:
        """`score_chunk` against this pool (see the module function)."""
        n = len(mentees)
        if not 0 <= start <= stop <= n:
            raise ValueError(f"invalid chunk {start}:{stop} of {n} mentees")
        return _Scorer(mentees, self, k, exclusions, slice(start, stop)).rows(start, stop)


class _Scorer:
    def __init__(
        self,
        mentees: MenteeArrays,
        prepared: PreparedMentors,
        k: int,
        exclusions: Any,
        scope: slice,
    ) -> None:
        if k < 1:
            raise ValueError("k must be >= 1")
        mentors = prepared.mentors
        self.mentees, self.mentors, self.prepared, self.k = mentees, mentors, prepared, int(k)
        if len(mentees) and mentees.target_role.max() >= prepared.roles:
            raise ValueError("mentees.target_role out of range of role_similarity")
        if mentees.languages.shape[1] != mentors.languages.shape[1]:
            raise ValueError("mentees and mentors must use the same language columns")
        if mentees.gap_weight.shape[1] != prepared.skills:
            raise ValueError("mentees and mentors must use the same skill columns")
        # The prepared mentor side, under the names the methods below read (no copies).
        self.weights = prepared.weights
        self.total_weight = prepared.total_weight
        self.fused_weights = prepared.fused_weights
        self.skills = prepared.skills
        self.eligible, self.position = prepared.eligible, prepared.position
        self.mentor_count, self.tiles = prepared.mentor_count, prepared.tiles
        self.role_table = prepared.role_table
        self.mentor_tz, self.mentor_background = prepared.mentor_tz, prepared.mentor_background
        self.levels = prepared.levels  # eligible mentors x every skill
        self.gap_column, self.dense = prepared.gap_column, prepared.dense
        self.role_offset, self.background_offset = prepared.role_offset, prepared.background_offset
        self.backgrounds, self.const_column = prepared.backgrounds, prepared.const_column

        self._prepare_exclusions(exclusions)
        self._prepare_features(scope)
        self._prepare_groups(scope)

    # -- preparation ------------------------------------------------------------------------

    def _prepare_exclusions(self, exclusions: Any) -> None:
        pairs = np.zeros((0, 2), dtype=np.int64)
        if exclusions is not None:
            pairs = np.asarray(exclusions, dtype=np.int64).reshape(-1, 2)
        n, m = len(self.mentees), len(self.mentors)
        if pairs.size and (
            pairs[:, 0].min() < 0
            or pairs[:, 0].max() >= n
            or pairs[:, 1].min() < 0
            or pairs[:, 1].max() >= m
        ):
            raise ValueError("exclusions must be (mentee_index, mentor_index) pairs in range")
        order = np.argsort(pairs[:, 0], kind="stable")
        self.excluded_mentee = pairs[order, 0]
        self.excluded_mentor = pairs[order, 1]

    def _prepare_features(self, scope: slice) -> None:
        """Fill the rows of D the gap entries of the mentees in ``scope`` need."""
        weight, level = self.mentees.gap_weight, self.mentees.gap_level
        lo, hi = weight.indptr[scope.start], weight.indptr[scope.stop]
        positive = weight.data[lo:hi] > 0
        keys = (
            level.data[lo:hi][positive].astype(np.int64) * self.skills
            + weight.indices[lo:hi][positive]
        )
        columns = self.gap_column[np.unique(keys)]
        self.prepared.gap_rows(columns[columns >= 0])

    def _prepare_groups(self, scope: slice) -> None:
        """Distinct time zones and language sets of the mentees in scope, and who needs a filter."""
        mentees = self.mentees
        self.scope_start = scope.start
        self.offsets, group = np.unique(
            mentees.utc_offset[scope].astype(np.float64), return_inverse=True
        )
        self.offset_group = group.reshape(-1)
        words = _language_words(mentees.languages, scope)
        if words.shape[1] == 1:
            sets, group = np.unique(words[:, 0], return_inverse=True)
            self.language_sets = sets[:, None]
        else:
            self.language_sets, group = np.unique(words, axis=0, return_inverse=True)
        self.language_group = group.reshape(-1)
        # A set needs the penalty row when some eligible mentor shares none of its languages.
        self.language_lacking = np.zeros(self.language_sets.shape[0], dtype=bool)
        for first in range(0, self.language_sets.shape[0], 256):
            shared = self.prepared.shared(self.language_sets[first : first + 256])
            self.language_lacking[first : first + 256] = ~shared.all(axis=1)

    # -- one chunk --------------------------------------------------------------------------

    def rows(self, start: int, stop: int) -> ScoreResult:
        count = stop - start
        result = ScoreResult.empty(count, self.k)
        if count == 0 or self.mentor_count == 0:
            return result
        fused = np.zeros((self.tiles, count, _TILE), dtype=np.float32)
        main = self._features(start, stop)
        extra, extra_dense = self._chunk_features(start, stop)
        for tile in range(self.tiles):
            _accumulate(main, self.dense[tile], fused[tile])
            _accumulate(extra, extra_dense[tile], fused[tile])
        self._filter(fused, start, stop)
        terms = np.diff(main.indptr) + np.diff(extra.indptr)
        slack = np.maximum(_SLACK, 4 * (terms + 3) * _UNIT_ROUNDOFF + 1e-6).astype(np.float32)
        row, position = self._candidates(fused, slack)
        self._finish(result, start, row, position)
        return result

    def _features(self, start: int, stop: int) -> sp.csr_array:
        """X for mentees start:stop: gap entries, role, background, and the empty-gap constant."""
        mentees, count = self.mentees, stop - start
        weight, level = mentees.gap_weight, mentees.gap_level
        lo, hi = weight.indptr[start], weight.indptr[stop]
        entry_row = np.repeat(np.arange(count), np.diff(weight.indptr[start : stop + 1]))
        g = weight.data[lo:hi].astype(np.float64)
        total = np.bincount(entry_row, weights=g, minlength=count)
        columns = self.gap_column[
            level.data[lo:hi].astype(np.int64) * self.skills + weight.indices[lo:hi]
        ]
        keep = (columns >= 0) & (g > 0)
        safe_total = np.where(total > 0, total, 1.0)
        values = [(g[keep] / safe_total[entry_row[keep]]).astype(np.float32)]
        rows, cols = [entry_row[keep]], [columns[keep]]

        everyone = np.arange(count)
        w = self.fused_weights
        if w[0] > 0:
            rows.append(everyone)
            cols.append(self.role_offset + mentees.target_role[start:stop].astype(np.int64))
            values.append(np.full(count, w[0], dtype=np.float32))
        background = mentees.background[start:stop]
        found = np.searchsorted(self.backgrounds, background)
        has = found < self.backgrounds.shape[0]
        has[has] = self.backgrounds[found[has]] == background[has]
        column = self.background_offset + found
        if w[3] > 0 and has.any():
            rows.append(everyone[has])
            cols.append(column[has])
            values.append(np.full(int(has.sum()), w[3], dtype=np.float32))
        empty = total <= 0
        if w[1] > 0 and empty.any():
            rows.append(everyone[empty])
            cols.append(np.full(int(empty.sum()), self.const_column))
            values.append(np.full(int(empty.sum()), w[1], dtype=np.float32))
        return self._csr(rows, cols, values, count, self.dense.shape[1])

    def _chunk_features(self, start: int, stop: int) -> tuple[sp.csr_array, np.ndarray]:
        """X and D for the chunk's distinct time zones and (penalised) language sets."""
        count = stop - start
        local = slice(start - self.scope_start, stop - self.scope_start)
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        values: list[np.ndarray] = []
        dense_rows: list[np.ndarray] = []
        w_timezone = self.fused_weights[2]
        if w_timezone > 0:
            groups, inverse = np.unique(self.offset_group[local], return_inverse=True)
            offsets = self.offsets[groups]
            dense_rows.append(self.prepared.overlap_tiles(offsets))
            rows.append(np.arange(count))
            cols.append(inverse.reshape(-1))
            values.append(np.full(count, w_timezone, dtype=np.float32))
        group = self.language_group[local]
        penalised = np.flatnonzero(self.language_lacking[group])
        if penalised.size:
            groups, inverse = np.unique(group[penalised], return_inverse=True)
            offset = sum(block.shape[1] for block in dense_rows)
            dense_rows.append(self.prepared.language_tiles(self.language_sets[groups]))
            rows.append(penalised)
            cols.append(offset + inverse.reshape(-1))
            values.append(np.ones(penalised.shape[0], dtype=np.float32))
        if not dense_rows:
            return self._csr([], [], [], count, 0), np.zeros((self.tiles, 0, _TILE), np.float32)
        dense = np.concatenate(dense_rows, axis=1)
        return self._csr(rows, cols, values, count, dense.shape[1]), dense

    @staticmethod
    def _csr(
        rows: Sequence[np.ndarray],
        cols: Sequence[np.ndarray],
        values: Sequence[np.ndarray],
        count: int,
        width: int,
    ) -> sp.csr_array:
        """CSR from COO parts, entries ordered by (row, column): a fixed summation order."""
        if not rows:
            return sp.csr_array((count, width), dtype=np.float32)
        row = np.concatenate(rows).astype(np.int64)
        col = np.concatenate(cols).astype(np.int64)
        value = np.concatenate(values).astype(np.float32)
        order = np.lexsort((col, row))
        indptr = np.zeros(count + 1, dtype=np.int32)
        np.cumsum(np.bincount(row, minlength=count), out=indptr[1:])
        return sp.csr_array(
            (value[order], col[order].astype(np.int32), indptr), shape=(count, width)
        )

    def _filter(self, fused: np.ndarray, start: int, stop: int) -> None:
        """Mark padding columns, explicit exclusions and same-person pairs as excluded."""
        width = self.mentor_count - (self.tiles - 1) * _TILE
        fused[-1, :, width:] = _EXCLUDED
        lo = np.searchsorted(self.excluded_mentee, start, side="left")
        hi = np.searchsorted(self.excluded_mentee, stop, side="left")
        mentee = self.excluded_mentee[lo:hi] - start
        mentor = self.excluded_mentor[lo:hi]
        ids = self.mentors.ids
        if ids.size:
            chunk_ids = self.mentees.ids[start:stop]
            found = np.minimum(np.searchsorted(ids, chunk_ids), ids.size - 1)
            same = np.flatnonzero(ids[found] == chunk_ids)
            mentee = np.concatenate([mentee, same])
            mentor = np.concatenate([mentor, found[same]])
        position = self.position[mentor]
        keep = position >= 0
        fused[position[keep] // _TILE, mentee[keep], position[keep] % _TILE] = _EXCLUDED

    def _candidates(self, fused: np.ndarray, slack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, eligible position) of every pair that may be in its row's top k."""
        _, count, tile = fused.shape
        k = self.k
        # Group g of a row: column g of every tile. The k-th largest group maximum is <= the row's
        # k-th largest value (k groups, so k distinct elements at least that large): only groups
        # reaching it can hold candidates. The maxima are one elementwise pass over the tiles.
        group_max = fused.max(axis=0)  # (count, tile)
        threshold = np.full(count, _VALID_FLOOR, dtype=np.float32)
        if tile >= k:
            kth = np.partition(group_max, tile - k, axis=1)[:, tile - k]
            threshold = np.maximum(kth - slack, np.float32(_VALID_FLOOR))
        row, column = np.nonzero(group_max >= threshold[:, None])
        candidates = fused[:, row, column]  # (tiles, groups)
        hit, tile_index = np.nonzero((candidates >= threshold[row]).T)  # row order kept
        value = candidates[tile_index, hit]
        row = row[hit]
        position = tile_index * tile + column[hit]

        # Narrow to the row's k-th best fused value (exact over the candidates) minus the slack.
        kth_value = _kth_largest_per_row(row, value, count, k)
        keep = value >= kth_value[row] - slack[row]
        return row[keep], position[keep]

    def _finish(
        self, result: ScoreResult, start: int, row: np.ndarray, position: np.ndarray
    ) -> None:
        """Exact totals of the candidates, the final order, and the top k of each row."""
        weighted = self.weights > 0  # a zero-weight component cannot change a total
        components = self.exact_components(start + row, position, weighted)
        total = self.weights[0] * components[:, 0]
        for index in range(1, len(COMPONENTS)):
            total = total + self.weights[index] * components[:, index]
        total = total / self.total_weight
        key = np.rint(total * SCORE_SCALE).astype(np.int64)
        if self.mentor_count <= _POSITION_MASK and len(result) <= _ROW_LIMIT:
            # One int64 per candidate: row, then score descending, then mentor (id) ascending.
            sort_key = (row << _ROW_SHIFT) | ((SCORE_SCALE - key) << _SCORE_SHIFT) | position
            order = _smallest_per_row(row, sort_key, len(result), self.k)
        else:  # pragma: no cover - more than 16M eligible mentors or an enormous chunk
            order = np.lexsort((position, -key, row))
        row = row[order]
        counts = np.bincount(row, minlength=len(result))
        rank = np.arange(row.shape[0]) - (np.cumsum(counts) - counts)[row]
        keep = rank < self.k
        chosen, row, rank = order[keep], row[keep], rank[keep]
        if not weighted.all():
            components = components[chosen]
            chosen_rows = start + row
            components[:, ~weighted] = self.exact_components(
                chosen_rows, position[chosen], ~weighted
            )[:, ~weighted]
        else:
            components = components[chosen]
        result.mentor_index[row, rank] = self.eligible[position[chosen]]
        result.score[row, rank] = key[chosen] / SCORE_SCALE
        result.components[row, rank] = components

    def exact_components(
        self, mentee: np.ndarray, position: np.ndarray, which: np.ndarray | None = None
    ) -> np.ndarray:
        """float64 components (pairs x 5) of mentees ``mentee`` and eligible mentors ``position``.

        Same operations, in the same order, as the per-pair reference: bit-identical results.
        ``which`` (bool per component) limits the work to some components; the others are 0.
        """
        mentees = self.mentees
        which = np.ones(len(COMPONENTS), dtype=bool) if which is None else which
        pairs = mentee.shape[0]
        components = np.zeros((pairs, len(COMPONENTS)), dtype=np.float64)
        if which[0]:
            components[:, 0] = self.role_table[mentees.target_role[mentee], position]
        if which[1] or which[4]:
            weight, level = mentees.gap_weight, mentees.gap_level
            counts = np.diff(weight.indptr)[mentee]
            entry = _ragged_ranges(weight.indptr[mentee], counts)
            pair = np.repeat(np.arange(pairs), counts)
            g = weight.data[entry].astype(np.float64)
            held = self.levels[position[pair], weight.indices[entry]]
            total = np.bincount(pair, weights=g, minlength=pairs)
            has_gap = total > 0
            safe = np.where(has_gap, total, 1.0)
            covered = np.bincount(
                pair, weights=np.where(held >= level.data[entry], g, 0.0), minlength=pairs
            )
            components[:, 1] = np.where(has_gap, covered / safe, 1.0)
            depth = np.bincount(
                pair, weights=g * (np.minimum(held, MAX_LEVEL) / float(MAX_LEVEL)), minlength=pairs
            )
            components[:, 4] = np.where(has_gap, depth / safe, 0.0)
        if which[2]:
            components[:, 2] = timezone_overlap(
                mentees.utc_offset[mentee].astype(np.float64), self.mentor_tz[position]
            )
        if which[3]:
            background = mentees.background[mentee]
            same = (background >= 0) & (background == self.mentor_background[position])
            components[:, 3] = same
        return components


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


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
) -> ScoreResult:
    """Top-``k`` mentors for every mentee (see the module docstring), ``chunk_size`` at a time.

    ``exclusions``: (mentee_index, mentor_index) pairs that must never match. ``workers`` > 1
    scores chunks in that many threads (NumPy releases the GIL for most of the work; memory grows
    by one chunk buffer per thread); the result does not depend on it.
    """
    return PreparedMentors(mentors, role_similarity, weights).score(
        mentees, k, chunk_size, exclusions, workers=workers
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
) -> ScoreResult:
    """`score` for mentees ``start:stop`` only (``exclusions`` use full-pool mentee indices).

    Concatenating the results of consecutive chunks gives exactly the result of one `score` call,
    so a run can be split across processes or machines (a Celery group of chunk tasks).
    """
    return PreparedMentors(mentors, role_similarity, weights).score_chunk(
        mentees, start, stop, k, exclusions
    )
