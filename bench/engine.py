"""Engine and assignment benchmarks: the figures printed by `python -m bench engine`, one JSON
line each (see `bench/__main__.py`).

The pool is `mentorship.matching.engine.synthetic.synthetic_pool` (seeded, realistic), and the
speed-up is measured against `mentorship.matching.engine.reference`, the formula written pair by
pair in plain Python.
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

from mentorship.matching.assignment import (
    mentor_prefs_from_scores,
    preferences_from_result,
    stable_assignment,
)
from mentorship.matching.components import COMPONENTS, DEFAULT_WEIGHTS
from mentorship.matching.engine import score, score_chunk
from mentorship.matching.engine.reference import ReferencePool, rank_reference
from mentorship.matching.engine.synthetic import SyntheticPool, synthetic_pool

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
    figure = {"name": name, "value": round(float(value), 3), "unit": unit, "target": target}
    print(json.dumps(figure))
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
