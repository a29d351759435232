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

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_flow

from mentorship.matching.assignment import UNASSIGNED
from mentorship.matching.engine import SCORE_SCALE
from mentorship.matching.engine.kernels import ragged_ranges

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
            np.concatenate([part.mentee for part in parts]).astype(np.int64, copy=False),
            np.concatenate([part.mentor for part in parts]).astype(np.int64, copy=False),
            np.concatenate([part.score for part in parts]).astype(np.float64, copy=False),
            np.concatenate([part.ticket for part in parts]).astype(np.uint64, copy=False),
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
    proposals.run(first.mentee)
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
        found = np.zeros(n_mentees, dtype=bool)
        found[added.mentee] = True
        hopeless[waiting[~found[waiting]]] = True
        if not len(added):
            break
        rounds += 1
        parts.append(added)
        proposals.extend(added)
        proposals.run(added.mentee)
    assigned = proposals.assigned_array()
    considered = Lists.join(parts)
    if mode == MAX_PLACEMENTS:
        assigned = augment_to_maximum(considered, seats, assigned)
    return Placement(assigned=assigned, considered=considered, fill_rounds=rounds)


class _Proposals:
    """Mentee-proposing deferred acceptance that can be resumed: lists may grow at their end
    and the mentees without a mentor propose on. A mentor holds its best proposals up to its
    seats, best = higher pair score, then lower mentee index. The algorithm of
    `assignment.stable_assignment`, with the mentor's order read off the pair score instead of a
    preference list, run array-wise in rounds: every free mentee with a pair left proposes to
    its next mentor at once; a proposal to a mentor whose seats are all held by mentees it
    prefers is turned down at once, and each other mentor proposed to keeps the best of what it
    held and what it was offered, up to its seats; the others propose on in the next round. The
    outcome of deferred acceptance does not depend on the order of the proposals (a mentor's
    order is strict), so the rounds reach the outcome of one proposal at a time."""

    def __init__(self, n_mentees: int, seats: np.ndarray) -> None:
        self.n = n_mentees
        self.seats = np.asarray(seats, dtype=np.int64)
        # Each mentee's pairs, flat and grouped by mentee: mentors[starts[i]:starts[i + 1]].
        self.mentors = np.zeros(0, dtype=np.int64)
        self.keys = np.zeros(0, dtype=np.int64)
        self.starts = np.zeros(n_mentees + 1, dtype=np.int64)
        self.next_choice = np.zeros(n_mentees, dtype=np.int64)  # a position in the flat arrays
        self.assigned = np.full(n_mentees, UNASSIGNED, dtype=np.int64)
        self.held_key = np.zeros(n_mentees, dtype=np.int64)  # the key of the pair it holds
        self.load = np.zeros(self.seats.shape[0], dtype=np.int64)  # mentees each mentor holds
        self.worst = np.full(self.seats.shape[0], -1, dtype=np.int64)  # the worst held key

    def extend(self, ranked: Lists) -> None:
        """Append each mentee's pairs (grouped by mentee, each in its order) to its list."""
        if not len(ranked):
            return
        scale = max(self.n, 1)
        # One int per pair: worse for the mentor is larger (lower score, then higher mentee).
        keys = (SCORE_SCALE - np.rint(ranked.score * SCORE_SCALE).astype(np.int64)) * scale
        keys += ranked.mentee
        # The pairs not proposed yet (the others are never read again), then the new ones.
        left = self.starts[1:] - self.next_choice
        entries = ragged_ranges(self.next_choice, left)
        owner = np.concatenate(
            [np.repeat(np.arange(self.n, dtype=np.int64), left), ranked.mentee.astype(np.int64)]
        )
        mentors = np.concatenate([self.mentors[entries], ranked.mentor.astype(np.int64)])
        keys = np.concatenate([self.keys[entries], keys])
        if owner.shape[0] > 1 and (owner[1:] < owner[:-1]).any():
            # A stable sort by mentee: each mentee's pairs left, then its new ones in order.
            order = np.argsort(owner, kind="stable")
            owner, mentors, keys = owner[order], mentors[order], keys[order]
        self.mentors, self.keys = mentors, keys
        np.cumsum(np.bincount(owner, minlength=self.n), out=self.starts[1:])
        self.next_choice = self.starts[:-1].copy()

    def run(self, mentees: np.ndarray) -> None:
        """Let these mentees (those without a mentor) propose down the rest of their lists."""
        assigned, held_key, next_choice = self.assigned, self.held_key, self.next_choice
        seats, load, worst = self.seats, self.load, self.worst
        ends = self.starts[1:]
        asked = np.zeros(self.n, dtype=bool)
        asked[np.asarray(mentees, dtype=np.int64)] = True
        free = np.flatnonzero(asked & (assigned == UNASSIGNED) & (next_choice < ends))
        touched = np.zeros(seats.shape[0], dtype=bool)
        # A mentor's offers by key (keys differ: each names its mentee) with one int64 sort.
        span = (SCORE_SCALE + 1) * max(self.n, 1)
        exact = seats.shape[0] * span < 2**62
        while free.size:
            entry = next_choice[free]
            next_choice[free] = entry + 1
            mentor, key = self.mentors[entry], self.keys[entry]
            # Turned down at once: the mentor's seats are all held by mentees it prefers (or
            # it has none).
            turned_down = (load[mentor] >= seats[mentor]) & (key > worst[mentor])
            rejected = free[turned_down]
            contest = ~turned_down
            if contest.any():
                free, mentor, key = free[contest], mentor[contest], key[contest]
                # The mentees these mentors hold compete with the proposals.
                touched[mentor] = True
                placed = np.flatnonzero(assigned >= 0)
                holders = placed[touched[assigned[placed]]]
                touched[mentor] = False
                who = np.concatenate([holders, free])
                where = np.concatenate([assigned[holders], mentor])
                what = np.concatenate([held_key[holders], key])
                order = np.argsort(where * span + what) if exact else np.lexsort((what, where))
                who, where, what = who[order], where[order], what[order]
                first = np.flatnonzero(np.r_[True, where[1:] != where[:-1]])
                sizes = np.diff(np.r_[first, where.shape[0]])
                rank = np.arange(where.shape[0]) - np.repeat(first, sizes)
                kept = rank < seats[where]
                assigned[who[kept]] = where[kept]
                held_key[who[kept]] = what[kept]
                out = who[~kept]
                assigned[out] = UNASSIGNED
                # Each mentor's new load and worst held key: the last one it kept.
                group = where[first]
                load[group] = np.minimum(sizes, seats[group])
                last = first + load[group] - 1
                worst[group] = np.where(load[group] > 0, what[np.maximum(last, 0)], -1)
                rejected = np.concatenate([rejected, out])
            free = rejected[next_choice[rejected] < ends[rejected]]

    def assigned_array(self) -> np.ndarray:
        return self.assigned.copy()


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
