"""The suggested mentor of each mentee, written as the `suggested` flags of the matches.

After a full run, `suggestions_assign` places every mentee who can be placed (`placement`: the
stable assignment over the stored lists within each mentor's free seats, then fill rounds that
rank the mentees left out against the mentors with free seats; or the maximum placements, as
staff choose). When a suggestion is lost between runs (the mentor filled up, stopped accepting,
was unapproved or declined, the pair was excluded, the mentee started a mentorship),
`suggestions_repair` gives the mentees concerned the best acceptable mentor with a free seat,
the same way, over the seats nobody holds. A suggested mentor from outside a mentee's top k is
written as one more match, listed after them (rank k + 1), so both sides see it; a full run's
chunks leave those rows to the placement, which keeps the ones it makes again with the same
content (same digest) and rewrites only the others (`store.matches_replace_beyond`).
"""

import functools
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mentorship.core.batching import batched, query_batch_size
from mentorship.core.bulk import numeric_columns
from mentorship.core.locks import transaction_lock
from mentorship.matching import engine
from mentorship.matching.cache import matches_changed
from mentorship.matching.engine.ties import best_tickets
from mentorship.matching.features import MenteeBatch, mentee_batch_load
from mentorship.matching.models import Match
from mentorship.matching.placement import STABLE, Lists, place
from mentorship.matching.snapshot import Snapshot
from mentorship.matching.store import (
    ScoredMatches,
    explained_by,
    matches_insert,
    matches_replace_beyond,
    matches_set_suggested,
    pair_keys,
)
from mentorship.mentorships.models import Mentorship
from mentorship.profiles.models import MenteeProfile

logger = logging.getLogger(__name__)

LOCK = "matching.suggestions"
TOP_SHARE = 0.10  # concentration figures: the top 10 % of mentors
# The fill rounds' engine calls run on this many threads: the placement is the only work of its
# process while it runs (the run's chunks are done). At 100,000 x 10,000 the two rounds took 2.2 s
# on two threads, 2.7 s on one (the engine's kernels release the GIL only part of the time).
FILL_THREADS = max(1, min(2, os.cpu_count() or 1))


@dataclass
class Outcome:
    suggestions: int = 0
    fill_rounds: int = 0
    concentration: dict[str, float] = field(default_factory=dict)


@dataclass
class _Pair:
    score: float
    components: list[float]
    explanation: str
    digest: int


@dataclass
class _Returned:
    """The pairs one fill round returned, as columns: mentee ids, mentor columns, scores and
    components (float64, `COMPONENTS` order, as stored)."""

    mentees: np.ndarray
    columns: np.ndarray
    scores: np.ndarray
    components: np.ndarray


# The ids of a batch to load are queried as a range of ids when they are at least this dense in
# it (the fill rounds of a full run: most mentees), rather than as a list of parameters.
RANGE_DENSITY = 0.25


def _among(ids: Sequence[int]) -> Q:
    """The mentee profiles of these ids (sorted): an id range when they are dense in it (the
    mentees in the range and not listed are loaded too, and unused), a list of ids otherwise.
    A range costs one index scan, a list thousands of bound parameters, in each of the loading's
    queries."""
    if ids and len(ids) >= RANGE_DENSITY * (ids[-1] - ids[0] + 1):
        return Q(user_id__gte=ids[0], user_id__lte=ids[-1])
    return Q(user_id__in=ids)


