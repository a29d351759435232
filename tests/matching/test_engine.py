"""The scoring engine on hand-made profiles, its filters and order, chunking, and the reference.

Pure NumPy: no database, no Django import in the code under test.
"""

from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp

from mentorship.matching import engine
from mentorship.matching.components import DEFAULT_WEIGHTS
from mentorship.matching.engine import (
    COMPONENTS,
    MenteeArrays,
    MentorArrays,
    ScoreResult,
    kernels,
    score,
    score_chunk,
    timezone_overlap,
)
from mentorship.matching.engine.exact import ranking_order
from mentorship.matching.engine.reference import (
    ReferencePool,
    rank_reference,
    score_pair_reference,
)
from mentorship.matching.engine.synthetic import synthetic_pool
from mentorship.matching.engine.ties import ticket_reference

ROLES = ["data-engineer", "data-analyst", "data-scientist", "ml-engineer", "ml-researcher"]
SKILLS = ["python", "sql", "spark", "kafka", "airflow", "pandas", "scikit-learn", "pytorch"]
LANGUAGES = ["en", "es", "de"]
BACKGROUNDS = ["software-engineering", "physics", "economics"]
SIMILARITY = np.array(
    [
        [1.0, 0.3, 0.4, 0.5, 0.1],
        [0.3, 1.0, 0.6, 0.2, 0.1],
        [0.4, 0.6, 1.0, 0.5, 0.4],
        [0.5, 0.2, 0.5, 1.0, 0.4],
        [0.1, 0.1, 0.4, 0.4, 1.0],
    ],
    dtype=np.float32,
)
EQUAL = dict.fromkeys(COMPONENTS, 1.0)
ROLE, GAP, TZ, BG, DEPTH = range(len(COMPONENTS))


def _rows(items: Sequence[Mapping[int, Any]], width: int, dtype: Any) -> sp.csr_array:
    rows = [r for r, item in enumerate(items) for _ in item]
    cols = [c for item in items for c in item]
    data = [v for item in items for v in item.values()]
    return sp.csr_array(
        (np.array(data, dtype=dtype), (np.array(rows, dtype=int), np.array(cols, dtype=int))),
        shape=(len(items), width),
    )


def mentee(
    role: str = "data-engineer",
    gap: Mapping[str, tuple[float, int]] | None = None,
    tz: float = 0.0,
    languages: Sequence[str] = ("en",),
    background: str | None = None,
    id: int | None = None,
    allow_no_overlap: bool = False,
) -> dict[str, Any]:
    return {
        "role": role,
        "gap": gap or {},
        "tz": tz,
        "languages": languages,
        "background": background,
        "id": id,
        "allow_no_overlap": allow_no_overlap,
    }


def mentor(
    roles: Sequence[str] = ("data-engineer",),
    skills: Mapping[str, int] | None = None,
    tz: float = 0.0,
    languages: Sequence[str] = ("en",),
    background: str | None = None,
    eligible: bool = True,
    id: int | None = None,
    seats: int = 1,
) -> dict[str, Any]:
    return {
        "roles": roles,
        "skills": skills or {},
        "tz": tz,
        "languages": languages,
        "background": background,
        "eligible": eligible,
        "id": id,
        "seats": seats,
    }


def _background(name: str | None) -> int:
    return -1 if name is None else BACKGROUNDS.index(name)


def mentee_arrays(people: Sequence[dict[str, Any]]) -> MenteeArrays:
    return MenteeArrays(
        ids=np.array([p["id"] if p["id"] is not None else 1000 + i for i, p in enumerate(people)]),
        target_role=np.array([ROLES.index(p["role"]) for p in people]),
        background=np.array([_background(p["background"]) for p in people]),
        utc_offset=np.array([p["tz"] for p in people], dtype=np.float32),
        languages=_rows(
            [dict.fromkeys((LANGUAGES.index(x) for x in p["languages"]), True) for p in people],
            len(LANGUAGES),
            bool,
        ),
        gap_weight=_rows(
            [{SKILLS.index(s): w for s, (w, _) in p["gap"].items()} for p in people],
            len(SKILLS),
            np.float32,
        ),
        gap_level=_rows(
            [{SKILLS.index(s): lv for s, (_, lv) in p["gap"].items()} for p in people],
            len(SKILLS),
            np.int8,
        ),
        allow_no_overlap=np.array([p["allow_no_overlap"] for p in people], dtype=bool),
    )


