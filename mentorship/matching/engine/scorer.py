"""A set of mentees scored against a prepared pool: validated and prepared once (exclusions, the
rows of D their gaps need, their time-zone and language groups), then scored chunk by chunk."""

from typing import Any

import numpy as np

from mentorship.matching.engine.arrays import MenteeArrays, ScoreResult
from mentorship.matching.engine.exact import top_k
from mentorship.matching.engine.fused import (
    Exclusions,
    MenteeGroups,
    candidates,
    fused_totals,
    gap_rows_fill,
)
from mentorship.matching.engine.prepared import PreparedMentors
from mentorship.matching.engine.urgency import urgency_weights


class MenteeScorer:
    """Scores rows of ``mentees`` (those in ``scope``) against ``pool``; `rows` may run in
    several threads at once (the pool fills its lazy rows under a lock)."""

    def __init__(
        self,
        mentees: MenteeArrays,
        pool: PreparedMentors,
        k: int,
        exclusions: Any,
        scope: slice,
    ) -> None:
        if k < 1:
            raise ValueError("k must be >= 1")
        if len(mentees) and mentees.target_role.max() >= pool.roles:
            raise ValueError("mentees.target_role out of range of role_similarity")
        if mentees.languages.shape[1] != pool.mentors.languages.shape[1]:
            raise ValueError("mentees and mentors must use the same language columns")
        if mentees.gap_weight.shape[1] != pool.skills:
            raise ValueError("mentees and mentors must use the same skill columns")
        self.mentees, self.pool, self.k = mentees, pool, int(k)
        self.exclusions = Exclusions.of(exclusions, len(mentees), len(pool.mentors))
        gap_rows_fill(pool, mentees, scope)
        self.groups = MenteeGroups.of(pool, mentees, scope)
        # Urgency weights of every gap entry (aligned with gap_weight.data; set in scope).
        self.urgency = np.zeros(mentees.gap_weight.nnz, dtype=np.float64)
        lo, hi = mentees.gap_weight.indptr[scope.start], mentees.gap_weight.indptr[scope.stop]
        self.urgency[lo:hi] = urgency_weights(mentees.gap_weight, scope.start, scope.stop)

    def rows(self, start: int, stop: int) -> ScoreResult:
        """The top k of mentees start:stop (inside the scope)."""
        count = stop - start
        result = ScoreResult.empty(count, self.k)
        if count == 0 or self.pool.mentor_count == 0:
            return result
        fused, slack = fused_totals(
            self.pool, self.mentees, self.urgency, self.groups, self.exclusions, start, stop
        )
        row, position = candidates(fused, slack, self.k, self.pool.band, self.pool.min_key)
        top_k(self.pool, self.mentees, self.urgency, result, start, row, position, self.k)
        return result