class _Filler:
    """The fill rounds' engine call: mentees ranked against the mentors with free seats only
    (the pool's arrays with those mentors eligible). A mentee's features are loaded once for all
    rounds; the returned pairs are kept as columns, and only the pairs a placement chooses are
    explained (`chosen`): the fill rounds of a full run rank tens of thousands of mentees, round
    after round, for a few thousand suggestions. The batches the run's chunks loaded in this
    process (`Snapshot.mentee_batches`) are used as they are: the features the lists were scored
    from; only the mentees of other processes' chunks are loaded."""

    def __init__(self, snapshot: Snapshot, mentee_ids: np.ndarray) -> None:
        self.snapshot = snapshot
        self.mentee_ids = mentee_ids
        self.returned: list[_Returned] = []
        self._loaded: list[MenteeBatch] = []
        self._where: dict[int, tuple[int, int]] = {}  # mentee id -> (loaded batch, row)
        for batch in snapshot.mentee_batches:
            self._add(batch)

    def _add(self, batch: MenteeBatch) -> None:
        for row, user_id in enumerate(batch.arrays.ids.tolist()):
            # A mentee loaded before keeps the features its pairs came from.
            self._where.setdefault(user_id, (len(self._loaded), row))
        self._loaded.append(batch)

    def _batches(self, ids: list[int]) -> Iterable[MenteeBatch]:
        """The batches of these mentees' features, loading those not loaded yet."""
        missing = sorted(user_id for user_id in ids if user_id not in self._where)
        snapshot = self.snapshot
        for chunk in batched(missing, settings.MATCHING_BATCH_SIZE):
            self._add(mentee_batch_load(snapshot.taxonomy, snapshot.pool, profiles=_among(chunk)))
        rows: dict[int, list[int]] = {}
        for user_id in ids:
            place_of = self._where.get(user_id)
            if place_of is not None:  # no profile any more: nothing to rank
                rows.setdefault(place_of[0], []).append(place_of[1])
        # The waiting mentees of consecutive loaded batches scored together, up to an engine
        # chunk per thread: a round waits on part of each batch, and an engine call has a cost
        # of its own.
        group: list[MenteeBatch] = []
        size = 0
        for number, taken in sorted(rows.items()):
            if group and size + len(taken) > engine.DEFAULT_CHUNK_SIZE * FILL_THREADS:
                yield MenteeBatch.join(group)
                group, size = [], 0
            group.append(self._loaded[number].take(np.array(taken, dtype=np.int64)))
            size += len(taken)
        if group:
            yield MenteeBatch.join(group)

    def __call__(self, waiting: np.ndarray, spare: np.ndarray) -> Lists:
        snapshot = self.snapshot
        arrays = snapshot.pool.arrays
        # Only the mentors with a free seat are scored: a fill round costs in proportion to
        # them, not to the pool (their free_seats stay the lists' tickets: the same order).
        keep = np.flatnonzero(arrays.eligible & (spare > 0))
        prepared = engine.PreparedMentors(
            arrays.rows(keep),
            snapshot.taxonomy.role_similarity,
            settings.MATCHING_WEIGHTS,
            min_score=settings.MATCHING_MIN_SCORE,
            tie_band=settings.MATCHING_TIE_BAND,
        )
        parts = []
        for batch in self._batches(self.mentee_ids[waiting].tolist()):
            if not len(batch.arrays):
                continue
            result = engine.score_prepared(
                prepared,
                batch.arrays,
                k=settings.MATCHING_TOP_K,
                exclusions=engine.exclusions_within(batch.exclusions, keep, len(arrays)),
                workers=FILL_THREADS,
            )
            row, slot = np.nonzero(result.mentor_index >= 0)
            columns = keep[result.mentor_index[row, slot].astype(np.int64)]
            scores = result.score[row, slot].astype(np.float64).round(6)
            mentees = batch.arrays.ids[row]
            self.returned.append(
                _Returned(
                    mentees,
                    columns,
                    scores,
                    result.components[row, slot].astype(np.float64).round(4),
                )
            )
            tickets = best_tickets(mentees, arrays.ids[columns], arrays.free_seats[columns])
            parts.append(Lists(np.searchsorted(self.mentee_ids, mentees), columns, scores, tickets))
        return Lists.join(parts)

    def chosen(self, pairs: Sequence[tuple[int, int]]) -> list[_Pair]:
        """The score, components and explanation of these returned (mentee id, mentor id)
        pairs, explained now from the features the rounds loaded (the same codes as when a run
        explains its lists). The pairs are found among the returned ones (hundreds of thousands)
        by their pair keys (`store.pair_keys`), as the store compares rows."""
        if not pairs:
            return []
        returned = self.returned
        mentees = np.concatenate([part.mentees for part in returned])
        columns = np.concatenate([part.columns for part in returned]).astype(np.int64)
        scores = np.concatenate([part.scores for part in returned])
        components = np.concatenate([part.components for part in returned])
        wanted_mentees = np.array([mentee for mentee, _ in pairs], dtype=np.int64)
        wanted_mentors = np.array([mentor for _, mentor in pairs], dtype=np.int64)
        common, at_returned, at_wanted = np.intersect1d(
            pair_keys(mentees, self.snapshot.pool.arrays.ids[columns]),
            pair_keys(wanted_mentees, wanted_mentors),
            return_indices=True,
        )
        if len(common) != len(pairs):
            raise ValueError("a chosen pair is not one the fill rounds returned")
        at = np.empty(len(pairs), dtype=np.int64)
        at[at_wanted] = at_returned
        places = [self._where[mentee] for mentee in wanted_mentees.tolist()]
        batch_of = np.array([batch for batch, _ in places], dtype=np.int64)
        row_of = np.array([row for _, row in places], dtype=np.int64)
        explainer = self.snapshot.explainer
        chosen: list[_Pair | None] = [None] * len(pairs)
        for number in np.unique(batch_of).tolist():
            selected = np.flatnonzero(batch_of == number)
            found = at[selected]
            arrays = self._loaded[number].arrays
            texts = explainer.explain(arrays, row_of[selected], columns[found], components[found])
            ranks = np.full(len(selected), settings.MATCHING_TOP_K + 1)
            digests = explainer.digests(
                arrays, row_of[selected], columns[found], ranks, scores[found], components[found]
            )
            for position, index, text, digest in zip(
                selected.tolist(), found.tolist(), texts, digests.tolist(), strict=True
            ):
                chosen[position] = _Pair(
                    float(scores[index]), components[index].tolist(), text, digest
                )
        return [pair for pair in chosen if pair is not None]