def mentor_arrays(people: Sequence[dict[str, Any]]) -> MentorArrays:
    return MentorArrays(
        ids=np.array([p["id"] if p["id"] is not None else 1 + i for i, p in enumerate(people)]),
        roles=_rows(
            [dict.fromkeys((ROLES.index(r) for r in p["roles"]), True) for p in people],
            len(ROLES),
            bool,
        ),
        background=np.array([_background(p["background"]) for p in people]),
        utc_offset=np.array([p["tz"] for p in people], dtype=np.float32),
        languages=_rows(
            [dict.fromkeys((LANGUAGES.index(x) for x in p["languages"]), True) for p in people],
            len(LANGUAGES),
            bool,
        ),
        skill_level=_rows(
            [{SKILLS.index(s): lv for s, lv in p["skills"].items()} for p in people],
            len(SKILLS),
            np.int8,
        ),
        eligible=np.array([p["eligible"] for p in people], dtype=bool),
        free_seats=np.array([p["seats"] for p in people], dtype=np.int32),
    )


def run(
    mentees: Sequence[dict[str, Any]],
    mentors: Sequence[dict[str, Any]],
    weights: Mapping[str, float] = EQUAL,
    **options: Any,
) -> ScoreResult:
    return score(mentee_arrays(mentees), mentor_arrays(mentors), SIMILARITY, weights, **options)


def _f32(values: Any) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def ranked(result: ScoreResult, row: int = 0) -> list[int]:
    return [j for j in result.mentor_index[row].tolist() if j >= 0]


def components_of(result: ScoreResult, mentor_index: int, row: int = 0) -> np.ndarray:
    (position,) = np.flatnonzero(result.mentor_index[row] == mentor_index)
    return result.components[row, position]


# --------------------------------------------------------------------------------------------
# A ranking that reads like a user story
# --------------------------------------------------------------------------------------------


def test_data_engineering_mentee_ranks_the_data_engineer_with_spark_and_kafka_first() -> None:
    aspiring = mentee(
        role="data-engineer",
        gap={"spark": (3.0, 3), "kafka": (3.0, 3), "airflow": (1.0, 2)},
        tz=1.0,
        background="physics",
    )
    mentors = [
        mentor(roles=["data-scientist"], skills={"python": 5, "pandas": 5, "scikit-learn": 4}),
        mentor(roles=["data-engineer"], skills={"python": 4, "sql": 4}, tz=1.0),
        mentor(roles=["data-engineer"], skills={"spark": 4, "kafka": 4, "airflow": 3}, tz=2.0),
        mentor(roles=["ml-engineer"], skills={"spark": 3, "pytorch": 5}, tz=1.0),
        mentor(roles=["data-analyst"], skills={"sql": 5}, tz=-5.0),
    ]
    result = run([aspiring], mentors, DEFAULT_WEIGHTS)
    order = ranked(result)
    assert order[0] == 2
    first = components_of(result, 2)
    assert first[ROLE] == 1.0
    assert first[GAP] == 1.0
    assert first[TZ] == pytest.approx(8 / 9)
    # Then the ML engineer who covers Spark, before the data engineer who covers nothing; the
    # data scientist and the analyst six hours away come last.
    assert order == [2, 3, 1, 0, 4]
    assert result.score[0, :5].tolist() == sorted(result.score[0, :5].tolist(), reverse=True)


# --------------------------------------------------------------------------------------------
# Each component on hand-made profiles
# --------------------------------------------------------------------------------------------


