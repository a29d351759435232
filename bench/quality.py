"""Matching quality on planted pools where the right answer is known: `python -m bench quality`.

Pure arrays (no database), the engine and the placement as the run uses them, with the default
weights, floor and tie band. Each figure is printed before (the code of `BEFORE_COMMIT`, the last
landed one before the quality work: its engine read from git, top-10 lists, stable assignment)
and after, in the same run:

- planted best mentor: for 200 mentees of a 2,000 x 300 pool, a mentor who has worked in the
  target role, holds the mentee's most urgent missing skills (the five most urgent and any tied
  with the fifth) at the required level, and shares background, time zone and language: how
  often it is ranked #1 and in the top 3; again with its time zone 1-2 hours off;
- placement, in a pool with more seats than mentees and one with fewer: mentees placed against
  the maximum placeable over the acceptable pairs (a maximum flow), mentees left without a
  suggestion although an acceptable mentor has a free seat, blocking pairs (over every
  acceptable pair), the lowest suggested score, suggestions with no working hour in common, and
  the maximum-placement mode;
- 30 identical capacity-1 mentors and 30 identical mentees: mentees placed, mentors listed;
- concentration: the top 10 % of mentors' share of list slots and of suggestions against their
  share of seats;
- the engine and the placement at 100,000 x 10,000 (BENCH_SCALE=small: 5,000 x 500).
"""

import importlib.util
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_flow

from bench.engine import emit, note
from mentorship.matching.assignment import mentor_prefs_from_scores, stable_assignment
from mentorship.matching.components import DEFAULT_MIN_SCORE, DEFAULT_TIE_BAND, DEFAULT_WEIGHTS
from mentorship.matching.engine import MenteeArrays, MentorArrays, ScoreResult, score
from mentorship.matching.engine.synthetic import SyntheticPool, synthetic_pool
from mentorship.matching.engine.ties import band_width, best_tickets
from mentorship.matching.engine.urgency import URGENT_SKILLS
from mentorship.matching.placement import (
    MAX_PLACEMENTS,
    STABLE,
    Lists,
    blocking_pairs,
    place,
)

ROOT = Path(__file__).resolve().parent.parent
BEFORE_COMMIT = "a13fabb"  # main before the matching-quality work (2026-12-02)
K = 10
PLANTED = 200
SEED = 20261202
BAND = band_width(DEFAULT_TIE_BAND)


@dataclass(frozen=True)
class Engine:
    """One version of the ranking: how it scores a pool into lists."""

    name: str
    lists: "callable"  # (mentees, mentors, similarity, k) -> ScoreResult
    fills: bool  # whether its placement runs fill rounds


def new_engine() -> Engine:
    def lists(mentees, mentors, similarity, k):
        return score(
            mentees,
            mentors,
            similarity,
            DEFAULT_WEIGHTS,
            k=k,
            min_score=DEFAULT_MIN_SCORE,
            tie_band=DEFAULT_TIE_BAND,
        )

    return Engine("after", lists, fills=True)


def before_engine() -> Engine | None:
    """The engine of `BEFORE_COMMIT`, read from git into var/bench (it imports only NumPy)."""
    target = ROOT / "var" / "bench" / "engine_before.py"
    try:
        source = subprocess.run(  # noqa: S603
            ["git", "show", f"{BEFORE_COMMIT}:mentorship/matching/engine.py"],  # noqa: S607
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        note(f"no git history with {BEFORE_COMMIT}: the 'before' figures are skipped")
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source)
    spec = importlib.util.spec_from_file_location("engine_before", target)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def lists(mentees, mentors, similarity, k):
        return _old_score(module, mentees, mentors, similarity, k)

    return Engine("before", lists, fills=False)


def _old_score(module: ModuleType, mentees, mentors, similarity, k) -> ScoreResult:
    old_mentees = module.MenteeArrays(
        ids=mentees.ids,
        target_role=mentees.target_role,
        background=mentees.background,
        utc_offset=mentees.utc_offset,
        languages=mentees.languages,
        gap_weight=mentees.gap_weight,
        gap_level=mentees.gap_level,
    )
    old_mentors = module.MentorArrays(
        ids=mentors.ids,
        roles=mentors.roles,
        background=mentors.background,
        utc_offset=mentors.utc_offset,
        languages=mentors.languages,
        skill_level=mentors.skill_level,
        eligible=mentors.eligible,
    )
    result = module.score(old_mentees, old_mentors, similarity, DEFAULT_WEIGHTS, k=k)
    return ScoreResult(result.mentor_index, result.score, result.components)