def suggestions_assign(*, snapshot: Snapshot, mode: str = STABLE) -> Outcome:
    """Place every mentee over the stored lists (see the module docstring) and write the
    `suggested` flags. Precondition: inside a transaction (the run's); takes the suggestions
    lock. Mentees in an active mentorship do not propose: they cannot request a mentor, so they
    must not hold a seat another mentee could be suggested."""
    transaction_lock(LOCK)
    stored = numeric_columns(
        Match.objects.filter(rank__lte=settings.MATCHING_TOP_K),
        ["id", "mentee", "mentor", "score", "suggested"],
    )  # the suggestions from beyond the lists the chunks left are replaced below
    outcome = Outcome()
    if not len(stored["id"]):
        matches_replace_beyond(scored=_beyond_lists([], _Filler(snapshot, stored["mentee"])))
        return outcome
    pool = snapshot.pool
    columns = _pool_columns(snapshot, stored["mentor"])
    usable = columns >= 0
    mentee_ids, mentee_index = np.unique(stored["mentee"], return_inverse=True)
    active = _in_active_mentorship(mentee_ids)
    lists = _lists(
        snapshot, mentee_index[usable], mentee_ids, columns[usable], stored["score"][usable]
    )
    seats = np.where(pool.arrays.eligible, pool.free_capacity, 0).astype(np.int64)
    filler = _Filler(snapshot, mentee_ids)
    placement = place(
        lists,
        seats,
        len(mentee_ids),
        band=snapshot.prepared.band,
        fill=filler,
        proposing=~active,
        mode=mode,
    )
    chosen = _chosen_pairs(placement.assigned, mentee_ids, pool.arrays.ids)
    # The stored match of each chosen pair, if any: pairs as one int64 key each (mentee's
    # position times the number of mentors stored, plus the mentor's), looked up in the stored
    # keys sorted (a million stored rows, tens of thousands chosen).
    mentors_stored, mentor_index = np.unique(stored["mentor"], return_inverse=True)
    stored_keys = mentee_index * len(mentors_stored) + mentor_index
    order = np.argsort(stored_keys, kind="stable")
    placed = np.flatnonzero(placement.assigned >= 0)
    chosen_mentors = pool.arrays.ids[placement.assigned[placed]]
    position = np.searchsorted(mentors_stored, chosen_mentors).clip(max=len(mentors_stored) - 1)
    chosen_keys = placed * len(mentors_stored) + position
    at = np.searchsorted(stored_keys, chosen_keys, sorter=order).clip(max=len(order) - 1)
    found = (mentors_stored[position] == chosen_mentors) & (stored_keys[order[at]] == chosen_keys)
    previously = set(stored["id"][stored["suggested"]].tolist())
    now_suggested = set(stored["id"][order[at[found]]].tolist())
    matches_set_suggested(match_ids=sorted(previously - now_suggested), value=False)
    matches_set_suggested(match_ids=sorted(now_suggested - previously), value=True)
    beyond = _beyond_lists(
        [pair for pair, listed in zip(chosen, found.tolist(), strict=True) if not listed], filler
    )
    matches_replace_beyond(scored=beyond)
    transaction.on_commit(matches_changed)
    load = np.bincount(placement.assigned[placement.assigned >= 0], minlength=len(pool))
    slots = np.bincount(columns[usable], minlength=len(pool))
    outcome.suggestions = len(chosen)
    outcome.fill_rounds = placement.fill_rounds
    outcome.concentration = {
        **_top_shares("list", slots, seats),
        **_top_shares("suggestion", load, seats),
    }
    return outcome