def test_role_fit_is_one_for_the_target_role_partial_for_similar_roles_zero_without_roles() -> None:
    mentors = [
        mentor(roles=["data-engineer"]),
        mentor(roles=["data-analyst", "data-scientist"]),
        mentor(roles=["ml-researcher"]),
        mentor(roles=[]),
    ]
    result = run([mentee(role="data-engineer")], mentors, {"role_fit": 1.0}, k=4)
    assert components_of(result, 0)[ROLE] == 1.0
    assert components_of(result, 1)[ROLE] == pytest.approx(0.4)  # max(0.3, 0.4)
    assert components_of(result, 2)[ROLE] == pytest.approx(0.1)
    assert components_of(result, 3)[ROLE] == 0.0
    assert ranked(result) == [0, 1, 2, 3]
    assert result.score[0].tolist() == pytest.approx([1.0, 0.4, 0.1, 0.0])


def test_gap_coverage_is_the_urgency_weighted_share_held_at_the_required_level() -> None:
    gap = {"spark": (3.0, 3), "kafka": (2.0, 3), "airflow": (1.0, 2)}
    mentors = [
        mentor(skills={"spark": 3, "kafka": 2, "airflow": 5}),  # spark + airflow: 9 + 1 of 14
        mentor(skills={"spark": 2, "kafka": 2}),  # below every required level: 0
        mentor(skills={"spark": 5, "kafka": 4, "airflow": 2}),  # all: 1
        mentor(skills={"python": 5}),
    ]
    result = run([mentee(gap=gap)], mentors, {"gap_coverage": 1.0}, k=4)
    # Fewer than five missing skills: all urgent, each weighing its priority squared.
    assert components_of(result, 0)[GAP] == pytest.approx(10 / 14)
    assert components_of(result, 1)[GAP] == 0.0
    assert components_of(result, 2)[GAP] == 1.0
    assert components_of(result, 3)[GAP] == 0.0
    assert ranked(result)[:2] == [2, 0]


def test_skill_depth_weighs_the_mentor_level_in_the_missing_skills_held_at_the_level() -> None:
    gap = {"spark": (3.0, 3), "kafka": (2.0, 3), "airflow": (1.0, 2)}
    mentors = [
        mentor(skills={"spark": 3, "kafka": 2, "airflow": 5}),
        mentor(skills={"sql": 5}),
        mentor(skills={"spark": 2, "kafka": 2, "airflow": 1}),  # all below the required level
    ]
    result = run([mentee(gap=gap)], mentors, {"skill_depth": 1.0, "timezone": 1.0}, k=3)
    # Kafka at 2 of a required 3 is not held: it adds no depth (it used to add 2/5 of its weight).
    expected = (9 * 3 / 5 + 1 * 5 / 5) / 14
    assert components_of(result, 0)[DEPTH] == pytest.approx(expected)
    assert components_of(result, 1)[DEPTH] == 0.0
    assert components_of(result, 2)[DEPTH] == 0.0


def test_an_empty_gap_is_fully_covered_and_has_no_depth() -> None:
    zero_weight = {"spark": (0.0, 3)}
    result = run(
        [mentee(gap={}), mentee(gap=zero_weight)], [mentor(skills={"spark": 5})], EQUAL, k=1
    )
    for row in range(2):
        assert result.components[row, 0, GAP] == 1.0
        assert result.components[row, 0, DEPTH] == 0.0


@pytest.mark.parametrize(
    ("a", "b", "hours"),
    [
        (0.0, 0.0, 9.0),
        (1.0, -1.0, 7.0),
        (0.0, 5.5, 3.5),
        (5.75, 0.0, 3.25),
        (-5.0, 5.0, 0.0),  # ten hours apart: no overlap
        (0.0, 9.0, 0.0),
        (0.0, 8.75, 0.25),
        (14.0, -10.0, 9.0),  # the same clock time, a day apart
        (12.0, -11.0, 8.0),  # across the date line: one hour apart
        (-10.0, 13.0, 8.0),
    ],
)
def test_timezone_overlap_of_working_days_on_a_24_hour_circle(
    a: float, b: float, hours: float
) -> None:
    assert timezone_overlap(a, b) == pytest.approx(hours / 9)
    assert timezone_overlap(b, a) == pytest.approx(hours / 9)
    result = run([mentee(tz=a)], [mentor(tz=b)], {"timezone": 1.0})
    assert result.components[0, 0, TZ] == pytest.approx(hours / 9)