# --- pools ----------------------------------------------------------------------------------


def _with_mentors(pool: SyntheticPool, extra: dict) -> MentorArrays:
    """The pool's mentors followed by ``extra`` rows (dense columns), ids after the last."""
    mentors = pool.mentors
    count = len(extra["background"])
    return MentorArrays(
        ids=np.concatenate([mentors.ids, mentors.ids.max() + 1 + np.arange(count)]),
        roles=sp.vstack([mentors.roles, sp.csr_array(np.array(extra["roles"]))]),
        background=np.concatenate([mentors.background, extra["background"]]),
        utc_offset=np.concatenate([mentors.utc_offset, extra["utc_offset"]]),
        languages=sp.vstack([mentors.languages, sp.csr_array(np.array(extra["languages"]))]),
        skill_level=sp.vstack([mentors.skill_level, sp.csr_array(np.array(extra["skills"]))]),
        eligible=np.concatenate([mentors.eligible, np.ones(count, bool)]),
        free_seats=np.concatenate([np.maximum(pool.capacity, 0), np.ones(count, np.int32)]),
    )


def planted_pool(
    tz_off: bool,
) -> tuple[MenteeArrays, MentorArrays, np.ndarray, np.ndarray, np.ndarray]:
    """(mentees, mentors, role similarity, the planted mentees, their planted mentor columns)."""
    pool = synthetic_pool(2000, 300, seed=SEED)
    rng = np.random.default_rng(SEED + 1)
    mentees = pool.mentees
    weight, level = mentees.gap_weight, mentees.gap_level
    sizes = np.diff(weight.indptr)
    chosen = rng.choice(
        np.flatnonzero((sizes >= URGENT_SKILLS + 2) & (mentees.background >= 0)),
        PLANTED,
        replace=False,
    )
    base = pool.mentors.skill_level.toarray()
    roles = np.zeros((PLANTED, pool.mentors.roles.shape[1]), bool)
    skills = base[rng.integers(0, base.shape[0], PLANTED)].copy()  # a regular mentor's skills
    for row, mentee in enumerate(chosen.tolist()):
        roles[row, mentees.target_role[mentee]] = True
        lo, hi = weight.indptr[mentee], weight.indptr[mentee + 1]
        priority = weight.data[lo:hi]
        fifth = np.sort(priority)[::-1][URGENT_SKILLS - 1]
        for entry in np.flatnonzero(priority >= fifth):
            skill = weight.indices[lo + entry]
            skills[row, skill] = max(skills[row, skill], level.data[lo + entry])
    offset = mentees.utc_offset[chosen]
    if tz_off:
        offset = offset + rng.choice([-1.0, 1.0], PLANTED) * rng.uniform(1.0, 2.0, PLANTED)
    mentors = _with_mentors(
        pool,
        {
            "roles": roles,
            "skills": skills,
            "background": mentees.background[chosen],
            "utc_offset": offset.astype(np.float32),
            "languages": mentees.languages[chosen].toarray(),
        },
    )
    return mentees, mentors, pool.role_similarity, chosen, len(pool.mentors) + np.arange(PLANTED)


def seat_pool(n_mentees: int, n_mentors: int, seats_per_mentee: float, seed: int):
    """A pool whose eligible mentors' free seats total about ``seats_per_mentee`` x mentees."""
    pool = synthetic_pool(n_mentees, n_mentors, seed=seed)
    rng = np.random.default_rng(seed)
    eligible = pool.mentors.eligible
    seats = np.where(eligible, rng.integers(1, 6, len(pool.mentors)), 0).astype(np.float64)
    seats = np.where(
        eligible, np.maximum(1, np.round(seats * seats_per_mentee * n_mentees / seats.sum())), 0
    )
    mentors = MentorArrays(
        ids=pool.mentors.ids,
        roles=pool.mentors.roles,
        background=pool.mentors.background,
        utc_offset=pool.mentors.utc_offset,
        languages=pool.mentors.languages,
        skill_level=pool.mentors.skill_level,
        eligible=eligible,
        free_seats=seats.astype(np.int32),
    )
    return pool.mentees, mentors, pool.role_similarity