def suggestions_repair(
    *, snapshot: Snapshot, mentee_ids: Iterable[int] = (), mentor_ids: Iterable[int] = ()
) -> int:
    """After a refresh: drop the suggestions that no longer hold (mentee in an active mentorship,
    mentor gone from the pool or no longer eligible, a mentor holding more suggestions than free
    seats keeps its best) and place the mentees who have none (these `mentee_ids` and those just
    dropped) on the seats nobody holds. Returns how many suggestions it made. Takes the
    suggestions lock in its own transaction; safe to run twice."""
    with transaction.atomic():
        transaction_lock(LOCK)
        return _repair(snapshot, set(mentee_ids), set(mentor_ids))


def _repair(snapshot: Snapshot, mentee_ids: set[int], mentor_ids: set[int]) -> int:
    pool = snapshot.pool
    held = list(
        Match.objects.filter(suggested=True).values_list("id", "mentee_id", "mentor_id", "score")
    )
    active = set(
        Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).values_list(
            "mentee_id", flat=True
        )
    )
    seats = np.where(pool.arrays.eligible, pool.free_capacity, 0).astype(np.int64)
    keep: list[tuple[int, int, int, float, int]] = []
    dropped: list[tuple[int, int, int]] = []  # (match id, mentee id, mentor id)
    for match_id, mentee_id, mentor_id, value in held:
        column = pool.index.get(mentor_id)
        if mentee_id in active or column is None or not seats[column]:
            dropped.append((match_id, mentee_id, mentor_id))
        else:
            keep.append((match_id, mentee_id, column, value, mentor_id))
    # A mentor holding more suggestions than free seats keeps those it scores best.
    keep.sort(key=lambda entry: (entry[2], -entry[3], entry[1]))
    load = np.zeros(len(pool), dtype=np.int64)
    kept = []
    for entry in keep:
        if load[entry[2]] < seats[entry[2]]:
            load[entry[2]] += 1
            kept.append(entry)
        else:
            dropped.append((entry[0], entry[1], entry[4]))
    suggested_mentees = {entry[1] for entry in kept}
    candidates = sorted(
        ({*mentee_ids, *(mentee for _, mentee, _ in dropped)} - suggested_mentees) - active
    )
    waiting_ids = [
        user_id
        for ids in batched(candidates, query_batch_size())
        for user_id in MenteeProfile.objects.filter(user_id__in=ids).values_list(
            "user_id", flat=True
        )
    ]
    _drop(dropped)
    if not waiting_ids:
        _invalidate(dropped, [])
        return 0
    spare = np.maximum(seats - load, 0)
    ids = np.array(sorted(waiting_ids), dtype=np.int64)
    rows = [
        row
        for batch in batched(ids.tolist(), query_batch_size())
        for row in Match.objects.filter(mentee_id__in=batch, suggested=False).values_list(
            "id", "mentee_id", "mentor_id", "score"
        )
    ]
    index = {int(mentee_id): position for position, mentee_id in enumerate(ids.tolist())}
    mentee_index = np.array([index[row[1]] for row in rows], dtype=np.int64)
    columns = _pool_columns(snapshot, np.array([row[2] for row in rows], dtype=np.int64))
    scores = np.array([row[3] for row in rows], dtype=np.float64)
    usable = (columns >= 0) & (spare[np.maximum(columns, 0)] > 0) if rows else np.zeros(0, bool)
    lists = _lists(snapshot, mentee_index[usable], ids, columns[usable], scores[usable])
    filler = _Filler(snapshot, ids)
    placement = place(lists, spare, len(ids), band=snapshot.prepared.band, fill=filler)
    chosen = _chosen_pairs(placement.assigned, ids, pool.arrays.ids)
    existing = {(mentee, mentor): match_id for match_id, mentee, mentor, _ in rows}
    matches_set_suggested(
        match_ids=sorted(existing[pair] for pair in chosen if pair in existing), value=True
    )
    beyond = [pair for pair in chosen if pair not in existing]
    matches_insert(scored=_beyond_lists(beyond, filler), suggested=set(beyond))
    _invalidate(dropped, chosen)
    if chosen or dropped:
        logger.info("suggestions repaired: %s dropped, %s made", len(dropped), len(chosen))
    return len(chosen)


