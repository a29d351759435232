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


def one_proposal_at_a_time(pairs: Lists, seats: np.ndarray, n: int) -> np.ndarray:
    """Deferred acceptance as the textbook states it, one proposal at a time: each mentee down
    its pairs in the order given, a mentor keeping its best proposals (higher score, then lower
    mentee) up to its seats."""
    choices: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for mentee, mentor, value in zip(
        pairs.mentee.tolist(), pairs.mentor.tolist(), pairs.score.tolist(), strict=True
    ):
        choices[mentee].append((mentor, round(value * 1_000_000)))
    held: dict[int, list[tuple[int, int]]] = {}  # mentor -> sorted [(-score key, mentee)]
    assigned = [-1] * n
    following = [0] * n
    free = list(range(n))
    while free:
        mentee = free.pop()
        while following[mentee] < len(choices[mentee]):
            mentor, key = choices[mentee][following[mentee]]
            following[mentee] += 1
            holding = held.setdefault(mentor, [])
            holding.append((-key, mentee))
            holding.sort()
            if len(holding) <= seats[mentor]:
                assigned[mentee] = mentor
                break
            _, out = holding.pop()  # the worst of them: turned down, or let go
            if out != mentee:
                assigned[mentee] = mentor
                assigned[out] = -1
                free.append(out)
                break
    return np.array(assigned, dtype=np.int64)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_rounds_of_proposals_place_as_one_proposal_at_a_time(seed):
    rng = np.random.default_rng(seed)
    n, m, size = 400, 40, 3000
    # Few distinct scores (ties for the mentors, broken by the lower mentee), repeated pairs,
    # and some mentors without a seat.
    lists = Lists(
        rng.integers(0, n, size),
        rng.integers(0, m, size),
        rng.integers(30, 40, size) / 100,
        rng.integers(0, 2**63, size, dtype=np.uint64),
    )
    seats = rng.integers(0, 4, m)

    placed = place(lists, seats, n, band=BAND)

    assert np.array_equal(placed.assigned, one_proposal_at_a_time(lists.ranked(BAND), seats, n))


def test_fill_rounds_go_on_as_if_their_pairs_had_been_listed_from_the_start(pool):
    pool, mentors, lists, seats = pool
    added: list[Lists] = []

    def fill(waiting: np.ndarray, spare: np.ndarray) -> Lists:
        found = lists_of(pool, mentors, waiting, np.flatnonzero(mentors.eligible & (spare > 0)))
        added.append(found)
        return found

    placement = place(lists, seats, len(pool.mentees), band=BAND, fill=fill)

    assert placement.fill_rounds >= 1
    # Each round's pairs after the mentee's earlier ones (those mentors turned it down).
    everything = Lists.join([lists.ranked(BAND), *added])
    textbook = one_proposal_at_a_time(everything, seats, len(pool.mentees))
    assert np.array_equal(placement.assigned, textbook)