def identical_pool(count: int = 30):
    one = synthetic_pool(1, 1, seed=SEED)
    mentee, mentor = one.mentees, one.mentors
    mentees = MenteeArrays(
        ids=1 + np.arange(count),
        target_role=np.repeat(mentee.target_role, count),
        background=np.repeat(mentee.background, count),
        utc_offset=np.repeat(mentee.utc_offset, count),
        languages=sp.vstack([mentee.languages] * count),
        gap_weight=sp.vstack([mentee.gap_weight] * count),
        gap_level=sp.vstack([mentee.gap_level] * count),
    )
    mentors = MentorArrays(
        ids=1000 + np.arange(count),
        roles=sp.csr_array(np.ones((count, one.mentors.roles.shape[1]), bool)),
        background=np.repeat(mentee.background, count),
        utc_offset=np.repeat(mentee.utc_offset, count),
        languages=sp.vstack([mentee.languages] * count),
        skill_level=sp.csr_array(
            np.repeat(
                np.maximum(mentor.skill_level.toarray(), mentee.gap_level.toarray()), count, 0
            )
        ),
        eligible=np.ones(count, bool),
        free_seats=np.ones(count, np.int32),
    )
    return mentees, mentors, one.role_similarity


# --- measures -------------------------------------------------------------------------------


def as_lists(
    result: ScoreResult,
    mentees: MenteeArrays,
    mentors: MentorArrays,
    mentee_index: np.ndarray | None = None,
    mentor_index: np.ndarray | None = None,
) -> Lists:
    """The pairs of a result, ``mentee_index`` mapping its rows to mentee indices and
    ``mentor_index`` its mentor columns to the pool's (when scored against some rows only)."""
    row, slot = np.nonzero(result.mentor_index >= 0)
    index = row if mentee_index is None else mentee_index[row]
    mentor = result.mentor_index[row, slot].astype(np.int64)
    if mentor_index is not None:
        mentor = mentor_index[mentor]
    tickets = best_tickets(mentees.ids[index], mentors.ids[mentor], mentors.free_seats[mentor])
    return Lists(index, mentor, result.score[row, slot].astype(np.float64), tickets)


def filler(engine: "Engine", mentees: MenteeArrays, mentors: MentorArrays, similarity) -> Any:
    """The fill rounds' engine call as the run makes it (`suggestions._Filler`): the waiting
    mentees against the mentors with free seats only (their free seats stay the tickets)."""

    def fill(waiting: np.ndarray, spare: np.ndarray) -> Lists:
        keep = np.flatnonzero(mentors.eligible & (spare > 0))
        found = engine.lists(_rows(mentees, waiting), mentors.rows(keep), similarity, K)
        return as_lists(found, mentees, mentors, waiting, keep)

    return fill


def acceptable_pairs(mentees, mentors, similarity) -> Lists:
    """Every acceptable pair (the new rules), each mentee's in its order."""
    result = new_engine().lists(mentees, mentors, similarity, len(mentors))
    return as_lists(result, mentees, mentors).ranked(BAND)


def maximum_placeable(pairs: Lists, seats: np.ndarray, n: int) -> int:
    m = seats.shape[0]
    source, sink = n + m, n + m + 1
    tails = np.concatenate([np.full(n, source), pairs.mentee, n + np.arange(m)])
    heads = np.concatenate([np.arange(n), n + pairs.mentor, np.full(m, sink)])
    capacity = np.concatenate([np.ones(n + len(pairs), np.int32), seats.astype(np.int32)])
    graph = sp.csr_array((capacity, (tails, heads)), shape=(n + m + 2, n + m + 2))
    return int(maximum_flow(graph, source, sink).flow_value)


def placed_by(engine: Engine, mentees, mentors, similarity, mode: str = STABLE):
    """(assignment, the top-k lists, every pair considered) as the run would make them."""
    result = engine.lists(mentees, mentors, similarity, K)
    lists = as_lists(result, mentees, mentors)
    seats = mentors.free_seats.astype(np.int64) * mentors.eligible
    if not engine.fills:  # before: deferred acceptance over the top-10 lists, nothing more
        prefs = [row[row >= 0].tolist() for row in result.mentor_index]
        values = [
            s[r >= 0].tolist() for r, s in zip(result.mentor_index, result.score, strict=True)
        ]
        mentor_prefs = mentor_prefs_from_scores(prefs, values, n_mentors=len(mentors))
        return stable_assignment(prefs, mentor_prefs, seats.tolist()), lists, lists

    fill = filler(engine, mentees, mentors, similarity)
    placement = place(lists, seats, len(mentees), band=BAND, fill=fill, mode=mode)
    return placement.assigned, lists, placement.considered


