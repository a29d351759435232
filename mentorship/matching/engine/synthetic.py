"""Seeded synthetic pools for tests and benchmarks: realistic mentees and mentors as the engine's
arrays, built vectorised.

About 300 skills, 5-15 skills per person, the five roles with overlapping requirements, time
zones around the world, 1-3 languages with English common, and skill gaps weighted like the
profiles' skill gap (importance * (1 + 2 * demand) * shortfall).
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from mentorship.matching.engine.arrays import MenteeArrays, MentorArrays

ROLES = (
    "data-engineer",
    "data-analyst",
    "data-scientist",
    "machine-learning-engineer",
    "machine-learning-researcher",
)
ROLE_SHARE = (0.22, 0.26, 0.28, 0.16, 0.08)
BACKGROUNDS = 12  # software engineering, physics, economics, biology, ...
LANGUAGES = 12  # 0 is English
# (UTC offset, share of people): the Americas, Europe/Africa, India, Asia-Pacific, the edges.
TIMEZONES = (
    (-10.0, 0.005),
    (-8.0, 0.09),
    (-7.0, 0.03),
    (-6.0, 0.05),
    (-5.0, 0.12),
    (-4.0, 0.02),
    (-3.5, 0.005),
    (-3.0, 0.05),
    (0.0, 0.07),
    (1.0, 0.13),
    (2.0, 0.06),
    (3.0, 0.04),
    (3.5, 0.01),
    (4.0, 0.01),
    (5.0, 0.02),
    (5.5, 0.11),
    (5.75, 0.005),
    (7.0, 0.02),
    (8.0, 0.08),
    (9.0, 0.03),
    (9.5, 0.005),
    (10.0, 0.02),
    (12.0, 0.01),
    (13.0, 0.005),
    (14.0, 0.005),
)


@dataclass(frozen=True, eq=False)
class SyntheticPool:
    mentees: MenteeArrays
    mentors: MentorArrays
    role_similarity: np.ndarray
    capacity: np.ndarray  # free places per mentor (0 when not eligible)


def _first_distinct(draws: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, value) of the first ``counts[row]`` distinct values of each row of ``draws``."""
    order = np.argsort(draws, axis=1, kind="stable")
    ordered = np.take_along_axis(draws, order, axis=1)
    first_sorted = np.ones_like(ordered, dtype=bool)
    first_sorted[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.empty_like(first_sorted)
    np.put_along_axis(first, order, first_sorted, axis=1)
    rank = np.cumsum(first, axis=1) - 1
    row, column = np.nonzero(first & (rank < counts[:, None]))
    return row, draws[row, column]


def _skill_sets(
    rng: np.random.Generator,
    roles: np.ndarray,
    required: np.ndarray,
    popularity: np.ndarray,
    role_share: float,
) -> tuple[np.ndarray, np.ndarray]:
    """5-15 distinct skills per person, ``role_share`` of them drawn from their role's needs."""
    n = roles.shape[0]
    draws = 30
    lists = [np.flatnonzero(row) for row in required]
    table = np.zeros((len(lists), max(len(items) for items in lists)), dtype=np.int64)
    for index, items in enumerate(lists):
        table[index, : len(items)] = items
    sizes = np.array([len(items) for items in lists])
    pick = (rng.random((n, draws)) * sizes[roles][:, None]).astype(np.int64)
    from_role = table[roles[:, None], pick]
    anywhere = rng.choice(popularity.shape[0], size=(n, draws), p=popularity)
    chosen = np.where(rng.random((n, draws)) < role_share, from_role, anywhere)
    return _first_distinct(chosen, np.asarray(rng.integers(5, 16, size=n)))


def _languages(rng: np.random.Generator, n: int, english: float) -> sp.csr_array:
    counts = rng.choice([1, 2, 3], size=n, p=[0.5, 0.35, 0.15])
    others = rng.integers(1, LANGUAGES, size=(n, 3))
    first = np.where(rng.random(n) < english, 0, others[:, 0])
    draws = np.column_stack([first, others[:, 1:]])
    row, language = _first_distinct(draws, counts)
    data = np.ones(row.shape[0], dtype=bool)
    return sp.csr_array((data, (row, language)), shape=(n, LANGUAGES))


def _backgrounds(rng: np.random.Generator, n: int) -> np.ndarray:
    share = np.linspace(2.0, 0.5, BACKGROUNDS)
    values = rng.choice(BACKGROUNDS, size=n, p=share / share.sum()).astype(np.int32)
    return np.where(rng.random(n) < 0.1, -1, values).astype(np.int32)


def _offsets(rng: np.random.Generator, n: int) -> np.ndarray:
    offsets = np.array([offset for offset, _ in TIMEZONES], dtype=np.float32)
    share = np.array([share for _, share in TIMEZONES])
    return offsets[rng.choice(offsets.shape[0], size=n, p=share / share.sum())]


def synthetic_pool(
    n_mentees: int, n_mentors: int, seed: int = 20240601, skills: int = 300
) -> SyntheticPool:
    """A reproducible pool of ``n_mentees`` mentees and ``n_mentors`` mentors."""
    rng = np.random.default_rng(seed)
    roles = len(ROLES)

    # Taxonomy: each role requires 12-16 skills (a shared core plus its own), levels 2-5,
    # importance 1-3; similarity is the importance-weighted Jaccard overlap of requirements.
    popularity = 1.0 / np.arange(1, skills + 1) ** 0.8
    popularity /= popularity.sum()
    required = np.zeros((roles, skills), dtype=np.int8)
    importance = np.zeros((roles, skills), dtype=np.int8)
    core = np.arange(6)  # python, sql, statistics, git, ...
    for role in range(roles):
        own = rng.choice(np.arange(6, 90), size=rng.integers(8, 11), replace=False)
        picked = np.concatenate([rng.choice(core, size=4, replace=False), own])
        required[role, picked] = rng.choice([2, 3, 4, 5], size=picked.size, p=[0.2, 0.4, 0.3, 0.1])
        importance[role, picked] = rng.choice([1, 2, 3], size=picked.size, p=[0.3, 0.4, 0.3])
    weight = importance.astype(np.float64)
    low = np.minimum(weight[:, None, :], weight[None, :, :]).sum(axis=2)
    high = np.maximum(weight[:, None, :], weight[None, :, :]).sum(axis=2)
    similarity = (low / high).astype(np.float32)
    np.fill_diagonal(similarity, 1.0)

    # Mentors: a main role and sometimes a second one, deeper skills, capacity and eligibility.
    main_role = rng.choice(roles, size=n_mentors, p=ROLE_SHARE)
    second = (main_role + rng.integers(1, roles, size=n_mentors)) % roles
    has_second = rng.random(n_mentors) < 0.35
    role_row = np.concatenate([np.arange(n_mentors), np.flatnonzero(has_second)])
    role_col = np.concatenate([main_role, second[has_second]])
    mentor_roles = sp.csr_array(
        (np.ones(role_row.shape[0], dtype=bool), (role_row, role_col)), shape=(n_mentors, roles)
    )
    row, skill = _skill_sets(rng, main_role, required, popularity, role_share=0.7)
    level = rng.choice([2, 3, 4, 5], size=row.shape[0], p=[0.15, 0.3, 0.35, 0.2]).astype(np.int8)
    skill_level = sp.csr_array((level, (row, skill)), shape=(n_mentors, skills))
    capacity = rng.integers(1, 6, size=n_mentors)
    load = rng.binomial(capacity, 0.3)
    eligible = (rng.random(n_mentors) < 0.9) & (rng.random(n_mentors) < 0.92) & (load < capacity)
    mentors = MentorArrays(
        ids=10_000_000 + 3 * np.arange(n_mentors, dtype=np.int64),
        roles=mentor_roles,
        background=_backgrounds(rng, n_mentors),
        utc_offset=_offsets(rng, n_mentors),
        languages=_languages(rng, n_mentors, english=0.88),
        skill_level=skill_level,
        eligible=eligible,
    )

    # Mentees: one target role, shallower skills, the gap to the role's requirements weighted by
    # importance * (1 + 2 * demand) * (required - current) / required, like `skill_gap`.
    target = rng.choice(roles, size=n_mentees, p=ROLE_SHARE).astype(np.int32)
    row, skill = _skill_sets(rng, target, required, popularity, role_share=0.35)
    level = rng.choice([1, 2, 3, 4], size=row.shape[0], p=[0.35, 0.35, 0.2, 0.1]).astype(np.int8)
    gap_rows, gap_skills, gap_weights, gap_levels = [], [], [], []
    block = 20_000
    for start in range(0, n_mentees, block):
        stop = min(start + block, n_mentees)
        inside = (row >= start) & (row < stop)
        have = np.zeros((stop - start, skills), dtype=np.int8)
        have[row[inside] - start, skill[inside]] = level[inside]
        need = required[target[start:stop]]
        local, column = np.nonzero(need > have)
        demand = rng.choice([0.0, 0.25, 0.5, 0.75, 1.0], size=local.shape[0])
        wanted = need[local, column].astype(np.float64)
        shortfall = (wanted - have[local, column]) / wanted
        gap_weights.append(importance[target[start + local], column] * (1 + 2 * demand) * shortfall)
        gap_rows.append(start + local)
        gap_skills.append(column)
        gap_levels.append(need[local, column])
    gap_row = np.concatenate(gap_rows) if gap_rows else np.zeros(0, dtype=np.int64)
    gap_skill = np.concatenate(gap_skills) if gap_skills else np.zeros(0, dtype=np.int64)
    gap_weight = np.concatenate(gap_weights) if gap_weights else np.zeros(0)
    gap_level = np.concatenate(gap_levels) if gap_levels else np.zeros(0, dtype=np.int8)
    mentees = MenteeArrays(
        ids=1 + 2 * np.arange(n_mentees, dtype=np.int64),
        target_role=target,
        background=_backgrounds(rng, n_mentees),
        utc_offset=_offsets(rng, n_mentees),
        languages=_languages(rng, n_mentees, english=0.82),
        gap_weight=sp.csr_array(
            (gap_weight.astype(np.float32), (gap_row, gap_skill)), shape=(n_mentees, skills)
        ),
        gap_level=sp.csr_array((gap_level, (gap_row, gap_skill)), shape=(n_mentees, skills)),
    )
    free = np.where(eligible, capacity - load, 0)
    return SyntheticPool(mentees, mentors, similarity, free)
