"""The placement on synthetic pools: the fill rounds against the mentors with free seats only,
and lists in the engine's order or in any order place the same."""

import numpy as np
import pytest

from mentorship.matching.components import DEFAULT_MIN_SCORE, DEFAULT_TIE_BAND, DEFAULT_WEIGHTS
from mentorship.matching.engine import MenteeArrays, MentorArrays, score
from mentorship.matching.engine.synthetic import synthetic_pool
from mentorship.matching.engine.ties import band_width, best_tickets
from mentorship.matching.placement import Lists, blocking_pairs, place

K = 10
BAND = band_width(DEFAULT_TIE_BAND)


def lists_of(pool, mentors: MentorArrays, waiting: np.ndarray | None = None, keep=None) -> Lists:
    """The engine's top-k pairs of these mentees (all, or the rows ``waiting``) against these
    mentor rows (all, or ``keep``), as the placement takes them."""
    mentees = pool.mentees
    if waiting is not None:
        mentees = MenteeArrays(**{name: value[waiting] for name, value in vars(mentees).items()})
    some = mentors if keep is None else mentors.rows(keep)
    result = score(
        mentees,
        some,
        pool.role_similarity,
        DEFAULT_WEIGHTS,
        k=K,
        min_score=DEFAULT_MIN_SCORE,
        tie_band=DEFAULT_TIE_BAND,
    )
    row, slot = np.nonzero(result.mentor_index >= 0)
    mentee = row if waiting is None else waiting[row]
    mentor = result.mentor_index[row, slot].astype(np.int64)
    if keep is not None:
        mentor = keep[mentor]
    tickets = best_tickets(
        pool.mentees.ids[mentee], mentors.ids[mentor], mentors.free_seats[mentor]
    )
    return Lists(mentee, mentor, result.score[row, slot].astype(np.float64), tickets)


@pytest.fixture(scope="module")
def pool():
    pool = synthetic_pool(3000, 300, seed=7)
    mentors = MentorArrays(
        **{**vars(pool.mentors), "free_seats": np.maximum(pool.capacity, 0).astype(np.int32)}
    )
    seats = mentors.free_seats.astype(np.int64) * mentors.eligible
    return pool, mentors, lists_of(pool, mentors), seats


def test_fill_rounds_fill_every_seat_a_waiting_mentee_would_take(pool):
    pool, mentors, lists, seats = pool

    def fill(waiting: np.ndarray, spare: np.ndarray) -> Lists:
        return lists_of(pool, mentors, waiting, np.flatnonzero(mentors.eligible & (spare > 0)))

    placement = place(lists, seats, len(pool.mentees), band=BAND, fill=fill)

    assert placement.fill_rounds >= 1
    assigned = placement.assigned
    load = np.bincount(assigned[assigned >= 0], minlength=len(mentors))
    assert (load <= seats).all()
    # Fewer seats than mentees here: every seat taken, and nobody blocks over what was considered.
    assert seats.sum() < len(pool.mentees)
    assert load.sum() == seats.sum()
    ranked = placement.considered.ranked(BAND)
    assert blocking_pairs(ranked, seats, assigned) == 0


def test_lists_in_any_order_place_as_lists_in_the_engines_order(pool):
    pool, _, lists, seats = pool
    shuffled = lists.select(np.random.default_rng(1).permutation(len(lists)))
    doubled = Lists.join([shuffled, lists.select(np.arange(0, len(lists), 7))])

    ordered = place(lists, seats, len(pool.mentees), band=BAND)
    for other in (shuffled, doubled):
        again = place(other, seats, len(pool.mentees), band=BAND)
        assert np.array_equal(again.assigned, ordered.assigned)
        assert len(again.considered) == len(ordered.considered)
