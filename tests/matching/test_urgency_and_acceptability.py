"""The gap terms put the most urgent skills first; pairs below the floor or with no working hour
in common are not acceptable; improving a mentor never lowers their score."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorship.matching.components import DEFAULT_WEIGHTS
from mentorship.matching.engine import score
from mentorship.matching.engine.reference import (
    ReferencePool,
    score_pair_reference,
    urgency_reference,
)
from mentorship.matching.engine.synthetic import synthetic_pool
from mentorship.matching.engine.urgency import MINOR_SHARE, urgency_weights
from tests.matching.test_engine import mentee, mentor, ranked, run

URGENT = {"python": (9.0, 3), "sql": (8.0, 3), "spark": (7.0, 3), "kafka": (6.0, 3)}
URGENT["airflow"] = (5.0, 3)
MINOR = {"pandas": (4.0, 2), "scikit-learn": (3.5, 2), "pytorch": (3.0, 2)}


def test_the_mentor_with_the_five_most_urgent_skills_outranks_one_with_more_minor_ones():
    gap = {**URGENT, **MINOR}
    urgent_five = mentor(id=2, skills=dict.fromkeys(URGENT, 3))
    four_and_all_minor = mentor(
        id=1, skills={**dict.fromkeys(list(URGENT)[:4], 3), **dict.fromkeys(MINOR, 2)}
    )
    # The second holds more of the gap's priority (30 + 10.5 against 35): flat priorities, the
    # old gap coverage, ranked it first.
    held_priority = [
        sum(gap[s][0] for s in held["skills"]) for held in (urgent_five, four_and_all_minor)
    ]
    assert held_priority[1] > held_priority[0]

    result = run([mentee(gap=gap)], [four_and_all_minor, urgent_five], DEFAULT_WEIGHTS, k=2)

    assert ranked(result) == [1, 0]


def test_one_more_urgent_skill_outweighs_every_minor_skill_together():
    priorities = [9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 4.0, 3.0, 3.0, 2.0, 1.0]
    gap_weight = sp.csr_array(np.array([priorities], dtype=np.float32))
    weights = urgency_weights(gap_weight, 0, 1)
    urgent, minor = weights[:5], weights[5:]
    assert minor.sum() < urgent.min()
    assert minor.sum() == pytest.approx(MINOR_SHARE * urgent.min())
    assert list(np.argsort(-weights, kind="stable")) == list(range(len(priorities)))
    assert weights.tolist() == urgency_reference(priorities)


def test_a_tie_with_the_fifth_most_urgent_skill_is_urgent_too():
    priorities = [9.0, 8.0, 7.0, 6.0, 5.0, 5.0, 1.0]
    weights = urgency_weights(sp.csr_array(np.array([priorities], dtype=np.float32)), 0, 1)
    assert weights[5] == weights[4] == 25.0
    assert weights[6] < weights[5]


def test_pairs_under_the_floor_are_not_listed():
    mentors = [mentor(id=1, skills={"spark": 4}), mentor(id=2, roles=[])]
    gap = {"spark": (1.0, 3)}
    everyone = run([mentee(gap=gap)], mentors, DEFAULT_WEIGHTS, k=2)
    floor = float(everyone.score[0, 1]) + 0.01

    floored = run([mentee(gap=gap)], mentors, DEFAULT_WEIGHTS, k=2, min_score=floor)

    assert ranked(everyone) == [0, 1]
    assert ranked(floored) == [0]


def test_no_working_hour_in_common_is_unacceptable_unless_the_mentee_allows_it():
    mentors = [mentor(id=1, tz=0.0), mentor(id=2, tz=12.0), mentor(id=3, tz=9.0)]

    strict = run([mentee(tz=0.0)], mentors, k=3)
    relaxed = run([mentee(tz=0.0, allow_no_overlap=True)], mentors, k=3)

    assert ranked(strict) == [0]  # nine hours apart: the two working days do not meet
    assert sorted(ranked(relaxed)) == [0, 1, 2]


@pytest.fixture(scope="module")
def reference_pool():
    pool = synthetic_pool(40, 60, seed=5)
    return pool, ReferencePool.from_arrays(pool.mentees, pool.mentors, pool.role_similarity)


@settings(max_examples=200, deadline=None)
@given(
    mentee_index=st.integers(0, 39),
    mentor_index=st.integers(0, 59),
    skill=st.integers(0, 299),
    level=st.integers(1, 5),
)
def test_raising_a_mentors_skill_level_never_lowers_their_score(
    reference_pool, mentee_index, mentor_index, skill, level
):
    _, reference = reference_pool
    before = score_pair_reference(mentee_index, mentor_index, reference, DEFAULT_WEIGHTS)
    levels = reference.mentor_levels[mentor_index]
    improved = dict(levels)
    improved[skill] = max(levels.get(skill, 0), level)
    reference.mentor_levels[mentor_index] = improved
    try:
        after = score_pair_reference(mentee_index, mentor_index, reference, DEFAULT_WEIGHTS)
    finally:
        reference.mentor_levels[mentor_index] = levels
    if before is None:
        return
    assert after is not None
    assert after[0] >= before[0]
    assert 0.0 <= after[0] <= 1.0


def test_the_engine_equals_the_reference_with_a_floor_bands_and_seats(reference_pool):
    from mentorship.matching.engine.reference import rank_reference

    pool, reference = reference_pool
    result = score(
        pool.mentees,
        pool.mentors,
        pool.role_similarity,
        DEFAULT_WEIGHTS,
        k=10,
        min_score=0.3,
        tie_band=0.02,
    )
    for i in range(len(pool.mentees)):
        expected = rank_reference(i, reference, DEFAULT_WEIGHTS, k=10, min_score=0.3, tie_band=0.02)
        got = [j for j in result.mentor_index[i].tolist() if j >= 0]
        assert got == [j for j, _, _ in expected]
        assert result.score[i, : len(got)].tolist() == [
            float(np.float32(value)) for _, value, _ in expected
        ]
