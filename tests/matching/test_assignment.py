"""Stable assignment (hospitals/residents): stability, capacities, and the `matching` package.

Random instances come from hypothesis (seeds and sizes) in two families: independent preference
lists on the two sides, and both sides ranking by the pair score, as the service does today.
"""

import warnings
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

from mentorship.matching import assignment
from mentorship.matching.assignment import (
    mentor_prefs_from_scores,
    preferences_from_result,
    stable_assignment,
)

Prefs = list[list[int]]
SETTINGS = settings(max_examples=150, deadline=None, database=None)


def _ranks(mentor_prefs: Sequence[Sequence[int]]) -> list[dict[int, int]]:
    ranks: list[dict[int, int]] = []
    for prefs in mentor_prefs:
        rank: dict[int, int] = {}
        for position, mentee in enumerate(prefs):
            rank.setdefault(mentee, position)
        ranks.append(rank)
    return ranks


def check_stable(
    result: np.ndarray, mentee_prefs: Prefs, mentor_prefs: Prefs, capacity: list[int]
) -> None:
    """Capacities hold, matched pairs are mutually acceptable, and no pair blocks."""
    ranks = _ranks(mentor_prefs)
    held: list[list[int]] = [[] for _ in mentor_prefs]
    assert result.shape == (len(mentee_prefs),)
    for mentee, mentor in enumerate(result.tolist()):
        if mentor >= 0:
            held[mentor].append(mentee)
            assert mentor in mentee_prefs[mentee], "a mentee got a mentor it did not list"
            assert mentee in ranks[mentor], "a mentor got a mentee it does not accept"
        else:
            assert mentor == -1
    for mentor, mentees in enumerate(held):
        assert len(mentees) <= capacity[mentor], "capacity exceeded"
    for mentee, prefs in enumerate(mentee_prefs):
        mine = int(result[mentee])
        better = prefs if mine < 0 else prefs[: prefs.index(mine)]
        for mentor in better:
            if mentee not in ranks[mentor] or capacity[mentor] == 0:
                continue
            has_room = len(held[mentor]) < capacity[mentor]
            worst = max((ranks[mentor][other] for other in held[mentor]), default=-1)
            assert not has_room, f"blocking pair ({mentee}, {mentor}): the mentor has room"
            assert ranks[mentor][mentee] > worst, f"blocking pair ({mentee}, {mentor})"


def package_solution(
    mentee_prefs: Prefs, mentor_prefs: Prefs, capacity: list[int], optimal: str = "resident"
) -> np.ndarray:
    """The `matching` package's stable matching on the mutually acceptable pairs."""
    ranks = _ranks(mentor_prefs)
    residents: dict[int, list[int]] = {}
    for mentee, prefs in enumerate(mentee_prefs):
        listed = [
            j
            for position, j in enumerate(prefs)
            if j not in prefs[:position] and mentee in ranks[j] and capacity[j] > 0
        ]
        if listed:
            residents[mentee] = listed
    hospitals = {
        mentor: sorted(
            (i for i, listed in residents.items() if mentor in listed), key=rank.__getitem__
        )
        for mentor, rank in enumerate(ranks)
    }
    hospitals = {mentor: prefs for mentor, prefs in hospitals.items() if prefs}
    result = np.full(len(mentee_prefs), -1, dtype=np.int64)
    if not residents:
        return result
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(
            residents, hospitals, {mentor: capacity[mentor] for mentor in hospitals}
        )
        matching = game.solve(optimal=optimal)
    for hospital, matched in matching.items():
        for resident in matched:
            result[resident.name] = hospital.name
    return result


def independent_instance(seed: int, n: int, m: int) -> tuple[Prefs, Prefs, list[int]]:
    """Each side lists a random subset of the other in a random order (repeats allowed)."""
    rng = np.random.default_rng(seed)
    mentee_prefs = [rng.permutation(m)[: rng.integers(0, m + 1)].tolist() for _ in range(n)]
    mentor_prefs = [[int(i) for i in rng.permutation(n) if rng.random() < 0.8] for _ in range(m)]
    if n and m and rng.random() < 0.3:  # a repeated entry on each side
        mentee_prefs[0] = mentee_prefs[0] + mentee_prefs[0][:1]
        mentor_prefs[0] = mentor_prefs[0] + mentor_prefs[0][:1]
    capacity = rng.integers(0, 4, size=m).tolist()
    return mentee_prefs, mentor_prefs, capacity


def scored_instance(
    seed: int, n: int, m: int, distinct: bool = False
) -> tuple[Prefs, Prefs, list[int], list[list[float]]]:
    """Both sides by the pair score: each mentee lists its top-k acceptable mentors."""
    rng = np.random.default_rng(seed)
    scores = rng.random((n, m)) if distinct else np.round(rng.random((n, m)), 1)
    acceptable = rng.random((n, m)) < 0.85
    k = int(rng.integers(1, m + 1))
    mentee_prefs, mentee_scores = [], []
    for i in range(n):
        order = [j for j in np.lexsort((np.arange(m), -scores[i])) if acceptable[i, j]][:k]
        mentee_prefs.append([int(j) for j in order])
        mentee_scores.append([float(scores[i, j]) for j in order])
    mentor_prefs = mentor_prefs_from_scores(mentee_prefs, mentee_scores, n_mentors=m)
    capacity = rng.integers(0, 4, size=m).tolist()
    return mentee_prefs, mentor_prefs, capacity, mentee_scores