def _rows(mentees: MenteeArrays, rows: np.ndarray) -> MenteeArrays:
    return MenteeArrays(
        ids=mentees.ids[rows],
        target_role=mentees.target_role[rows],
        background=mentees.background[rows],
        utc_offset=mentees.utc_offset[rows],
        languages=mentees.languages[rows],
        gap_weight=mentees.gap_weight[rows],
        gap_level=mentees.gap_level[rows],
        allow_no_overlap=mentees.allow_no_overlap[rows],
    )


def top_decile_shares(counts: np.ndarray, seats: np.ndarray) -> tuple[float, float]:
    """(share of `counts` held by the top 10 % of mentors by `counts`, their share of seats)."""
    order = np.argsort(-counts, kind="stable")[: max(1, int(np.ceil(0.1 * counts.shape[0])))]
    return counts[order].sum() / max(counts.sum(), 1), seats[order].sum() / max(seats.sum(), 1)


def planted_figures(engines: list[Engine]) -> None:
    for tz_off, label in ((False, ""), (True, "_tz_1_2h_off")):
        mentees, mentors, similarity, chosen, planted = planted_pool(tz_off)
        for engine in engines:
            result = engine.lists(mentees, mentors, similarity, K)
            rows = result.mentor_index[chosen]
            first = float(np.mean(rows[:, 0] == planted))
            top3 = float(np.mean((rows[:, :3] == planted[:, None]).any(axis=1)))
            target = ">= 0.90" if tz_off else ">= 0.95"
            emit(f"quality_planted{label}_first_{engine.name}", first, "share", target)
            if not tz_off:
                emit(f"quality_planted_top3_{engine.name}", top3, "share", ">= 0.99")


def placement_figures(engines: list[Engine]) -> None:
    pools = {
        "more_seats": seat_pool(2000, 300, 1.1, SEED + 2),
        "fewer_seats": seat_pool(2000, 300, 0.7, SEED + 3),
    }
    for name, (mentees, mentors, similarity) in pools.items():
        seats = mentors.free_seats.astype(np.int64) * mentors.eligible
        acceptable = acceptable_pairs(mentees, mentors, similarity)
        best = maximum_placeable(acceptable, seats, len(mentees))
        note(f"{name}: {int(seats.sum())} seats, {len(mentees)} mentees, {best} placeable")
        runs = [(engine, STABLE) for engine in engines] + [(engines[-1], MAX_PLACEMENTS)]
        for engine, mode in runs:
            assigned, lists, considered = placed_by(engine, mentees, mentors, similarity, mode)
            tag = engine.name if mode == STABLE else "after_max_placements"
            placed = assigned >= 0
            load = np.bincount(assigned[placed], minlength=len(mentors))
            free = load < seats
            unplaced = ~placed[acceptable.mentee]
            stranded = np.unique(acceptable.mentee[unplaced & free[acceptable.mentor]]).shape[0]
            emit(
                f"quality_{name}_placed_share_of_max_{tag}", placed.sum() / best, "share", ">= 0.98"
            )
            emit(f"quality_{name}_stranded_{tag}", stranded, "mentees", "== 0")
            if mode == STABLE:
                emit(
                    f"quality_{name}_blocking_pairs_considered_{tag}",
                    blocking_pairs(acceptable, seats, assigned, among=considered),
                    "pairs",
                    "== 0",
                )
                emit(
                    f"quality_{name}_blocking_pairs_any_acceptable_{tag}",
                    blocking_pairs(acceptable, seats, assigned),
                    "pairs",
                    "(pairs it did not consider)",
                )
            else:
                emit(
                    f"quality_{name}_placed_minus_max_{tag}", placed.sum() - best, "mentees", "== 0"
                )
            chosen = {(int(i), int(j)) for i, j in enumerate(assigned.tolist()) if j >= 0}
            suggested = [
                (i, j, s)
                for i, j, s in zip(
                    lists.mentee.tolist(), lists.mentor.tolist(), lists.score.tolist(), strict=True
                )
                if (i, j) in chosen
            ]
            if suggested:
                emit(
                    f"quality_{name}_lowest_listed_suggestion_{tag}",
                    min(s for *_, s in suggested),
                    "score",
                    f">= {DEFAULT_MIN_SCORE}",
                )
            overlap = np.abs(mentees.utc_offset[placed] - mentors.utc_offset[assigned[placed]]) % 24
            overlap = np.minimum(overlap, 24 - overlap)
            emit(
                f"quality_{name}_suggestions_without_overlap_{tag}",
                int((overlap >= 9).sum()),
                "suggestions",
                "== 0",
            )
            if mode == STABLE:
                slots = np.bincount(lists.mentor, minlength=len(mentors))
                slot_share, seat_share = top_decile_shares(slots, seats)
                sugg_share, sugg_seat_share = top_decile_shares(load, seats)
                emit(
                    f"quality_{name}_top10pct_list_slot_share_{tag}",
                    slot_share,
                    "share",
                    f"(their seats: {seat_share:.3f})",
                )
                emit(
                    f"quality_{name}_top10pct_suggestion_share_{tag}",
                    sugg_share,
                    "share",
                    f"<= {sugg_seat_share + 0.05:.3f} (seats + 5 points)",
                )