def test_background_counts_only_the_same_known_background() -> None:
    mentors = [
        mentor(background="physics"),
        mentor(background="economics"),
        mentor(background=None),
    ]
    result = run([mentee(background="physics")], mentors, {"background": 1.0}, k=3)
    assert [components_of(result, j)[BG] for j in range(3)] == [1.0, 0.0, 0.0]
    nobody = run([mentee(background=None)], mentors, {"background": 1.0}, k=3)
    assert nobody.components[0, :, BG].tolist() == [0.0, 0.0, 0.0]


def test_total_is_the_weighted_mean_of_the_components() -> None:
    weights = {"role_fit": 2.0, "gap_coverage": 3.0, "timezone": 1.0, "background": 0.5}
    gap = {"spark": (2.0, 3), "kafka": (1.0, 2)}
    mentors = [
        mentor(roles=["data-scientist"], skills={"spark": 4}, tz=3.0, background="physics"),
        mentor(roles=["data-engineer"], skills={"kafka": 2}, tz=-2.0),
    ]
    result = run([mentee(gap=gap, background="physics")], mentors, weights, k=2)
    vector = np.array([weights.get(name, 0.0) for name in COMPONENTS])
    for position in range(2):
        expected = result.components[0, position].astype(np.float64) @ vector / vector.sum()
        assert result.score[0, position] == pytest.approx(expected, abs=1e-6)
    assert ((result.score >= 0) & (result.score <= 1)).all()


@pytest.mark.parametrize(
    "weights",
    [{}, {"role_fit": 0.0}, {"role_fit": -1.0}, {"charisma": 1.0}, {"timezone": float("nan")}],
)
def test_invalid_weights_are_refused(weights: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="weight"):
        run([mentee()], [mentor()], weights)


# --------------------------------------------------------------------------------------------
# Hard filters
# --------------------------------------------------------------------------------------------


def test_a_mentor_sharing_no_language_never_appears() -> None:
    mentors = [
        mentor(languages=["de"], skills={"spark": 5}),
        mentor(languages=["es", "en"]),
        mentor(languages=["de", "es"]),
    ]
    result = run([mentee(languages=["en"]), mentee(languages=["es", "de"])], mentors, k=3)
    assert ranked(result, 0) == [1]
    assert sorted(ranked(result, 1)) == [0, 1, 2]


def test_ineligible_mentors_never_appear() -> None:
    mentors = [mentor(eligible=False, skills={"spark": 5}), mentor(roles=["data-analyst"])]
    result = run([mentee(gap={"spark": (1.0, 3)})], mentors, k=5)
    assert ranked(result) == [1]


def test_excluded_pairs_never_appear_and_only_for_that_mentee() -> None:
    result = run([mentee(), mentee()], [mentor(), mentor()], k=2, exclusions=[(0, 1)])
    assert ranked(result, 0) == [0]
    assert ranked(result, 1) == [0, 1]


def test_a_person_is_never_matched_with_themselves() -> None:
    result = run([mentee(id=7)], [mentor(id=3), mentor(id=7), mentor(id=9)], k=3)
    assert ranked(result) == [0, 2]


def test_without_any_candidate_the_row_is_all_padding() -> None:
    result = run([mentee(languages=["de"])], [mentor(languages=["en"])], k=3)
    assert result.mentor_index.tolist() == [[-1, -1, -1]]
    assert result.score.tolist() == [[0.0, 0.0, 0.0]]
    assert not result.components.any()


# --------------------------------------------------------------------------------------------
# Order, ties, padding
# --------------------------------------------------------------------------------------------


def _by_ticket(mentee_id: int, mentors: Sequence[dict[str, Any]], indices: Sequence[int]) -> list:
    """Mentor indices in the order of their best tickets for this mentee (see `ties`)."""
    ids = mentor_arrays(mentors).ids
    return sorted(
        indices,
        key=lambda j: (-ticket_reference(mentee_id, int(ids[j]), mentors[j]["seats"]), j),
    )


