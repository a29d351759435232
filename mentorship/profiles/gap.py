"""The skill-gap formula, as a pure function: the API's skill gap and the matching features use it.

- A requirement is missing when the mentee's level is below the required one; a skill that job
  descriptions mention but the role does not list is missing below `UNLISTED_LEVEL`, at
  `UNLISTED_IMPORTANCE`.
- `demand` of a skill: the share of the mentee's job descriptions that mention it.
- `priority = importance * (1 + 2 * demand) * (required - current) / required`: core skills first,
  raised by how often postings ask for them (the seeds' advice), and by how far off the mentee is.
- `coverage`: the importance-weighted share of the role's requirements met (1.0 if it lists none).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

UNLISTED_IMPORTANCE = 1
UNLISTED_LEVEL = 3


@dataclass(frozen=True)
class GapItem:
    skill_id: int
    required_level: int
    current_level: int
    importance: int
    demand: float
    priority: float


def gap_items(
    *,
    requirements: Sequence[tuple[int, int, int]],
    levels: Mapping[int, int],
    mentions: Mapping[int, int],
    job_count: int,
) -> list[GapItem]:
    """Missing skills, most urgent first (ties by skill id).

    `requirements`: (skill id, importance, required level) of the target role; `levels`: the
    mentee's skill id -> level; `mentions`: skill id -> number of the mentee's job descriptions
    that mention it, out of `job_count`.
    """
    items = [
        GapItem(
            skill_id,
            required,
            levels.get(skill_id, 0),
            importance,
            _demand(mentions.get(skill_id, 0), job_count),
            priority,
        )
        for skill_id, importance, required, priority in _missing(
            requirements=requirements, levels=levels, mentions=mentions, job_count=job_count
        )
    ]
    items.sort(key=lambda gap: (-gap.priority, gap.skill_id))
    return items


def gap_priorities(
    *,
    requirements: Sequence[tuple[int, int, int]],
    levels: Mapping[int, int],
    mentions: Mapping[int, int],
    job_count: int,
) -> list[tuple[int, int, float]]:
    """(skill id, required level, priority) of each missing skill, unsorted: what `gap_items`
    says, without the objects (the matching features load it for thousands of mentees)."""
    return [
        (skill_id, required, priority)
        for skill_id, _, required, priority in _missing(
            requirements=requirements, levels=levels, mentions=mentions, job_count=job_count
        )
    ]


def _missing(
    *,
    requirements: Sequence[tuple[int, int, int]],
    levels: Mapping[int, int],
    mentions: Mapping[int, int],
    job_count: int,
) -> list[tuple[int, int, int, float]]:
    """(skill id, importance, required level, priority): the listed requirements not met, then
    the skills job descriptions mention that the role does not list."""
    missing = [
        (
            skill_id,
            importance,
            required,
            _priority(
                importance,
                _demand(mentions.get(skill_id, 0), job_count),
                required,
                levels.get(skill_id, 0),
            ),
        )
        for skill_id, importance, required in requirements
        if levels.get(skill_id, 0) < required
    ]
    if mentions:
        listed = {skill_id for skill_id, _, _ in requirements}
        missing += [
            (
                skill_id,
                UNLISTED_IMPORTANCE,
                UNLISTED_LEVEL,
                _priority(
                    UNLISTED_IMPORTANCE,
                    _demand(mentions[skill_id], job_count),
                    UNLISTED_LEVEL,
                    levels.get(skill_id, 0),
                ),
            )
            for skill_id in sorted(mentions)
            if skill_id not in listed
            and mentions[skill_id]
            and levels.get(skill_id, 0) < UNLISTED_LEVEL
        ]
    return missing


@lru_cache(maxsize=4096)
def _demand(mentioned: int, job_count: int) -> float:
    return round(mentioned / job_count, 3) if job_count else 0.0


@lru_cache(maxsize=4096)  # few distinct inputs: importances, levels and demands are small sets
def _priority(importance: int, demand: float, required: int, current: int) -> float:
    return round(importance * (1 + 2 * demand) * (required - current) / required, 3)


def coverage(*, requirements: Sequence[tuple[int, int, int]], levels: Mapping[int, int]) -> float:
    total = sum(importance for _, importance, _ in requirements)
    met = sum(
        importance
        for skill_id, importance, required in requirements
        if levels.get(skill_id, 0) >= required
    )
    return round(met / total, 3) if total else 1.0
