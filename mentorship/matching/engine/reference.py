"""The engine's formula written pair by pair with lists, dicts and loops (no NumPy vector
operation): the reference the tests check the engine against (identical scores and order) and
the benchmark measures the engine's speed-up over.

`ReferencePool.from_arrays` turns the engine's inputs into plain Python (once, outside timing);
`score_pair_reference` scores one pair, `rank_reference` one mentee's top k.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from mentorship.matching.engine.arrays import (
    CLOCK_HOURS,
    COMPONENTS,
    MAX_LEVEL,
    SCORE_SCALE,
    WORKDAY_HOURS,
    MenteeArrays,
    MentorArrays,
)


@dataclass(frozen=True, eq=False)
class ReferencePool:
    """The engine's inputs as plain Python lists, sets and dicts (built once, outside timing)."""

    mentee_ids: list[int]
    target_role: list[int]
    mentee_background: list[int]
    mentee_offset: list[float]
    mentee_languages: list[set[int]]
    gaps: list[list[tuple[int, float, int]]]  # (skill, weight, required level), in CSR order
    mentor_ids: list[int]
    mentor_roles: list[list[int]]
    mentor_background: list[int]
    mentor_offset: list[float]
    mentor_languages: list[set[int]]
    mentor_levels: list[dict[int, int]]
    eligible: list[bool]
    similarity: list[list[float]]
    excluded: set[tuple[int, int]]

    @classmethod
    def from_arrays(
        cls,
        mentees: MenteeArrays,
        mentors: MentorArrays,
        role_similarity: Any,
        exclusions: Any = None,
    ) -> "ReferencePool":
        def rows(matrix: sp.csr_array) -> list[list[tuple[int, Any]]]:
            indptr, indices, data = (
                matrix.indptr.tolist(),
                matrix.indices.tolist(),
                matrix.data.tolist(),
            )
            return [
                [(indices[e], data[e]) for e in range(indptr[r], indptr[r + 1])]
                for r in range(len(indptr) - 1)
            ]

        def present(matrix: sp.csr_array) -> list[list[int]]:
            return [[column for column, value in row if value] for row in rows(matrix)]

        gap_levels = rows(mentees.gap_level)
        gaps = [
            [(skill, weight, level_row[e][1]) for e, (skill, weight) in enumerate(weight_row)]
            for weight_row, level_row in zip(rows(mentees.gap_weight), gap_levels, strict=True)
        ]
        pairs = [] if exclusions is None else [tuple(pair) for pair in np.asarray(exclusions)]
        return cls(
            mentee_ids=mentees.ids.tolist(),
            target_role=mentees.target_role.tolist(),
            mentee_background=mentees.background.tolist(),
            mentee_offset=mentees.utc_offset.tolist(),
            mentee_languages=[set(row) for row in present(mentees.languages)],
            gaps=gaps,
            mentor_ids=mentors.ids.tolist(),
            mentor_roles=present(mentors.roles),
            mentor_background=mentors.background.tolist(),
            mentor_offset=mentors.utc_offset.tolist(),
            mentor_languages=[set(row) for row in present(mentors.languages)],
            mentor_levels=[
                {skill: level for skill, level in row if level} for row in rows(mentors.skill_level)
            ],
            eligible=mentors.eligible.tolist(),
            similarity=np.asarray(role_similarity, dtype=np.float32).tolist(),
            excluded={(int(i), int(j)) for i, j in pairs},
        )


def score_pair_reference(
    i: int, j: int, pool: ReferencePool, weights: Mapping[str, float]
) -> tuple[float, list[float]] | None:
    """(total, components) of mentee ``i`` and mentor ``j``, or None when a hard filter applies.

    The formula of the package docstring, one pair at a time.
    """
    if not pool.eligible[j] or (i, j) in pool.excluded:
        return None
    if pool.mentee_ids[i] == pool.mentor_ids[j]:
        return None
    if not pool.mentee_languages[i] & pool.mentor_languages[j]:
        return None

    similarity = pool.similarity[pool.target_role[i]]
    role_fit = 0.0
    for role in pool.mentor_roles[j]:
        role_fit = max(role_fit, similarity[role])

    levels = pool.mentor_levels[j]
    gap_total = covered = depth = 0.0
    for skill, weight, required in pool.gaps[i]:
        gap_total += weight
        level = levels.get(skill, 0)
        if level >= required:
            covered += weight
        depth += weight * (min(level, MAX_LEVEL) / float(MAX_LEVEL))
    gap_coverage = covered / gap_total if gap_total > 0 else 1.0
    skill_depth = depth / gap_total if gap_total > 0 else 0.0

    distance = abs(pool.mentee_offset[i] - pool.mentor_offset[j]) % CLOCK_HOURS
    distance = min(distance, CLOCK_HOURS - distance)
    timezone = max(0.0, WORKDAY_HOURS - distance) / WORKDAY_HOURS

    mentee_background = pool.mentee_background[i]
    same = mentee_background >= 0 and mentee_background == pool.mentor_background[j]
    background = 1.0 if same else 0.0

    components = [role_fit, gap_coverage, timezone, background, skill_depth]
    weight_total = total = 0.0
    for name, value in zip(COMPONENTS, components, strict=True):
        weight = float(weights.get(name, 0.0))
        weight_total += weight
        total += weight * value
    return total / weight_total, components


def rank_reference(
    i: int, pool: ReferencePool, weights: Mapping[str, float], k: int = 10
) -> list[tuple[int, float, list[float]]]:
    """Mentee ``i``'s top ``k`` as (mentor index, score rounded to 1e-6, components)."""
    scored = []
    for j in range(len(pool.mentor_ids)):
        pair = score_pair_reference(i, j, pool, weights)
        if pair is not None:
            scored.append((-round(pair[0] * SCORE_SCALE), j, pair[1]))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [(j, -key / SCORE_SCALE, components) for key, j, components in scored[:k]]
