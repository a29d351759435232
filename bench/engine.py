"""Engine and assignment benchmarks, a seeded synthetic pool, and a per-pair Python reference.

- `synthetic_pool`: realistic mentees and mentors (~300 skills, 5-15 skills per person, the five
  roles with overlapping requirements, time zones around the world, 1-3 languages with English
  common, skill gaps weighted like the profiles' `skill_gap`), vectorised and seeded.
- `ReferencePool` / `score_pair_reference` / `rank_reference`: the engine's formula written pair
  by pair with lists, dicts and loops (no NumPy vector operation), used by the tests and the
  benchmark to check identical scores and to measure the speed-up.
- `main`: the figures printed by `python -m bench`, one JSON line each (see `bench/__main__.py`).
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from mentorship.matching.assignment import (
    mentor_prefs_from_scores,
    preferences_from_result,
    stable_assignment,
)
from mentorship.matching.engine import (
    COMPONENTS,
    SCORE_SCALE,
    MenteeArrays,
    MentorArrays,
    score,
    score_chunk,
)

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
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "role_fit": 0.30,
    "gap_coverage": 0.35,
    "timezone": 0.15,
    "background": 0.10,
    "skill_depth": 0.10,
}


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


# --------------------------------------------------------------------------------------------
# The per-pair reference: plain Python over lists and dicts
# --------------------------------------------------------------------------------------------


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

    The formula of `mentorship.matching.engine`, one pair at a time.
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
        depth += weight * (min(level, 5) / 5.0)
    gap_coverage = covered / gap_total if gap_total > 0 else 1.0
    skill_depth = depth / gap_total if gap_total > 0 else 0.0

    distance = abs(pool.mentee_offset[i] - pool.mentor_offset[j]) % 24.0
    distance = min(distance, 24.0 - distance)
    timezone = max(0.0, 9.0 - distance) / 9.0

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


# --------------------------------------------------------------------------------------------
# The benchmark: `python -m bench` (BENCH_SCALE=small for a quick run)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    mentees: int
    mentors: int
    reference_sample: int  # mentees ranked by the per-pair Python reference
    package_mentees: int  # the `matching` package instance, full preference lists
    package_mentors: int


SCALES = {
    "full": Scale(100_000, 10_000, reference_sample=20, package_mentees=2000, package_mentors=200),
    "small": Scale(5_000, 500, reference_sample=50, package_mentees=1000, package_mentors=100),
}
SEED = 20240601
K = 10
CHUNK_SIZE = 1024
ONE_MENTEE_RUNS = 50


def emit(name: str, value: float, unit: str, target: str) -> None:
    """One figure, one JSON line on stdout."""
    print(json.dumps({"name": name, "value": round(value, 3), "unit": unit, "target": target}))
    sys.stdout.flush()


def note(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def engine_run(mentees: int, mentors: int, output: str) -> None:
    """Child process: generate the pool, score it once, save the result, print time and peak RSS.

    A process of its own, so that its peak RSS is the engine's (with the pool it scores).
    """
    pool = synthetic_pool(mentees, mentors, seed=SEED)
    started = time.perf_counter()
    result = score(
        pool.mentees,
        pool.mentors,
        pool.role_similarity,
        DEFAULT_WEIGHTS,
        k=K,
        chunk_size=CHUNK_SIZE,
        workers=_workers(),
    )
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    np.savez(
        output,
        mentor_index=result.mentor_index,
        score=result.score,
        components=result.components,
    )
    print(json.dumps({"seconds": seconds, "peak_mib": peak_mib}))


def _engine_in_child(scale: Scale, output: str) -> dict[str, float]:
    command = [sys.executable, "-m", "bench", "_engine-run"]
    command += [str(scale.mentees), str(scale.mentors), output]
    completed = subprocess.run(  # noqa: S603 - this interpreter, this package
        command, check=True, capture_output=True, text=True
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _one_mentee_ms(pool: SyntheticPool) -> float:
    """Median time to rank one mentee against the whole mentor pool, preparation included."""
    times = []
    for i in range(min(ONE_MENTEE_RUNS, len(pool.mentees))):
        started = time.perf_counter()
        score_chunk(
            pool.mentees, pool.mentors, pool.role_similarity, DEFAULT_WEIGHTS, i, i + 1, k=K
        )
        times.append(time.perf_counter() - started)
    return float(np.median(times) * 1000)


def _reference_seconds_per_mentee(
    pool: SyntheticPool, result: Mapping[str, np.ndarray], sample_size: int
) -> float:
    """Rank a sample of mentees with the Python reference; check the engine gives the same."""
    reference = ReferencePool.from_arrays(pool.mentees, pool.mentors, pool.role_similarity)
    sample = np.linspace(0, len(pool.mentees) - 1, sample_size, dtype=np.int64).tolist()
    started = time.perf_counter()
    ranked = [rank_reference(i, reference, DEFAULT_WEIGHTS, K) for i in sample]
    seconds = time.perf_counter() - started
    for i, expected in zip(sample, ranked, strict=True):
        count = len(expected)
        index = result["mentor_index"][i]
        scores = np.array([value for _, value, _ in expected], dtype=np.float32)
        components = np.array([parts for _, _, parts in expected], dtype=np.float32)
        components = components.reshape(-1, len(COMPONENTS))
        if (
            index[:count].tolist() != [j for j, _, _ in expected]
            or (index[count:] >= 0).any()
            or not np.array_equal(result["score"][i, :count], scores)
            or not np.array_equal(result["components"][i, :count], components)
        ):
            raise AssertionError(f"the engine and the reference differ for mentee {i}")
    return seconds / len(sample)


def _assignment_seconds(pool: SyntheticPool, result: Mapping[str, np.ndarray]) -> float:
    """Mentor preferences from the scores, then the stable assignment over the top-k lists."""
    started = time.perf_counter()
    mentee_prefs, scores = preferences_from_result(result["mentor_index"], result["score"])
    mentor_prefs = mentor_prefs_from_scores(mentee_prefs, scores, n_mentors=len(pool.mentors))
    assigned = stable_assignment(mentee_prefs, mentor_prefs, pool.capacity.tolist())
    seconds = time.perf_counter() - started
    taken = np.bincount(assigned[assigned >= 0], minlength=len(pool.mentors))
    if (taken > pool.capacity).any():
        raise AssertionError("the assignment exceeds a capacity")
    note(f"assignment: {int((assigned >= 0).sum())} of {len(assigned)} mentees placed")
    return seconds


def _package_solve(
    mentee_prefs: list[list[int]], mentor_prefs: list[list[int]], capacity: list[int]
) -> tuple[np.ndarray, float, float]:
    """The `matching` package's resident-optimal matching, total and solve-only seconds.

    Its deep copies recurse once per player link: it runs in a thread with a large stack.
    """
    from matching.games import HospitalResident  # a test/benchmark dependency only

    outcome: dict[str, Any] = {}

    def solve() -> None:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(1_000_000)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                started = time.perf_counter()
                game = HospitalResident.create_from_dictionaries(
                    dict(enumerate(mentee_prefs)),
                    dict(enumerate(mentor_prefs)),
                    dict(enumerate(capacity)),
                )
                solving = time.perf_counter()
                outcome["matching"] = game.solve(optimal="resident")
                done = time.perf_counter()
            outcome["seconds"] = (done - started, done - solving)
        except BaseException as error:  # reported in the calling thread
            outcome["error"] = error
        finally:
            sys.setrecursionlimit(limit)

    stack = threading.stack_size(1 << 30)
    try:
        thread = threading.Thread(target=solve)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(stack)
    if "error" in outcome:
        raise outcome["error"]
    assigned = np.full(len(mentee_prefs), -1, dtype=np.int64)
    for hospital, residents in outcome["matching"].items():
        for resident in residents:
            assigned[resident.name] = hospital.name
    total, solve_only = outcome["seconds"]
    return assigned, total, solve_only


def _package_comparison(scale: Scale) -> tuple[float, float]:
    """Speed-up over the `matching` package (total, solve-only) on full preference lists."""
    rng = np.random.default_rng(SEED)
    n, m = scale.package_mentees, scale.package_mentors
    mentee_prefs = [rng.permutation(m).tolist() for _ in range(n)]
    mentor_prefs = [rng.permutation(n).tolist() for _ in range(m)]
    capacity = rng.integers(5, 16, size=m).tolist()
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        ours = stable_assignment(mentee_prefs, mentor_prefs, capacity)
        runs.append(time.perf_counter() - started)
    ours_seconds = float(np.median(runs))
    theirs, total, solve_only = _package_solve(mentee_prefs, mentor_prefs, capacity)
    if not np.array_equal(ours, theirs):
        raise AssertionError("stable_assignment and the matching package disagree")
    note(
        f"matching package {n}x{m}: {total:.2f} s ({solve_only:.2f} s solving), "
        f"ours {ours_seconds * 1000:.1f} ms, same matching"
    )
    return total / ours_seconds, solve_only / ours_seconds


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_engine-run"]:
        engine_run(int(argv[1]), int(argv[2]), argv[3])
        return 0
    scale_name = os.environ.get("BENCH_SCALE", "full")
    if scale_name not in SCALES:
        note(f"BENCH_SCALE must be one of {sorted(SCALES)}")
        return 2
    scale = SCALES[scale_name]
    size = f"{scale.mentees}x{scale.mentors}"
    note(f"scale {scale_name}: {size}, k={K}, {_workers()} worker thread(s)")

    with tempfile.TemporaryDirectory() as directory:
        output = os.path.join(directory, "result.npz")
        child = _engine_in_child(scale, output)
        with np.load(output) as saved:
            result = {name: saved[name] for name in saved.files}
    emit(f"engine_{size}_k{K}_seconds", child["seconds"], "s", "<= 15")
    emit(f"engine_{size}_k{K}_peak_rss", child["peak_mib"], "MiB", "<= 1024")

    pool = synthetic_pool(scale.mentees, scale.mentors, seed=SEED)
    emit(f"engine_one_mentee_vs_{scale.mentors}_ms", _one_mentee_ms(pool), "ms", "<= 20")

    per_mentee = _reference_seconds_per_mentee(pool, result, scale.reference_sample)
    extrapolated = per_mentee * scale.mentees
    note(
        f"python reference: {per_mentee * 1000:.0f} ms per mentee, {extrapolated:.0f} s for the "
        f"pool (extrapolated from {scale.reference_sample}); identical lists and scores"
    )
    emit("engine_speedup_vs_python_reference", extrapolated / child["seconds"], "x", ">= 100")

    emit(f"assignment_{size}_top{K}_seconds", _assignment_seconds(pool, result), "s", "<= 5")

    total, solve_only = _package_comparison(scale)
    pair = f"{scale.package_mentees}x{scale.package_mentors}"
    emit(f"assignment_speedup_vs_matching_package_{pair}", total, "x", ">= 100")
    emit(f"assignment_speedup_vs_matching_package_{pair}_solve_only", solve_only, "x", ">= 100")
    return 0