def _drop(dropped: list[tuple[int, int, int]]) -> None:
    """Unsuggest these matches; one written only because it was suggested (beyond the top k)
    goes."""
    ids = [match_id for match_id, _, _ in dropped]
    for batch in batched(ids, query_batch_size()):
        Match.objects.filter(pk__in=batch, rank__gt=settings.MATCHING_TOP_K).delete()
    matches_set_suggested(match_ids=ids, value=False)


def _invalidate(dropped: list[tuple[int, int, int]], chosen: Sequence[tuple[int, int]]) -> None:
    """The pages of everyone whose suggestion changed, on both sides, once this commits."""
    people = {person for _, *pair in dropped for person in pair}
    people |= {person for pair in chosen for person in pair}
    if people:
        transaction.on_commit(functools.partial(matches_changed, user_ids=people))


def _pool_columns(snapshot: Snapshot, mentor_ids: np.ndarray) -> np.ndarray:
    """Each mentor id's column in the pool, or -1 (not an approved mentor any more)."""
    pool_ids = snapshot.pool.arrays.ids
    if not len(pool_ids) or not len(mentor_ids):
        return np.full(len(mentor_ids), -1, dtype=np.int64)
    positions = np.searchsorted(pool_ids, mentor_ids).clip(max=len(pool_ids) - 1)
    return np.where(pool_ids[positions] == mentor_ids, positions, -1).astype(np.int64)


def _lists(
    snapshot: Snapshot,
    mentee_index: np.ndarray,
    mentee_ids: np.ndarray,
    columns: np.ndarray,
    scores: np.ndarray,
) -> Lists:
    arrays = snapshot.pool.arrays
    tickets = best_tickets(
        mentee_ids[mentee_index], arrays.ids[columns], arrays.free_seats[columns]
    )
    return Lists(mentee_index.astype(np.int64), columns, scores.astype(np.float64), tickets)


def _in_active_mentorship(mentee_ids: np.ndarray) -> np.ndarray:
    taken = Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).values_list(
        "mentee_id", flat=True
    )
    return np.isin(mentee_ids, np.fromiter(taken, dtype=np.int64))


def _chosen_pairs(
    assigned: np.ndarray, mentee_ids: np.ndarray, mentor_ids: np.ndarray
) -> list[tuple[int, int]]:
    placed = np.flatnonzero(assigned >= 0)
    return list(
        zip(mentee_ids[placed].tolist(), mentor_ids[assigned[placed]].tolist(), strict=True)
    )


def _beyond_lists(pairs: list[tuple[int, int]], filler: _Filler) -> ScoredMatches:
    """Suggested pairs from the fill rounds (outside the stored top k) as matches, listed after
    the top k, explained like every other."""
    chosen = filler.chosen(pairs) if pairs else []
    return ScoredMatches(
        mentee_ids=[mentee for mentee, _ in pairs],
        mentor_ids=[mentor for _, mentor in pairs],
        ranks=[settings.MATCHING_TOP_K + 1] * len(pairs),
        scores=[pair.score for pair in chosen],
        components=[value for pair in chosen for value in pair.components],
        digests=[pair.digest for pair in chosen],
        explain=explained_by([pair.explanation for pair in chosen]),
        computed_at=timezone.now(),
    )


def _top_shares(kind: str, counts: np.ndarray, seats: np.ndarray) -> dict[str, float]:
    """The share of `counts` the top `TOP_SHARE` of mentors (by `counts`) hold, and their share
    of the free seats."""
    if not counts.shape[0] or not counts.sum():
        return {}
    top = np.argsort(-counts, kind="stable")[: max(1, int(np.ceil(TOP_SHARE * counts.shape[0])))]
    return {
        f"top_mentors_{kind}_share": round(float(counts[top].sum() / counts.sum()), 4),
        f"top_mentors_{kind}_seat_share": round(float(seats[top].sum() / max(seats.sum(), 1)), 4),
    }
