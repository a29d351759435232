"""The engine's inputs and output: mentee and mentor arrays, the top-k result, and the formula's
small shared pieces (weights, working-hour overlap, building a CSR array from its parts)."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from mentorship.matching.components import COMPONENTS, WORKDAY_HOURS

CLOCK_HOURS = 24.0
MAX_LEVEL = 5
SCORE_SCALE = 1_000_000  # scores are ranked and reported at 1e-6 resolution
DEFAULT_K = 10
DEFAULT_CHUNK_SIZE = 1024


def _vector(value: Any, dtype: Any, name: str, length: int | None = None) -> np.ndarray:
    array = np.ascontiguousarray(value, dtype=dtype)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if length is not None and array.shape[0] != length:
        raise ValueError(f"{name} has {array.shape[0]} rows, expected {length}")
    return array


def as_csr(value: Any, dtype: Any, name: str, rows: int) -> sp.csr_array:
    """``value`` as a canonical CSR array of ``dtype`` with ``rows`` rows (or a `ValueError`)."""
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
    - ``gap_weight`` CSR float32 n x S: priority (>= 0) of each missing skill; zero rows
      allowed. The engine turns priorities into urgency weights (`urgency`).
    - ``gap_level`` CSR int8 n x S: required level (1..5), same sparsity as ``gap_weight``.
    - ``allow_no_overlap`` bool[n]: the mentee accepts a mentor with no working hour in common
      (default: no one does).
    """

    ids: np.ndarray
    target_role: np.ndarray
    background: np.ndarray
    utc_offset: np.ndarray
    languages: sp.csr_array
    gap_weight: sp.csr_array
    gap_level: sp.csr_array
    allow_no_overlap: Any = None

    def __post_init__(self) -> None:
        ids = _vector(self.ids, np.int64, "mentees.ids")
        n = ids.shape[0]
        fields = {
            "ids": ids,
            "target_role": _vector(self.target_role, np.int32, "mentees.target_role", n),
            "background": _vector(self.background, np.int32, "mentees.background", n),
            "utc_offset": _vector(self.utc_offset, np.float32, "mentees.utc_offset", n),
            "languages": as_csr(self.languages, bool, "mentees.languages", n),
            "gap_weight": as_csr(self.gap_weight, np.float32, "mentees.gap_weight", n),
            "gap_level": as_csr(self.gap_level, np.int8, "mentees.gap_level", n),
            "allow_no_overlap": _vector(
                np.zeros(n, dtype=bool) if self.allow_no_overlap is None else self.allow_no_overlap,
                bool,
                "mentees.allow_no_overlap",
                n,
            ),
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
    - ``free_seats`` int32[m]: free places (>= 0; default 1 each): a mentor's share of the list
      slots among near-ties is in proportion to them (see the package docstring, "Ranking").
    """

    ids: np.ndarray
    roles: sp.csr_array
    background: np.ndarray
    utc_offset: np.ndarray
    languages: sp.csr_array
    skill_level: sp.csr_array
    eligible: np.ndarray
    free_seats: Any = None

    def __post_init__(self) -> None:
        ids = _vector(self.ids, np.int64, "mentors.ids")
        m = ids.shape[0]
        fields = {
            "ids": ids,
            "roles": as_csr(self.roles, bool, "mentors.roles", m),
            "background": _vector(self.background, np.int32, "mentors.background", m),
            "utc_offset": _vector(self.utc_offset, np.float32, "mentors.utc_offset", m),
            "languages": as_csr(self.languages, bool, "mentors.languages", m),
            "skill_level": as_csr(self.skill_level, np.int8, "mentors.skill_level", m),
            "eligible": _vector(self.eligible, bool, "mentors.eligible", m),
            "free_seats": _vector(
                np.ones(m, dtype=np.int32) if self.free_seats is None else self.free_seats,
                np.int32,
                "mentors.free_seats",
                m,
            ),
        }
        for name, value in fields.items():
            object.__setattr__(self, name, value)
        if m > 1 and not (np.diff(ids) > 0).all():
            raise ValueError("mentors.ids must be strictly ascending")
        if m and self.background.min() < -1:
            raise ValueError("mentors.background must be >= -1")
        if not np.isfinite(self.utc_offset).all():
            raise ValueError("mentors.utc_offset must be finite")
        if m and self.free_seats.min() < 0:
            raise ValueError("mentors.free_seats must be >= 0")
        _check_levels(self.skill_level, "mentors.skill_level", 0)

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def rows(self, keep: np.ndarray) -> "MentorArrays":
        """The mentors at these ascending row indices, in that order. A pair's score does not
        depend on the other mentors of the pool, so scoring against the rows kept gives the
        same scores and order as scoring against the whole pool with only those eligible."""
        keep = np.asarray(keep, dtype=np.int64)
        return MentorArrays(
            ids=self.ids[keep],
            roles=self.roles[keep],
            background=self.background[keep],
            utc_offset=self.utc_offset[keep],
            languages=self.languages[keep],
            skill_level=self.skill_level[keep],
            eligible=self.eligible[keep],
            free_seats=self.free_seats[keep],
        )


def exclusions_within(exclusions: Any, keep: np.ndarray, mentors: int) -> np.ndarray:
    """(mentee, mentor index) exclusion pairs of a pool of ``mentors`` rows, re-indexed to the
    rows ``keep`` (ascending) of `MentorArrays.rows`; pairs of mentors not kept are dropped."""
    pairs = np.asarray(exclusions if exclusions is not None else (), dtype=np.int64).reshape(-1, 2)
    position = np.full(mentors, -1, dtype=np.int64)
    position[np.asarray(keep, dtype=np.int64)] = np.arange(len(keep))
    moved = position[pairs[:, 1]]
    return np.column_stack([pairs[moved >= 0, 0], moved[moved >= 0]])


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


def csr_from_parts(
    rows: Sequence[np.ndarray],
    cols: Sequence[np.ndarray],
    values: Sequence[np.ndarray],
    shape: tuple[int, int],
    dtype: Any = np.float32,
) -> sp.csr_array:
    """A CSR array from coordinate parts (concatenated), entries ordered by (row, column): a
    fixed entry order, so sums over a row always add in the same order."""
    count, width = shape
    if not rows:
        return sp.csr_array((count, width), dtype=dtype)
    row = np.concatenate(rows).astype(np.int64)
    col = np.concatenate(cols).astype(np.int64)
    value = np.concatenate(values).astype(dtype)
    order = np.argsort(row * max(width, 1) + col, kind="stable")  # = lexsort((col, row))
    indptr = np.zeros(count + 1, dtype=np.int32)
    np.cumsum(np.bincount(row, minlength=count), out=indptr[1:])
    return sp.csr_array((value[order], col[order].astype(np.int32), indptr), shape=(count, width))