def test_exact_ties_are_ordered_by_the_mentors_tickets_not_by_their_ids() -> None:
    mentors = [mentor(id=10), mentor(id=20, tz=5.0), mentor(id=30), mentor(id=40)]
    result = run([mentee(id=7)], mentors, k=4)
    assert ranked(result) == [*_by_ticket(7, mentors, [0, 2, 3]), 1]
    assert result.score[0, 0] == result.score[0, 1] == result.score[0, 2] > result.score[0, 3]


def test_ties_across_many_tiles_are_ordered_by_tickets_and_the_best_still_comes_first() -> None:
    count = 3 * 512 + 17
    mentors = [mentor() for _ in range(count)]
    mentors[1500] = mentor(skills={"spark": 4})
    mentors[3] = mentor(languages=["de"])
    result = run([mentee(gap={"spark": (1.0, 3)}, id=7)], mentors, k=10)
    tied = [j for j in range(count) if j not in (1500, 3)]
    assert ranked(result) == [1500, *_by_ticket(7, mentors, tied)[:9]]


def test_identical_mentors_share_the_identical_mentees_lists() -> None:
    """30 identical mentors with one seat each, 30 identical mentees, lists of 10: every mentor
    is in some list and none crowds them (ranked by id, the same 10 were in every list)."""
    mentees = [mentee(id=100 + number) for number in range(30)]
    mentors = [mentor(id=1 + number) for number in range(30)]
    result = run(mentees, mentors, k=10)
    slots = np.bincount(result.mentor_index.reshape(-1), minlength=30)
    assert slots.sum() == 300
    assert slots.min() >= 3
    assert slots.max() <= 20


def test_list_slots_among_equals_follow_free_seats() -> None:
    """Among equals, a mentor with three free seats comes first about three times as often."""
    mentees = [mentee(id=100 + number) for number in range(1200)]
    mentors = [mentor(id=1 + number, seats=1 if number < 5 else 3) for number in range(10)]
    result = run(mentees, mentors, k=1)
    firsts = np.bincount(result.mentor_index[:, 0], minlength=10)
    one_seat, three_seats = firsts[:5].sum(), firsts[5:].sum()
    assert 2.0 < three_seats / one_seat < 4.5


def test_near_ties_within_a_band_share_and_a_better_band_always_comes_first() -> None:
    mentors = [
        mentor(id=1, tz=0.1),  # 0.9889
        mentor(id=2, tz=0.3),  # 0.9667: a little less overlap, the same band [0.95, 1.0)
        mentor(id=3, tz=1.5),  # 0.8333: clearly less, a lower band
    ]
    weights = {"timezone": 1.0}
    firsts = {
        ranked(run([mentee(id=100 + number)], mentors, weights, k=3, tie_band=0.05))[0]
        for number in range(40)
    }
    assert firsts == {0, 1}
    strict = run([mentee(id=100)], mentors, weights, k=3)  # exact ties only: by score
    assert ranked(strict) == [0, 1, 2]
    for number in range(40):
        assert ranked(run([mentee(id=100 + number)], mentors, weights, k=3, tie_band=0.05))[2] == 2


def test_k_larger_than_the_candidates_pads_with_minus_one() -> None:
    result = run([mentee()], [mentor(), mentor(eligible=False), mentor(tz=3.0)], k=5)
    assert result.mentor_index.tolist() == [[0, 2, -1, -1, -1]]
    assert result.score[0, 2:].tolist() == [0.0, 0.0, 0.0]
    assert result.mentor_index.dtype == np.int32
    assert result.score.dtype == np.float32
    assert result.components.shape == (1, 5, len(COMPONENTS))
    assert result.components.dtype == np.float32


def test_no_eligible_mentor_and_no_mentee() -> None:
    result = run([mentee(), mentee()], [mentor(eligible=False)], k=2)
    assert (result.mentor_index == -1).all()
    empty = score(
        mentee_arrays([]), mentor_arrays([mentor()]), SIMILARITY, EQUAL, k=3
    )  # no mentee at all
    assert empty.mentor_index.shape == (0, 3)