def identical_figures(engines: list[Engine]) -> None:
    mentees, mentors, similarity = identical_pool()
    for engine in engines:
        assigned, lists, _ = placed_by(engine, mentees, mentors, similarity)
        emit(
            f"quality_identical_30x30_placed_{engine.name}",
            int((assigned >= 0).sum()),
            "mentees",
            "== 30",
        )
        emit(
            f"quality_identical_30x30_mentors_listed_{engine.name}",
            np.unique(lists.mentor).shape[0],
            "mentors",
            "== 30",
        )


def scale_figures() -> None:
    """The engine's top-k lists of the whole pool, then the placement alone (deferred acceptance
    and the fill rounds, whose engine calls count as placement), beside the deferred acceptance
    over the top-k lists that was all the placement did before."""
    small = os.environ.get("BENCH_SCALE", "full") == "small"
    n, m = (5_000, 500) if small else (100_000, 10_000)
    pool = synthetic_pool(n, m)
    mentors = MentorArrays(
        ids=pool.mentors.ids,
        roles=pool.mentors.roles,
        background=pool.mentors.background,
        utc_offset=pool.mentors.utc_offset,
        languages=pool.mentors.languages,
        skill_level=pool.mentors.skill_level,
        eligible=pool.mentors.eligible,
        free_seats=np.maximum(pool.capacity, 0).astype(np.int32),
    )
    engine = new_engine()
    started, cpu = time.perf_counter(), time.process_time()
    result = engine.lists(pool.mentees, mentors, pool.role_similarity, K)
    emit(f"quality_engine_{n}x{m}_seconds", time.perf_counter() - started, "s", "<= 15")
    emit(f"quality_engine_{n}x{m}_cpu_seconds", time.process_time() - cpu, "s", "<= 15")
    lists = as_lists(result, pool.mentees, mentors)
    seats = mentors.free_seats.astype(np.int64) * mentors.eligible

    fill = filler(engine, pool.mentees, mentors, pool.role_similarity)
    started, cpu = time.perf_counter(), time.process_time()
    placement = place(lists, seats, n, band=BAND, fill=fill)
    emit(f"quality_placement_{n}x{m}_seconds", time.perf_counter() - started, "s", "<= 5")
    # The CPU time of this process beside the wall time: on a machine shared with other work,
    # the wall time also counts the time other processes held the cores.
    emit(f"quality_placement_{n}x{m}_cpu_seconds", time.process_time() - cpu, "s", "<= 5")
    prefs = [row[row >= 0].tolist() for row in result.mentor_index]
    values = [s[r >= 0].tolist() for r, s in zip(result.mentor_index, result.score, strict=True)]
    started, cpu = time.perf_counter(), time.process_time()
    mentor_prefs = mentor_prefs_from_scores(prefs, values, n_mentors=m)
    before = stable_assignment(prefs, mentor_prefs, seats.tolist())
    emit(
        f"quality_top_k_deferred_acceptance_{n}x{m}_seconds",
        time.perf_counter() - started,
        "s",
        "(the placement before)",
    )
    emit(
        f"quality_top_k_deferred_acceptance_{n}x{m}_cpu_seconds",
        time.process_time() - cpu,
        "s",
        "(the placement before)",
    )
    note(
        f"{n}x{m}: {int((placement.assigned >= 0).sum())} of {n} mentees placed in "
        f"{placement.fill_rounds} fill round(s); {int((before >= 0).sum())} by the top-k alone"
    )


def main() -> int:
    engines = [engine for engine in (before_engine(), new_engine()) if engine is not None]
    planted_figures(engines)
    placement_figures(engines)
    identical_figures(engines)
    scale_figures()
    return 0


if __name__ == "__main__":
    sys.exit(main())
