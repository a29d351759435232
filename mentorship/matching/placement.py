"""Placement: one suggested mentor per mentee, every seat that can be filled filled.

Pure NumPy/SciPy/Python (no Django), so the run (`suggestions`) and the benchmarks place the same
way. A mentee ranks its acceptable mentors in the engine's order (score band, then seat ticket,
then mentor id: `engine.ties`), whatever round of the placement listed them; a mentor ranks the
mentees who listed it by pair score (then by mentee index).

1. **Deferred acceptance** (mentee-proposing, the algorithm of `assignment`) over the lists,
   within each mentor's free seats: stable over those pairs (no mentee and mentor who both
   prefer each other to what they have, the mentor with a free seat or holding someone it ranks
   lower). Mentee-optimal: each mentee gets the best mentor it can have in any stable outcome.
2. **Fill rounds**: lists are the top k, so a mentee may be left without a suggestion while a
   mentor it would accept still has a free seat further down its ranking. While that can
   happen, the mentees without a suggestion are ranked against the mentors with free seats
   only (`FillLists`, the caller's engine call), those pairs join the end of their lists, and
   deferred acceptance goes on from where it stopped. When no round adds a pair, no mentee without a
   suggestion has an acceptable mentor with a free seat (it would have proposed there), and
   the placement is stable over every pair it considered.
3. **Maximum placements** (``mode="max_placements"``, staff's choice): from the stable outcome,
   augmenting paths over every pair considered (a maximum flow on the residual graph, SciPy's
   `maximum_flow`) place as many more mentees as those pairs allow. Everyone placed stays
   placed, but a placed mentee may move to another acceptable mentor it ranks lower, so the
   outcome is no longer stable: a stable assignment cannot always place everyone who could be
   placed (a mentee whose acceptable mentors are all taken by mentees they prefer stays out,
   although moving one of those to a mentor with a free seat would make room).
"""

from collections.abc import Callable
from dataclasses import dataclass
from heapq import heappush, heapreplace

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_flow

from mentorship.matching.assignment import UNASSIGNED
from mentorship.matching.engine import SCORE_SCALE

STABLE = "stable"
MAX_PLACEMENTS = "max_placements"
MODES = (STABLE, MAX_PLACEMENTS)
MAX_FILL_ROUNDS = 20


@dataclass(frozen=True)
class Lists:
    """Acceptable pairs: the mentee index, the mentor column, the pair score (at its 1e-6
    resolution) and the pair's seat ticket (`engine.ties.best_tickets`), in any order."""

    mentee: np.ndarray
    mentor: np.ndarray
    score: np.ndarray
    ticket: np.ndarray

    @classmethod
    def empty(cls) -> "Lists":
        zeros = np.zeros(0, np.int64)
        return cls(zeros, zeros, np.zeros(0, np.float64), np.zeros(0, np.uint64))

    @classmethod
    def join(cls, parts: list["Lists"]) -> "Lists":
        if not parts:
            return cls.empty()
        return cls(
            np.concatenate([part.mentee for part in parts]).astype(np.int64),
            np.concatenate([part.mentor for part in parts]).astype(np.int64),
            np.concatenate([part.score for part in parts]).astype(np.float64),
            np.concatenate([part.ticket for part in parts]).astype(np.uint64),
        )

    def select(self, keep: np.ndarray) -> "Lists":
        return Lists(self.mentee[keep], self.mentor[keep], self.score[keep], self.ticket[keep])

    def ranked(self, band: int) -> "Lists":
        """Each mentee's pairs in its order (best band, best ticket, lowest mentor), mentees
        ascending; a pair listed twice is kept once."""
        key = np.rint(self.score * SCORE_SCALE).astype(np.int64) // band
        if _in_order(self.mentee, key, self.ticket, self.mentor):
            ranked = self  # the engine's lists come in this order: a check instead of a sort
        else:
            ranked = self.select(np.lexsort((self.mentor, ~self.ticket, -key, self.mentee)))
        first = np.r_[True, (np.diff(ranked.mentee) != 0) | (np.diff(ranked.mentor) != 0)]
        if not first.all():  # duplicates are adjacent only if they share the sort keys
            pairs = ranked.mentee * (int(ranked.mentor.max(initial=0)) + 1) + ranked.mentor
            _, unique = np.unique(pairs, return_index=True)
            ranked = ranked.select(np.sort(unique))
        return ranked

    def __len__(self) -> int:
        return int(self.mentee.shape[0])


def _in_order(mentee: np.ndarray, key: np.ndarray, ticket: np.ndarray, mentor: np.ndarray) -> bool:
    """Whether the pairs are already in `Lists.ranked` order: mentees ascending, then band key
    descending, ticket descending, mentor ascending."""
    if mentee.shape[0] < 2:
        return True
    d_mentee = np.diff(mentee)
    if (d_mentee < 0).any():
        return False
    same = d_mentee == 0
    d_key = np.diff(key)
    if (same & (d_key > 0)).any():
        return False
    same &= d_key == 0
    earlier, later = ticket[:-1], ticket[1:]
    if (same & (later > earlier)).any():
        return False
    same &= later == earlier
    return not (same & (np.diff(mentor) <= 0)).any()