def test_invalid_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="ascending"):
        mentor_arrays([mentor(id=5), mentor(id=2)])
    with pytest.raises(ValueError, match="role"):
        score(mentee_arrays([mentee()]), mentor_arrays([mentor()]), SIMILARITY[:1, :1], EQUAL)
    with pytest.raises(ValueError, match="sparsity"):
        MenteeArrays(
            ids=np.array([1]),
            target_role=np.array([0]),
            background=np.array([-1]),
            utc_offset=np.array([0.0]),
            languages=[[True]],
            gap_weight=[[1.0, 0.0]],
            gap_level=[[0, 3]],
        )
    with pytest.raises(ValueError, match="exclusions"):
        run([mentee()], [mentor()], exclusions=[(0, 5)])
    with pytest.raises(ValueError, match="k must be"):
        run([mentee()], [mentor()], k=0)


# --------------------------------------------------------------------------------------------
# Chunks, threads, and the per-pair reference
# --------------------------------------------------------------------------------------------


def _same(a: ScoreResult, b: ScoreResult) -> bool:
    return (
        np.array_equal(a.mentor_index, b.mentor_index)
        and np.array_equal(a.score, b.score)
        and np.array_equal(a.components, b.components)
    )


@pytest.fixture(scope="module")
def pool() -> Any:
    return synthetic_pool(700, 1300, seed=11)


@pytest.fixture(scope="module")
def exclusions(pool: Any) -> np.ndarray:
    rng = np.random.default_rng(5)
    return np.column_stack(
        [rng.integers(0, len(pool.mentees), 3000), rng.integers(0, len(pool.mentors), 3000)]
    )


def test_chunked_equals_unchunked_and_chunks_can_run_anywhere(
    pool: Any, exclusions: np.ndarray
) -> None:
    args = (pool.mentees, pool.mentors, pool.role_similarity, DEFAULT_WEIGHTS)
    whole = score(*args, k=10, chunk_size=len(pool.mentees), exclusions=exclusions)
    for chunk_size in (1, 64, 333):
        assert _same(whole, score(*args, k=10, chunk_size=chunk_size, exclusions=exclusions))
    assert _same(whole, score(*args, k=10, chunk_size=50, exclusions=exclusions, workers=2))
    bounds = [0, 1, 250, 251, 600, len(pool.mentees)]
    parts = [
        score_chunk(*args, start, stop, k=10, exclusions=exclusions)
        for start, stop in pairwise(bounds)
    ]
    assert _same(whole, ScoreResult.concatenate(parts))


def test_scoring_some_mentor_rows_equals_the_whole_pool_with_only_those_eligible(
    pool: Any, exclusions: np.ndarray
) -> None:
    # What the placement's fill rounds rely on: scored against the mentors with free seats only.
    keep = np.flatnonzero(np.random.default_rng(3).random(len(pool.mentors)) < 0.2)
    eligible = np.zeros(len(pool.mentors), dtype=bool)
    eligible[keep] = pool.mentors.eligible[keep]
    masked = MentorArrays(**{**vars(pool.mentors), "eligible": eligible})
    settings = {"k": 10, "min_score": 0.35, "tie_band": 0.01}
    whole = score(pool.mentees, masked, pool.role_similarity, DEFAULT_WEIGHTS, **settings,
                  exclusions=exclusions)  # fmt: skip
    within = engine.exclusions_within(exclusions, keep, len(pool.mentors))
    some = score(
        pool.mentees,
        pool.mentors.rows(keep),
        pool.role_similarity,
        DEFAULT_WEIGHTS,
        **settings,
        exclusions=within,
    )
    listed = some.mentor_index >= 0
    assert listed.sum() > len(pool.mentees)  # lists to compare, not empty rows
    mapped = np.where(listed, keep[np.maximum(some.mentor_index, 0)], -1)
    assert np.array_equal(mapped, whole.mentor_index)
    assert np.array_equal(some.score, whole.score)
    assert np.array_equal(some.components, whole.components)


def _rows_of(mentees: MenteeArrays, start: int, stop: int) -> MenteeArrays:
    return MenteeArrays(
        ids=mentees.ids[start:stop],
        target_role=mentees.target_role[start:stop],
        background=mentees.background[start:stop],
        utc_offset=mentees.utc_offset[start:stop],
        languages=mentees.languages[start:stop],
        gap_weight=mentees.gap_weight[start:stop],
        gap_level=mentees.gap_level[start:stop],
    )


