"""The mentor side of scoring, prepared once per pool and set of weights (`PreparedMentors`)."""

import threading
from collections.abc import Mapping
from typing import Any

import numpy as np

from mentorship.matching.engine.arrays import (
    MAX_LEVEL,
    SCORE_SCALE,
    MentorArrays,
    normalise_weights,
    timezone_overlap,
)
from mentorship.matching.engine.kernels import language_words
from mentorship.matching.engine.ties import band_width

TILE = 512  # at most this many mentors per tile of D: a tile stays in cache while multiplied
TILE_STEP = 16  # tiles are a multiple of this wide
EXCLUDED = np.float32(-2.0)  # the fused value of a filtered pair (every surviving one is >= 0)


class PreparedMentors:
    """The mentor side of scoring, for any number of calls against one pool and one set of
    weights: eligible mentors, their role-fit table, time zones, backgrounds, language bitmasks
    and levels, plus the rows that depend only on a mentee's time zone or language set, kept
    per distinct value. `score` and `score_chunk` prepare one per call; a caller that scores the
    same pool batch after batch (a matching run) prepares it once and passes it to
    `score_prepared`.

    ``min_score`` and ``tie_band`` are the acceptability floor and the width of a band of
    near-ties (see the package docstring); both belong to the pool so that every call against it
    ranks alike.

    The arrays are treated as read-only: change the pool or the weights, prepare again.
    """

    def __init__(
        self,
        mentors: MentorArrays,
        role_similarity: Any,
        weights: Mapping[str, float],
        *,
        min_score: float = 0.0,
        tie_band: float = 0.0,
    ) -> None:
        if not (np.isfinite(min_score) and 0.0 <= min_score <= 1.0):
            raise ValueError("min_score must be in [0, 1]")
        if not (np.isfinite(tie_band) and 0.0 <= tie_band <= 1.0):
            raise ValueError("tie_band must be in [0, 1]")
        self.mentors = mentors
        self.min_key = round(min_score * SCORE_SCALE)
        self.band = band_width(tie_band)
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
        # As few tiles as TILE allows, as narrow as they can be (a multiple of TILE_STEP): the
        # fused pass costs in proportion to the tiles' total width, and a fill round scores
        # the few mentors with free seats (50 in one tile of 64, not 512).
        self.tiles = max(1, -(-self.mentor_count // TILE))
        width = -(-self.mentor_count // self.tiles)
        self.tile = min(TILE, max(TILE_STEP, -(-width // TILE_STEP) * TILE_STEP))

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

        self.mentor_ids = mentors.ids[self.eligible]
        self.mentor_seats = mentors.free_seats[self.eligible]
        self.mentor_tz = mentors.utc_offset[self.eligible].astype(np.float64)
        self.mentor_background = mentors.background[self.eligible]
        self.mentor_words = language_words(mentors.languages, self.eligible)
        # Levels of the eligible mentors, dense (10,000 mentors x 300 skills: 3 MB of int8).
        self.levels = mentors.skill_level[self.eligible].toarray().astype(np.int8, copy=False)
        self._prepare_dense()
        self._lock = threading.Lock()  # D's gap rows and the memoised rows are filled lazily
        self._shared_rows: dict[bytes, np.ndarray] = {}
        self._overlap_rows: dict[float, np.ndarray] = {}
        self._no_overlap_rows: dict[float, np.ndarray] = {}
        self._language_rows: dict[bytes, np.ndarray] = {}

    def _prepare_dense(self) -> None:
        """D (tiles x features x tile, float32): one row per (required level, skill) for the
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
        self.dense = np.zeros((self.tiles, self.const_column + 1, self.tile), dtype=np.float32)
        self._gap_built = np.zeros(MAX_LEVEL * skills, dtype=bool)
        for tile in range(self.tiles):
            start = tile * self.tile
            stop = min(start + self.tile, self.mentor_count)
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
        ``[level >= L] * (w_coverage + w_depth * min(level, 5) / 5)`` for each eligible mentor."""
        with self._lock:
            columns = columns[~self._gap_built[columns]]
            if not columns.size:
                return
            level, skill = np.divmod(columns, self.skills)
            required = (level + 1).astype(np.float32)[:, None]
            w_coverage = float(self.fused_weights[1])
            w_depth = float(self.fused_weights[4])
            for tile in range(self.tiles):
                start = tile * self.tile
                stop = min(start + self.tile, self.mentor_count)
                if stop <= start:
                    break
                held = self.levels[start:stop][:, skill].T.astype(np.float32)
                covered = held >= required
                self.dense[tile, columns, : stop - start] = covered * (
                    w_coverage + (w_depth / MAX_LEVEL) * np.minimum(held, MAX_LEVEL)
                )
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
        """D rows (tiles x offsets x tile, float32): `timezone_overlap` of each offset with every
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

    def no_overlap(self, offsets: np.ndarray) -> np.ndarray:
        """bool per offset: some eligible mentor's working day has no hour in common with it."""
        return np.array(
            [bool((timezone_overlap(offset, self.mentor_tz) <= 0).any()) for offset in offsets],
            dtype=bool,
        )

    def no_overlap_tiles(self, offsets: np.ndarray) -> np.ndarray:
        """D rows (tiles x offsets x tile, float32): the excluded value where a mentor shares no
        working hour with the offset, 0 elsewhere. Each distinct offset is computed once."""
        rows = []
        for offset in offsets.tolist():
            row = self._no_overlap_rows.get(offset)
            if row is None:
                overlap = timezone_overlap(offset, self.mentor_tz)
                row = self._tile_row(np.where(overlap > 0, 0.0, EXCLUDED))
                with self._lock:
                    self._no_overlap_rows[offset] = row
            rows.append(row)
        return self._stack(rows)

    def language_tiles(self, sets: np.ndarray) -> np.ndarray:
        """D rows (tiles x sets x tile, float32): 0 where the language set shares a language
        with the mentor, the excluded value where it shares none. Each set is computed once."""
        rows = []
        for words in sets:
            key = words.tobytes()
            row = self._language_rows.get(key)
            if row is None:
                row = self._tile_row(np.where(self.shared(words[None, :])[0], 0.0, EXCLUDED))
                with self._lock:
                    self._language_rows[key] = row
            rows.append(row)
        return self._stack(rows)

    def _tile_row(self, values: np.ndarray) -> np.ndarray:
        """One value per eligible mentor as a (tiles, tile) float32 row, zero padded."""
        row = np.zeros(self.tiles * self.tile, dtype=np.float32)
        row[: self.mentor_count] = values
        return row.reshape(self.tiles, self.tile)

    def _stack(self, rows: list[np.ndarray]) -> np.ndarray:
        if not rows:
            return np.zeros((self.tiles, 0, self.tile), dtype=np.float32)
        return np.stack(rows, axis=1)