sizes = {
    "seed": st.integers(0, 2**32 - 1),
    "n": st.integers(0, 25),
    "m": st.integers(1, 8),
}


@SETTINGS
@given(**sizes)
def test_independent_preferences_stable_and_mentee_optimal(seed: int, n: int, m: int) -> None:
    mentee_prefs, mentor_prefs, capacity = independent_instance(seed, n, m)
    result = stable_assignment(mentee_prefs, mentor_prefs, capacity)
    check_stable(result, mentee_prefs, mentor_prefs, capacity)
    assert result.tolist() == package_solution(mentee_prefs, mentor_prefs, capacity).tolist()


@SETTINGS
@given(**sizes)
def test_both_sides_by_score_stable_and_mentee_optimal(seed: int, n: int, m: int) -> None:
    mentee_prefs, mentor_prefs, capacity, _ = scored_instance(seed, n, m)
    result = stable_assignment(mentee_prefs, mentor_prefs, capacity)
    check_stable(result, mentee_prefs, mentor_prefs, capacity)
    assert result.tolist() == package_solution(mentee_prefs, mentor_prefs, capacity).tolist()


@SETTINGS
@given(**sizes)
def test_with_distinct_scores_the_stable_matching_is_unique(seed: int, n: int, m: int) -> None:
    mentee_prefs, mentor_prefs, capacity, _ = scored_instance(seed, n, m, distinct=True)
    result = stable_assignment(mentee_prefs, mentor_prefs, capacity)
    mentor_optimal = package_solution(mentee_prefs, mentor_prefs, capacity, optimal="hospital")
    assert result.tolist() == mentor_optimal.tolist()


@pytest.mark.parametrize("seed", range(5))
def test_the_sort_join_path_gives_the_dense_path_result(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    mentee_prefs, mentor_prefs, capacity = independent_instance(seed, 300, 40)
    dense = stable_assignment(mentee_prefs, mentor_prefs, capacity)
    monkeypatch.setattr(assignment, "_DENSE_RANKS", 0)
    joined = stable_assignment(mentee_prefs, mentor_prefs, capacity)
    assert dense.tolist() == joined.tolist()
    check_stable(joined, mentee_prefs, mentor_prefs, capacity)


def test_a_mentor_trades_up_and_the_displaced_mentee_moves_on() -> None:
    # A and B want X then Y, C wants only X; X prefers C > A > B, Y prefers A > B.
    mentee_prefs = [[0, 1], [0, 1], [0]]
    mentor_prefs = [[2, 0, 1], [0, 1]]
    result = stable_assignment(mentee_prefs, mentor_prefs, [1, 1])
    assert result.tolist() == [1, -1, 0]


def test_capacity_unacceptable_mentees_and_empty_lists() -> None:
    mentee_prefs = [[0], [0], [0], [1], []]
    mentor_prefs = [[2, 1, 0], [3]]
    assert stable_assignment(mentee_prefs, mentor_prefs, [2, 0]).tolist() == [-1, 0, 0, -1, -1]
    # A mentor who lists nobody accepts nobody, even with room.
    assert stable_assignment([[0]], [[]], [5]).tolist() == [-1]
    assert stable_assignment([], [[]], [1]).tolist() == []


def test_invalid_input_is_refused() -> None:
    with pytest.raises(ValueError, match="capacity"):
        stable_assignment([[0]], [[0]], [1, 1])
    with pytest.raises(ValueError, match="capacity"):
        stable_assignment([[0]], [[0]], [-1])
    with pytest.raises(ValueError, match="mentee_prefs"):
        stable_assignment([[3]], [[0]], [1])
    with pytest.raises(ValueError, match="mentor_prefs"):
        stable_assignment([[0]], [[1]], [1])


def test_mentor_prefs_from_scores_ranks_by_score_then_mentee() -> None:
    mentee_prefs = [[1, 0], [0], [0, 2], [0]]
    scores = [[0.9, 0.5], [0.7], [0.7, 0.2], [0.95]]
    assert mentor_prefs_from_scores(mentee_prefs, scores) == [[3, 1, 2, 0], [0], [2]]
    assert mentor_prefs_from_scores(mentee_prefs, scores, n_mentors=4)[3] == []
    with pytest.raises(ValueError, match="lengths"):
        mentor_prefs_from_scores([[0, 1]], [[0.5]])


def test_preferences_from_the_engine_result_drop_the_padding() -> None:
    index = np.array([[4, 2, -1], [-1, -1, -1]], dtype=np.int32)
    score = np.array([[0.9, 0.5, 0.0], [0.0, 0.0, 0.0]], dtype=np.float32)
    prefs, values = preferences_from_result(index, score)
    assert prefs == [[4, 2], []]
    assert values[0] == pytest.approx([0.9, 0.5])
    assert values[1] == []