def test_one_prepared_pool_scores_batch_after_batch_as_fresh_calls_do(
    pool: Any, exclusions: np.ndarray
) -> None:
    """A run prepares the mentor side once and scores its batches against it: the rows it
    memoises per time zone and language set must not carry anything from one batch to the next."""
    args = (pool.mentees, pool.mentors, pool.role_similarity, DEFAULT_WEIGHTS)
    whole = score(*args, k=10, exclusions=exclusions)
    prepared = engine.PreparedMentors(pool.mentors, pool.role_similarity, DEFAULT_WEIGHTS)
    bounds = [(450, 700), (0, 1), (1, 200), (200, 450)]  # out of order, odd sizes
    parts = {}
    for start, stop in bounds:
        mine = exclusions[(exclusions[:, 0] >= start) & (exclusions[:, 0] < stop)]
        batch = _rows_of(pool.mentees, start, stop)
        local = np.column_stack([mine[:, 0] - start, mine[:, 1]])
        parts[start] = engine.score_prepared(prepared, batch, k=10, exclusions=local)
        assert _same(parts[start], score(batch, *args[1:], k=10, exclusions=local))
    assert _same(whole, ScoreResult.concatenate(parts[start] for start, _ in sorted(bounds)))
    again = engine.score_prepared_chunk(
        prepared, pool.mentees, 200, 450, k=10, exclusions=exclusions
    )
    assert _same(again, parts[200])