# The caller's engine call: the pairs of these mentees (indices) with the mentors that have free
# seats (the counts given; a mentor with 0 is not a candidate), grouped by mentee and each
# mentee's pairs in its order (as the engine returns its top k).
FillLists = Callable[[np.ndarray, np.ndarray], Lists]


@dataclass(frozen=True)
class Placement:
    assigned: np.ndarray  # int64[n]: mentor column or -1
    considered: Lists  # every pair the placement looked at
    fill_rounds: int


def place(
    lists: Lists,
    seats: np.ndarray,
    n_mentees: int,
    *,
    band: int = 1,
    fill: FillLists | None = None,
    proposing: np.ndarray | None = None,
    mode: str = STABLE,
) -> Placement:
    """Place mentees ``0..n_mentees-1`` (only those ``proposing``, default all) on mentors with
    ``seats`` free seats each: deferred acceptance over ``lists``, fill rounds through ``fill``,
    and in ``max_placements`` mode the augmentation (see the module docstring). ``band``: the
    engine's band of near-ties, in score keys."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    seats = np.asarray(seats, dtype=np.int64)
    if (seats < 0).any():
        raise ValueError("seats must be >= 0")
    proposing = np.ones(n_mentees, bool) if proposing is None else np.asarray(proposing, bool)
    first = lists.select(proposing[lists.mentee]).ranked(band)
    parts = [first]
    proposals = _Proposals(n_mentees, seats)
    proposals.extend(first)
    proposals.run(np.unique(first.mentee))
    rounds = 0
    width = int(seats.shape[0])
    # A mentee the fill found no mentor for never finds one later: the mentors with free seats
    # only become fewer (a mentor's load never drops during deferred acceptance). For the same
    # reason every pair the fill returns is new, and ranks after every pair its mentee already
    # listed (those mentors turned it down, so they have no free seat): the proposals go on
    # where they stopped.
    hopeless = np.zeros(n_mentees, dtype=bool)
    while fill is not None and rounds < MAX_FILL_ROUNDS:
        assigned = proposals.assigned_array()
        spare = seats - np.bincount(assigned[assigned >= 0], minlength=width)
        waiting = np.flatnonzero(proposing & (assigned == UNASSIGNED) & ~hopeless)
        if not waiting.size or not (spare > 0).any():
            break
        added = fill(waiting, np.maximum(spare, 0))
        hopeless[np.setdiff1d(waiting, added.mentee)] = True
        if not len(added):
            break
        rounds += 1
        parts.append(added)
        proposals.extend(added)
        proposals.run(np.unique(added.mentee))
    assigned = proposals.assigned_array()
    considered = Lists.join(parts)
    if mode == MAX_PLACEMENTS:
        assigned = augment_to_maximum(considered, seats, assigned)
    return Placement(assigned=assigned, considered=considered, fill_rounds=rounds)


class _Proposals:
    """Mentee-proposing deferred acceptance that can be resumed: lists may grow at their end
    and the mentees without a mentor propose on. A mentor holds its best proposals up to its
    seats, best = higher pair score, then lower mentee index (a heap per mentor, worst on top).
    The same loop as `assignment.stable_assignment`, with the mentor's order read off the pair
    score instead of a preference list."""

    def __init__(self, n_mentees: int, seats: np.ndarray) -> None:
        self.n = n_mentees
        self.lists: list[list[int]] = [[] for _ in range(n_mentees)]
        self.keys: list[list[int]] = [[] for _ in range(n_mentees)]
        self.next_choice = [0] * n_mentees
        self.assigned = [UNASSIGNED] * n_mentees
        self.room = [int(value) for value in seats.tolist()]
        self.held: list[list[int]] = [[] for _ in range(len(self.room))]

    def extend(self, ranked: Lists) -> None:
        """Append each mentee's pairs (grouped by mentee, each in its order) to its list."""
        if not len(ranked):
            return
        scale = max(self.n, 1)
        # One int per pair: worse for the mentor is larger (lower score, then higher mentee).
        keys = (SCORE_SCALE - np.rint(ranked.score * SCORE_SCALE).astype(np.int64)) * scale
        keys = (keys + ranked.mentee).tolist()
        mentors = ranked.mentor.tolist()
        starts = np.flatnonzero(np.r_[True, ranked.mentee[1:] != ranked.mentee[:-1]])
        bounds = [*starts.tolist(), len(ranked)]
        for mentee, a, b in zip(ranked.mentee[starts].tolist(), bounds, bounds[1:], strict=False):
            self.lists[mentee].extend(mentors[a:b])
            self.keys[mentee].extend(keys[a:b])

    def run(self, mentees: np.ndarray) -> None:
        """Let these mentees (those without a mentor) propose down the rest of their lists."""
        free = [int(m) for m in mentees.tolist()[::-1] if self.assigned[m] == UNASSIGNED]
        lists, keys, next_choice = self.lists, self.keys, self.next_choice
        assigned, room, held, scale = self.assigned, self.room, self.held, max(self.n, 1)
        push, replace = heappush, heapreplace
        while free:
            mentee = free.pop()
            choices, choice_keys = lists[mentee], keys[mentee]
            entry, end = next_choice[mentee], len(choices)
            while entry < end:
                mentor, key = choices[entry], choice_keys[entry]
                entry += 1
                if room[mentor] > 0:
                    room[mentor] -= 1
                    push(held[mentor], -key)
                    assigned[mentee] = mentor
                    break
                heap = held[mentor]
                if heap and -heap[0] > key:  # the mentor prefers this mentee to its worst
                    worst = -replace(heap, -key) % scale
                    assigned[mentee] = mentor
                    assigned[worst] = UNASSIGNED
                    free.append(worst)
                    break
            next_choice[mentee] = entry

    def assigned_array(self) -> np.ndarray:
        return np.array(self.assigned, dtype=np.int64)


