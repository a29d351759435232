"""The engine's formula written pair by pair with lists, dicts and loops (no NumPy vector
operation): the reference the tests check the engine against (identical scores and order) and
the benchmark measures the engine's speed-up over.

`ReferencePool.from_arrays` turns the engine's inputs into plain Python (once, outside timing);
`score_pair_reference` scores one pair, `rank_reference` one mentee's top k.
"""

import math
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
from mentorship.matching.engine.ties import band_width, ticket_reference
from mentorship.matching.engine.urgency import MINOR_SHARE, URGENT_SKILLS


@dataclass(frozen=True, eq=False)
class ReferencePool:
    """The engine's inputs as plain Python lists, sets and dicts (built once, outside timing)."""

    mentee_ids: list[int]
    target_role: list[int]
    mentee_background: list[int]
    mentee_offset: list[float]
    mentee_languages: list[set[int]]
    gaps: list[list[tuple[int, float, int]]]  # (skill, urgency weight, required level), CSR order
    allow_no_overlap: list[bool]
    mentor_ids: list[int]
    mentor_roles: list[list[int]]
    mentor_background: list[int]
    mentor_offset: list[float]
    mentor_languages: list[set[int]]
    mentor_levels: list[dict[int, int]]
    eligible: list[bool]
    seats: list[int]
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
        gaps = []
        for weight_row, level_row in zip(rows(mentees.gap_weight), gap_levels, strict=True):
            urgency = urgency_reference([float(weight) for _, weight in weight_row])
            gaps.append(
                [(skill, urgency[e], level_row[e][1]) for e, (skill, _) in enumerate(weight_row)]
            )
        pairs = [] if exclusions is None else [tuple(pair) for pair in np.asarray(exclusions)]
        return cls(
            mentee_ids=mentees.ids.tolist(),
            target_role=mentees.target_role.tolist(),
            mentee_background=mentees.background.tolist(),
            mentee_offset=mentees.utc_offset.tolist(),
            mentee_languages=[set(row) for row in present(mentees.languages)],
            gaps=gaps,
            allow_no_overlap=mentees.allow_no_overlap.tolist(),
            mentor_ids=mentors.ids.tolist(),
            mentor_roles=present(mentors.roles),
            mentor_background=mentors.background.tolist(),
            mentor_offset=mentors.utc_offset.tolist(),
            mentor_languages=[set(row) for row in present(mentors.languages)],
            mentor_levels=[
                {skill: level for skill, level in row if level} for row in rows(mentors.skill_level)
            ],
            eligible=mentors.eligible.tolist(),
            seats=mentors.free_seats.tolist(),
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
        if level >= required:  # depth too counts only what is held at the required level
            covered += weight
            depth += weight * (min(level, MAX_LEVEL) / float(MAX_LEVEL))
    gap_coverage = covered / gap_total if gap_total > 0 else 1.0
    skill_depth = depth / gap_total if gap_total > 0 else 0.0

    distance = abs(pool.mentee_offset[i] - pool.mentor_offset[j]) % CLOCK_HOURS
    distance = min(distance, CLOCK_HOURS - distance)
    timezone = max(0.0, WORKDAY_HOURS - distance) / WORKDAY_HOURS
    if timezone <= 0 and not pool.allow_no_overlap[i]:
        return None

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
    i: int,
    pool: ReferencePool,
    weights: Mapping[str, float],
    k: int = 10,
    *,
    min_score: float = 0.0,
    tie_band: float = 0.0,
) -> list[tuple[int, float, list[float]]]:
    """Mentee ``i``'s top ``k`` as (mentor index, score rounded to 1e-6, components): pairs
    scoring at least ``min_score``, best band first, then best ticket, then lowest mentor."""
    min_key, band = round(min_score * SCORE_SCALE), band_width(tie_band)
    scored = []
    for j in range(len(pool.mentor_ids)):
        pair = score_pair_reference(i, j, pool, weights)
        if pair is None:
            continue
        key = round(pair[0] * SCORE_SCALE)
        if key < min_key:
            continue
        ticket = ticket_reference(pool.mentee_ids[i], pool.mentor_ids[j], pool.seats[j])
        scored.append((-(key // band), -ticket, j, key, pair[1]))
    scored.sort(key=lambda item: item[:3])
    return [(j, key / SCORE_SCALE, components) for _, _, j, key, components in scored[:k]]


def urgency_reference(priorities: list[float]) -> list[float]:
    """`urgency.urgency_weights` for one mentee's priorities (in CSR order), one at a time."""
    if len(priorities) >= URGENT_SKILLS:
        kth = sorted(priorities, reverse=True)[URGENT_SKILLS - 1]
    else:
        kth = -math.inf
    rest = 0.0
    for g in priorities:
        if not g >= kth:
            rest += g * g
    factor = min(1.0, MINOR_SHARE * (kth * kth) / rest) if rest > 0 else 1.0
    return [g * g if g >= kth else g * g * factor for g in priorities]