def test_the_public_sparse_product_gives_the_same_result(
    pool: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = (pool.mentees, pool.mentors, pool.role_similarity, DEFAULT_WEIGHTS)
    fast = score(*args, k=10, chunk_size=200)
    monkeypatch.setattr(kernels, "_csr_matvecs", None)
    assert _same(fast, score(*args, k=10, chunk_size=200))


def test_engine_equals_the_per_pair_reference_on_a_sample(
    pool: Any, exclusions: np.ndarray
) -> None:
    args = (pool.mentees, pool.mentors, pool.role_similarity, DEFAULT_WEIGHTS)
    result = score(*args, k=10, chunk_size=256, exclusions=exclusions)
    reference = ReferencePool.from_arrays(
        pool.mentees, pool.mentors, pool.role_similarity, exclusions
    )
    for i in range(0, len(pool.mentees), 23):
        expected = rank_reference(i, reference, DEFAULT_WEIGHTS, k=10)
        count = len(expected)
        assert result.mentor_index[i, :count].tolist() == [j for j, _, _ in expected]
        assert (result.mentor_index[i, count:] == -1).all()
        assert np.array_equal(result.score[i, :count], _f32([s for _, s, _ in expected]))
        assert np.array_equal(
            result.components[i, :count], _f32([c for _, _, c in expected]).reshape(-1, 5)
        )


def test_reference_applies_the_same_filters(pool: Any) -> None:
    reference = ReferencePool.from_arrays(
        pool.mentees, pool.mentors, pool.role_similarity, [(0, 0)]
    )
    assert score_pair_reference(0, 0, reference, DEFAULT_WEIGHTS) is None
    ineligible = int(np.flatnonzero(~pool.mentors.eligible)[0])
    assert score_pair_reference(1, ineligible, reference, DEFAULT_WEIGHTS) is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engine_equals_reference_on_tie_heavy_pools(seed: int) -> None:
    """Few distinct profiles (many exact ties), several tiles, a rare language, k=7."""
    rng = np.random.default_rng(seed)
    kinds = [
        mentor(roles=["data-engineer"], skills={"spark": 4, "kafka": 3}, tz=1.0),
        mentor(roles=["data-scientist"], skills={"pandas": 5}, tz=-5.0, background="physics"),
        mentor(roles=["data-analyst", "ml-engineer"], skills={"sql": 3}, languages=["es"]),
        mentor(roles=["ml-researcher"], skills={"pytorch": 5, "python": 5}, tz=5.5),
    ]
    mentors = [
        dict(kinds[kind], eligible=bool(rng.random() < 0.9)) for kind in rng.integers(0, 4, 1200)
    ]
    learners = [
        mentee(gap={"spark": (2.0, 3), "kafka": (1.0, 3)}, tz=0.0),
        mentee(role="data-scientist", gap={"pandas": (1.0, 4)}, background="physics"),
        mentee(role="data-analyst", languages=["es"]),
        mentee(role="ml-researcher", gap={}, tz=14.0),
    ]
    mentees = [learners[kind] for kind in rng.integers(0, 4, 40)]
    mentee_set, mentor_set = mentee_arrays(mentees), mentor_arrays(mentors)
    result = score(mentee_set, mentor_set, SIMILARITY, DEFAULT_WEIGHTS, k=7, chunk_size=16)
    reference = ReferencePool.from_arrays(mentee_set, mentor_set, SIMILARITY)
    for i in range(len(mentees)):
        expected = rank_reference(i, reference, DEFAULT_WEIGHTS, k=7)
        assert result.mentor_index[i].tolist() == [j for j, _, _ in expected]
        assert np.array_equal(result.score[i], _f32([s for _, s, _ in expected]))


def test_engine_equals_reference_with_long_gaps_and_many_skills() -> None:
    """Hundreds of gap entries per mentee: the float32 pass must keep enough candidates."""
    rng = np.random.default_rng(8)
    n, m, skills = 60, 900, 400

    def random_csr(rows: int, low: int, high: int, values: Any, dtype: Any) -> sp.csr_array:
        dense = np.zeros((rows, skills), dtype=dtype)
        for row in range(rows):
            chosen = rng.choice(skills, size=int(rng.integers(low, high)), replace=False)
            dense[row, chosen] = values(chosen.size)
        return sp.csr_array(dense)

    gap_weight = random_csr(n, 100, 300, lambda size: rng.random(size) * 9 + 0.01, np.float32)
    gap_level = gap_weight.copy().astype(np.int8)
    gap_level.data = rng.integers(1, 6, gap_level.nnz).astype(np.int8)
    mentees = MenteeArrays(
        ids=np.arange(n),
        target_role=rng.integers(0, 5, n),
        background=rng.integers(-1, 3, n),
        utc_offset=rng.choice([-5.0, 0.0, 5.5], n),
        languages=np.ones((n, 1), dtype=bool),
        gap_weight=gap_weight,
        gap_level=gap_level,
    )
    mentors = MentorArrays(
        ids=np.arange(m) + 10_000,
        roles=rng.random((m, 5)) < 0.3,
        background=rng.integers(-1, 3, m),
        utc_offset=rng.choice([-5.0, 0.0, 5.5, 8.0], m),
        languages=np.ones((m, 1), dtype=bool),
        skill_level=random_csr(m, 50, 200, lambda size: rng.integers(1, 6, size), np.int8),
        eligible=rng.random(m) < 0.9,
    )
    result = score(mentees, mentors, SIMILARITY, DEFAULT_WEIGHTS, k=10, chunk_size=25)
    reference = ReferencePool.from_arrays(mentees, mentors, SIMILARITY)
    for i in range(0, n, 3):
        expected = rank_reference(i, reference, DEFAULT_WEIGHTS, k=10)
        assert result.mentor_index[i].tolist() == [j for j, _, _ in expected]
        assert np.array_equal(result.score[i], _f32([s for _, s, _ in expected]))


@pytest.mark.parametrize("seed", range(6))
def test_the_ranking_order_is_the_lexicographic_one_also_when_tickets_nearly_collide(seed):
    rng = np.random.default_rng(seed)
    size = 4000
    row = np.sort(rng.integers(0, 300, size))
    band = rng.integers(0, [10, 1_000_000][seed % 2], size)
    # Tickets equal in their top bits (only the low bits tell them apart), some equal outright,
    # and repeated positions: every tie-break of the order is used.
    tickets = (rng.integers(0, 3, size).astype(np.uint64) << np.uint64(62)) | rng.integers(
        0, 4, size
    ).astype(np.uint64)
    position = rng.integers(0, 50, size)

    expected = np.lexsort((position, ~tickets, -band, row))
    assert np.array_equal(ranking_order(row, band, tickets, position), expected)