def augment_to_maximum(pairs: Lists, seats: np.ndarray, assigned: np.ndarray) -> np.ndarray:
    """As many placements as ``pairs`` allow, keeping every placed mentee placed: the maximum
    flow of the residual graph of ``assigned`` (source -> unplaced mentees -> mentors they
    listed -> placed mentees, by their pair reversed -> ... -> mentors with free seats -> sink),
    applied as the symmetric difference."""
    n, m = assigned.shape[0], int(seats.shape[0])
    if not len(pairs):
        return assigned
    unique = np.unique(pairs.mentee * m + pairs.mentor)
    mentee, mentor = unique // m, unique % m
    matched = assigned[mentee] == mentor
    load = np.bincount(assigned[assigned >= 0], minlength=m)
    spare = np.maximum(seats - load, 0)
    source, sink = n + m, n + m + 1
    unplaced = np.flatnonzero(assigned == UNASSIGNED)
    with_spare = np.flatnonzero(spare > 0)
    tails = np.concatenate(
        [
            np.full(unplaced.shape[0], source),
            mentee[~matched],  # mentee -> mentor, for the pairs not in the placement
            n + mentor[matched],  # mentor -> mentee, for the placed pairs (reversed)
            n + with_spare,
        ]
    )
    heads = np.concatenate(
        [unplaced, n + mentor[~matched], mentee[matched], np.full(with_spare.shape[0], sink)]
    )
    capacity = np.concatenate(
        [
            np.ones(unplaced.shape[0] + mentee.shape[0], dtype=np.int32),
            spare[with_spare].astype(np.int32),
        ]
    )
    graph = sp.csr_array((capacity, (tails, heads)), shape=(n + m + 2, n + m + 2))
    flow = maximum_flow(graph, source, sink).flow
    if not flow.nnz:
        return assigned
    flow = sp.csr_array(flow)
    moved_in = np.asarray(flow[mentee[~matched], n + mentor[~matched]]).reshape(-1) > 0
    moved_out = np.asarray(flow[n + mentor[matched], mentee[matched]]).reshape(-1) > 0
    result = assigned.copy()
    result[mentee[matched][moved_out]] = UNASSIGNED
    result[mentee[~matched][moved_in]] = mentor[~matched][moved_in]
    return result


def blocking_pairs(
    ranked: Lists, seats: np.ndarray, assigned: np.ndarray, among: Lists | None = None
) -> int:
    """How many pairs block ``assigned``: the mentee prefers the mentor to what it has (is
    unplaced, or ranks it higher) and the mentor has a free seat or holds a mentee it scores
    lower. ``ranked`` gives each mentee's whole order (every acceptable pair, `Lists.ranked`);
    ``among`` limits the count to those pairs (the pairs a placement considered). For the
    benchmarks and tests."""
    m = int(seats.shape[0])
    n = assigned.shape[0]
    load = np.bincount(assigned[assigned >= 0], minlength=m)
    mentee, mentor, score = ranked.mentee, ranked.mentor, ranked.score
    firsts = np.flatnonzero(np.r_[True, mentee[1:] != mentee[:-1]]) if mentee.size else np.zeros(0)
    sizes = np.diff(np.r_[firsts, mentee.shape[0]]).astype(np.int64)
    position = np.arange(mentee.shape[0]) - np.repeat(firsts.astype(np.int64), sizes)
    mine = assigned[mentee] == mentor
    own = np.full(n, np.iinfo(np.int64).max)
    own[mentee[mine]] = position[mine]
    worst = np.full(m, np.inf)
    np.minimum.at(worst, mentor[mine], score[mine])
    room = (load[mentor] < seats[mentor]) | (score > worst[mentor])
    blocking = (position < own[mentee]) & room & ~mine
    if among is not None:
        blocking &= np.isin(mentee * m + mentor, among.mentee * m + among.mentor)
    return int(blocking.sum())
