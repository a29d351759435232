"""Writes for matching: full runs split into chunks, incremental refreshes, stored matches.

A full run: `match_run_start` records a pending run and enqueues it; `match_run_plan` splits the
mentees (by user id) into chunks that a Celery group spreads over the workers;
`match_chunk_score` scores one chunk and replaces its mentees' matches in one transaction (readers
see the old list or the new, never none), counting the chunk once however often it runs; the
chunk that completes the run triggers `match_run_finish`, the stable assignment that marks one
`suggested` mentor per mentee. `python manage.py run_matching` calls the same functions in order.

A profile change re-scores only what it touches: a mentee's change that mentee, a mentor's change
the mentees whose top-k lists the mentor is in or now enters.
"""

import functools
import json
import logging
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.core.bulk import numeric_columns
from mentorship.core.connection_threads import ConnectionThreads
from mentorship.core.queueing import enqueue_on_commit
from mentorship.matching import engine
from mentorship.matching.assignment import mentor_prefs_from_scores, stable_assignment
from mentorship.matching.cache import matches_changed
from mentorship.matching.explanations import Explainer
from mentorship.matching.features import (
    MenteeBatch,
    MentorPool,
    Taxonomy,
    mentee_batch_load,
    mentor_pool_load,
    taxonomy_load,
)
from mentorship.matching.models import Match, MatchRun, MatchRunChunk
from mentorship.mentorships.models import Mentorship
from mentorship.profiles.models import MenteeProfile

logger = logging.getLogger(__name__)

WRITE_BATCH = 5000
# Replacing the matches of at most this many mentees (a refresh) invalidates the cached pages of
# the people it touches; a full-run chunk (thousands) invalidates every page at once.
TARGETED_INVALIDATION_MENTEES = 100
BACKSLASH = "\\"


@dataclass(frozen=True)
class ChunkSpec:
    index: int
    first_id: int
    last_id: int


@dataclass
class _Snapshot:
    """What every chunk of a run shares; loaded once per run in each worker process."""

    key: tuple | None
    taxonomy: Taxonomy
    pool: MentorPool
    prepared: engine.PreparedMentors  # the pool's side of scoring, with the weights
    explainer: Explainer


_run_snapshot: dict[str, _Snapshot] = {}  # per process, the run being worked on


def _snapshot_for(run: MatchRun | None) -> _Snapshot:
    """The run's shared snapshot (loaded once per process), or a fresh one for `None`."""
    key = (run.pk, run.started_at) if run is not None else None
    cached = _run_snapshot.get("current")
    if key is not None and cached is not None and cached.key == key:
        return cached
    taxonomy = taxonomy_load()
    pool = mentor_pool_load(taxonomy)
    prepared = engine.PreparedMentors(
        pool.arrays, taxonomy.role_similarity, settings.MATCHING_WEIGHTS
    )
    snapshot = _Snapshot(
        key=key,
        taxonomy=taxonomy,
        pool=pool,
        prepared=prepared,
        explainer=Explainer(taxonomy, pool.arrays),
    )
    if key is not None:
        _run_snapshot["current"] = snapshot
    return snapshot


def _score(snapshot: _Snapshot, batch: MenteeBatch) -> engine.ScoreResult:
    return snapshot.prepared.score(
        batch.arrays, k=settings.MATCHING_TOP_K, exclusions=batch.exclusions
    )


@dataclass
class ScoredMatches:
    """The matches of a batch of mentees, column by column, by mentee then rank.

    Columns of plain Python values rather than a tuple or dict per match: a batch holds tens of
    thousands of matches, and the fewer container objects it makes, the less time goes to
    allocating them and to the garbage collector walking them.
    """

    mentee_ids: list[int]
    mentor_ids: list[int]
    ranks: list[int]
    scores: list[float]
    components: list[float]  # len(COMPONENTS) values per match, flat
    explanations: list[list[str]]
    computed_at: datetime
    # Each match in COPY's text format up to its last column, `suggested` (see `format_for_copy`)
    copy_rows: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.mentee_ids)

    def format_for_copy(self) -> None:
        """Fill `copy_rows`. JSON carries no raw tab or newline, so doubling backslashes is all
        the escaping COPY's text format needs."""
        stamp = self.computed_at.isoformat()
        self.copy_rows = [
            f"{mentee_id}\t{mentor_id}\t{rank}\t{score!r}\t{_COMPONENTS_JSON % components}\t"
            f"{json.dumps(explanation).replace(BACKSLASH, BACKSLASH * 2)}\t{stamp}\t"
            for mentee_id, mentor_id, rank, score, components, explanation in self._matches()
        ]

    def copy_text(self, *, suggested: set[tuple[int, int]]) -> str:
        """The COPY payload (columns `COPY_COLUMNS`); the pairs in `suggested` stay suggested."""
        if not suggested:
            return "f\n".join(self.copy_rows) + "f\n" if self.copy_rows else ""
        return "".join(
            f"{row}{'t' if pair in suggested else 'f'}\n"
            for row, pair in zip(
                self.copy_rows, zip(self.mentee_ids, self.mentor_ids, strict=True), strict=True
            )
        )

    def objects(self, *, suggested: set[tuple[int, int]]) -> Iterable[Match]:
        for mentee_id, mentor_id, rank, score, components, explanation in self._matches():
            yield Match(
                mentee_id=mentee_id,
                mentor_id=mentor_id,
                rank=rank,
                score=score,
                components=dict(zip(engine.COMPONENTS, components, strict=True)),
                explanation=explanation,
                suggested=(mentee_id, mentor_id) in suggested,
                computed_at=self.computed_at,
            )

    def _matches(self) -> Iterable[tuple]:
        """(mentee, mentor, rank, score, components tuple, explanation) of each match."""
        flat = iter(self.components)
        components = zip(*[flat] * len(engine.COMPONENTS), strict=True)  # consecutive groups
        return zip(
            self.mentee_ids,
            self.mentor_ids,
            self.ranks,
            self.scores,
            components,
            self.explanations,
            strict=True,
        )


COPY_COLUMNS = "mentee_id, mentor_id, rank, score, components, explanation, computed_at, suggested"
# The components as JSON, keys in `COMPONENTS` order; a float's repr is its JSON form.
_COMPONENTS_JSON = "{" + ", ".join(f'"{name}": %r' for name in engine.COMPONENTS) + "}"


def _scored_matches(snapshot: _Snapshot, batch: MenteeBatch, *, for_copy: bool) -> ScoredMatches:
    """Score the batch against the pool and explain every returned pair (formatted for COPY
    when `for_copy`). Touches no database, so it can run in a helper thread while the caller's
    connection writes the previous batch."""
    now = timezone.now()
    if not len(snapshot.pool) or not len(batch.arrays):
        return ScoredMatches([], [], [], [], [], [], computed_at=now)
    result = _score(snapshot, batch)
    row, slot = np.nonzero(result.mentor_index >= 0)  # padding (-1) closes a row
    columns = result.mentor_index[row, slot]
    components = result.components[row, slot].astype(np.float64).round(4)
    scored = ScoredMatches(
        mentee_ids=batch.arrays.ids[row].tolist(),
        mentor_ids=snapshot.pool.arrays.ids[columns].tolist(),
        ranks=(slot + 1).tolist(),
        scores=result.score[row, slot].astype(np.float64).round(6).tolist(),
        components=components.reshape(-1).tolist(),
        explanations=snapshot.explainer.explain(batch.arrays, row, columns, components),
        computed_at=now,
    )
    if for_copy:
        scored.format_for_copy()
    return scored


def _replace_matches(
    mentees: Q, matches: Q, scored: ScoredMatches, *, keep_suggested: bool = False
) -> None:
    """Replace the `matches` of the `mentees` (a MenteeProfile filter) with `scored`.

    The caller holds a transaction. The mentees' profile rows are locked in id order first, so a
    full-run chunk and a refresh that touch the same mentee take turns instead of colliding on
    the unique pair. With `keep_suggested`, a suggested pair still matched stays suggested.
    """
    locked = list(
        MenteeProfile.objects.select_for_update(no_key=True)
        .filter(mentees)
        .order_by("user_id")
        .values_list("pk", flat=True)
    )
    existing = Match.objects.filter(matches)
    suggested = (
        set(existing.filter(suggested=True).values_list("mentee_id", "mentor_id"))
        if keep_suggested
        else set()
    )
    if len(locked) <= TARGETED_INVALIDATION_MENTEES:
        # A refresh: only these mentees' pages and those of the mentors they leave or enter.
        touched = {*locked, *scored.mentor_ids}
        for mentee_id, mentor_id in existing.values_list("mentee_id", "mentor_id"):
            touched.update((mentee_id, mentor_id))
        transaction.on_commit(functools.partial(matches_changed, user_ids=touched))
    else:
        transaction.on_commit(matches_changed)
    existing.delete()
    if connection.vendor == "postgresql":
        # COPY: an order of magnitude faster than INSERTs for a million matches.
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3
            with raw.copy(f"COPY {Match._meta.db_table} ({COPY_COLUMNS}) FROM STDIN") as copy:
                copy.write(scored.copy_text(suggested=suggested))
        return
    Match.objects.bulk_create(scored.objects(suggested=suggested), batch_size=WRITE_BATCH)


@dataclass(frozen=True)
class _MenteeBatchSpec:
    """Which mentees to score (a MenteeProfile filter) and whose matches the result replaces."""

    profiles: Q
    matches: Q

    @classmethod
    def ids(cls, ids: Sequence[int]) -> "_MenteeBatchSpec":
        return cls(Q(user_id__in=ids), Q(mentee_id__in=ids))

    @classmethod
    def id_range(cls, first: int, last: int) -> "_MenteeBatchSpec":
        return cls(
            Q(user_id__gte=first, user_id__lte=last), Q(mentee_id__gte=first, mentee_id__lte=last)
        )


def _score_and_write(
    snapshot: _Snapshot, batches: Sequence[_MenteeBatchSpec], *, keep_suggested: bool = False
) -> int:
    """Score each batch of mentees and replace their matches, one transaction per batch;
    returns how many matches were written.

    Three things overlap: the caller's thread loads batch i + 1, a helper thread scores and
    explains it, and batch i is written. On PostgreSQL, outside a transaction of the caller's,
    the writes go to `MATCHING_WRITE_CONNECTIONS` connections of their own: the server's side of
    a write (the COPY, its indexes, the foreign-key checks at commit) is most of a chunk's cost,
    and one connection is one server process on one core.
    """

    def write(spec: _MenteeBatchSpec, scored: ScoredMatches) -> int:
        with transaction.atomic():
            _replace_matches(spec.profiles, spec.matches, scored, keep_suggested=keep_suggested)
        return len(scored)

    for_copy = connection.vendor == "postgresql"
    # A single batch (a refresh of one mentee) has nothing to overlap: written right here.
    own_connections = (
        min(settings.MATCHING_WRITE_CONNECTIONS, len(batches) - 1)
        if for_copy and not connection.in_atomic_block
        else 0
    )
    pending: tuple[_MenteeBatchSpec, Future[ScoredMatches]] | None = None
    with (
        ConnectionThreads(own_connections) as writers,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="match-scoring") as helper,
    ):
        for spec in batches:
            batch = mentee_batch_load(snapshot.taxonomy, snapshot.pool, profiles=spec.profiles)
            following = (spec, helper.submit(_scored_matches, snapshot, batch, for_copy=for_copy))
            if pending is not None:
                writers.submit(write, pending[0], pending[1].result())
            pending = following
        if pending is not None:
            writers.submit(write, pending[0], pending[1].result())
    return sum(writers.results)


# --- full runs --------------------------------------------------------------------------------


def match_run_start(*, by: User | None) -> MatchRun:
    """Record a pending run and enqueue it once the transaction commits."""
    from mentorship.matching.tasks import run_matching

    run = MatchRun.objects.create(started_by=by)
    enqueue_on_commit(run_matching, run.pk)
    logger.info("matching run %s requested by %s", run.pk, by.pk if by else "command")
    return run


@transaction.atomic
def match_run_plan(*, run_id: int) -> list[ChunkSpec]:
    """Mark the run running and split the mentees into chunks of `MATCHING_CHUNK_SIZE`.

    Returns nothing for a run that is already done or failed, so a redelivered task does no
    harm; a redelivered plan of a running run returns the same chunks (chunks are idempotent).
    """
    run = MatchRun.objects.select_for_update().get(pk=run_id)
    if run.status in (MatchRun.Status.DONE, MatchRun.Status.FAILED):
        return []
    ids = list(MenteeProfile.objects.order_by("user_id").values_list("user_id", flat=True))
    size = settings.MATCHING_CHUNK_SIZE
    chunks = [
        ChunkSpec(index=index, first_id=ids[start], last_id=ids[min(start + size, len(ids)) - 1])
        for index, start in enumerate(range(0, len(ids), size))
    ]
    run.status = MatchRun.Status.RUNNING
    run.started_at = run.started_at or timezone.now()
    run.mentees_total = len(ids)
    run.mentors_total = len(_snapshot_for(run).pool)
    run.chunks_total = len(chunks)
    run.save()
    return chunks


def match_chunk_score(*, run_id: int, chunk: ChunkSpec, worker: str = "") -> int:
    """Score one chunk and replace its mentees' matches; returns how many were written.

    The chunk is written in batches of `MATCHING_BATCH_SIZE` mentees, each batch replacing its
    mentees' matches in one transaction (see `_score_and_write`). Idempotent: a retried or
    redelivered chunk rewrites the same matches and is counted once.
    """
    snapshot = _snapshot_for(MatchRun.objects.only("pk", "started_at").get(pk=run_id))
    ids = list(
        MenteeProfile.objects.filter(user_id__gte=chunk.first_id, user_id__lte=chunk.last_id)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    # Batches tile the chunk's id range, so every match in it is replaced, as by one batch.
    starts = [chunk.first_id, *ids[settings.MATCHING_BATCH_SIZE :: settings.MATCHING_BATCH_SIZE]]
    ends = [start - 1 for start in starts[1:]] + [chunk.last_id]
    written = _score_and_write(
        snapshot,
        [_MenteeBatchSpec.id_range(first, last) for first, last in zip(starts, ends, strict=True)],
    )
    with transaction.atomic():
        _, first_time = MatchRunChunk.objects.get_or_create(
            run_id=run_id,
            index=chunk.index,
            defaults={"matches_written": written, "worker": worker[:200]},
        )
        if first_time:
            MatchRun.objects.filter(pk=run_id).update(
                chunks_done=F("chunks_done") + 1, matches_written=F("matches_written") + written
            )
    return written


def match_run_finish(*, run_id: int) -> bool:
    """Once every chunk is in, run the stable assignment and mark the run done (exactly once).

    Returns whether this call finished the run. Holds the run's row lock, so concurrent calls
    from the last two chunks finish it once.
    """
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        if run.status != MatchRun.Status.RUNNING or run.chunks_done < run.chunks_total:
            return False
        scoring_done = timezone.now()
        started = time.perf_counter()
        run.suggestions = suggestions_assign(pool=_snapshot_for(run).pool)
        run.assignment_seconds = round(time.perf_counter() - started, 3)
        run.scoring_seconds = round((scoring_done - run.started_at).total_seconds(), 3)
        run.status = MatchRun.Status.DONE
        run.finished_at = timezone.now()
        run.save()
    if connection.vendor == "postgresql":
        # The run rewrote the table: fresh statistics keep the per-user match queries on their
        # index (with stale ones the planner scanned every approved mentor instead).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Match._meta.db_table}")
    logger.info(
        "matching run %s done: %s mentees, %s matches, %s suggestions",
        run_id,
        run.mentees_total,
        run.matches_written,
        run.suggestions,
    )
    return True


STUCK_AFTER = timedelta(minutes=10)


def match_runs_redispatch_stuck(*, now: datetime | None = None) -> int:
    """Re-enqueue runs that never started (their message was lost) or stopped moving (every
    worker died mid-run): planning and chunks are idempotent, so this only finishes them."""
    from mentorship.matching.tasks import run_matching

    cutoff = (now or timezone.now()) - STUCK_AFTER
    stuck = list(
        MatchRun.objects.filter(
            Q(status=MatchRun.Status.PENDING, created_at__lt=cutoff)
            | Q(status=MatchRun.Status.RUNNING, started_at__lt=cutoff)
        )
        .exclude(chunks__done_at__gte=cutoff)
        .values_list("pk", flat=True)
        .distinct()
    )
    for run_id in stuck:
        enqueue_on_commit(run_matching, run_id)
    if stuck:
        logger.warning("re-dispatched stuck matching runs %s", stuck)
    return len(stuck)


def match_run_fail(*, run_id: int, error: str) -> None:
    MatchRun.objects.filter(pk=run_id).exclude(status=MatchRun.Status.DONE).update(
        status=MatchRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def suggestions_assign(*, pool: MentorPool) -> int:
    """Mentee-proposing deferred acceptance over the stored top-k lists, within each mentor's
    free capacity; marks the proposed match of each mentee `suggested`. Returns how many.

    Mentees in an active mentorship do not propose: they cannot request a mentor, so they must
    not hold a place another mentee could be proposed.
    """
    stored = numeric_columns(
        Match.objects.all(), ["id", "mentee", "mentor", "rank", "score", "suggested"]
    )
    if not len(stored["id"]):
        return 0
    previously = set(stored["id"][stored["suggested"]].tolist())
    order = np.lexsort((stored["rank"], stored["mentee"]))  # each mentee's list, best first
    match_ids, mentee_ids = stored["id"][order], stored["mentee"][order]
    mentor_ids, scores = stored["mentor"][order], stored["score"][order]
    # The pool's ids are sorted: a binary search maps mentor ids to pool columns.
    positions = np.searchsorted(pool.arrays.ids, mentor_ids).clip(max=max(len(pool) - 1, 0))
    found = len(pool) > 0 and pool.arrays.ids[positions] == mentor_ids
    mentor_columns = np.where(found, positions, -1)
    taken = Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).values_list(
        "mentee_id", flat=True
    )
    usable = (mentor_columns >= 0) & ~np.isin(mentee_ids, np.fromiter(taken, dtype=np.int64))
    match_ids, mentee_ids = match_ids[usable], mentee_ids[usable]
    mentor_columns, scores = mentor_columns[usable], scores[usable]
    starts = np.flatnonzero(np.r_[True, mentee_ids[1:] != mentee_ids[:-1]])
    bounds = [*starts.tolist(), len(mentee_ids)]
    mentee_prefs = [mentor_columns[a:b].tolist() for a, b in pairwise(bounds)]
    pair_scores = [scores[a:b].tolist() for a, b in pairwise(bounds)]
    mentor_prefs = mentor_prefs_from_scores(mentee_prefs, pair_scores, n_mentors=len(pool))
    assigned = stable_assignment(mentee_prefs, mentor_prefs, pool.free_capacity.tolist())
    chosen = {
        int(match_ids[bounds[mentee] + mentee_prefs[mentee].index(mentor)])
        for mentee, mentor in enumerate(assigned.tolist())
        if mentor >= 0
    }
    # Only the difference is written: after a full run no match is suggested yet.
    _set_suggested(sorted(previously - chosen), value=False)
    _set_suggested(sorted(chosen - previously), value=True)
    transaction.on_commit(matches_changed)
    return len(chosen)


def _set_suggested(match_ids: list[int], *, value: bool) -> None:
    if connection.vendor == "postgresql":  # one statement, the ids as one array parameter
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Match._meta.db_table} SET suggested = %s WHERE id = ANY(%s)",  # noqa: S608
                [value, match_ids],
            )
        return
    for start in range(0, len(match_ids), 900):  # SQLite: stay under its bound-variable limit
        Match.objects.filter(pk__in=match_ids[start : start + 900]).update(suggested=value)


# --- incremental refreshes --------------------------------------------------------------------


def matches_refresh_mentees(*, mentee_ids: Sequence[int]) -> int:
    """Re-score these mentees against the whole pool and replace their matches."""
    if not mentee_ids:
        return 0
    return _score_and_write(
        _snapshot_for(None),
        [
            _MenteeBatchSpec.ids(ids)
            for ids in _batches(sorted(set(mentee_ids)), settings.MATCHING_BATCH_SIZE)
        ],
        keep_suggested=True,
    )


def matches_refresh_mentor(*, mentor_id: int) -> int:
    """Re-score the lists a mentor's change touches: those it is in, and those it now enters."""
    touched = set(Match.objects.filter(mentor_id=mentor_id).values_list("mentee_id", flat=True))
    snapshot = _snapshot_for(None)
    column = snapshot.pool.index.get(mentor_id)
    if column is not None and snapshot.pool.arrays.eligible[column]:
        touched |= _mentees_entered_by(snapshot, column)
    return matches_refresh_mentees(mentee_ids=sorted(touched))


def _mentees_entered_by(snapshot: _Snapshot, column: int) -> set[int]:
    """Mentees for whom this mentor now scores at least their current k-th match (or who have
    fewer than k): one column of scores, computed chunk by chunk over every mentee."""
    only = _single_mentor_pool(snapshot.pool, column)
    lists = {
        mentee_id: (count, worst)
        for mentee_id, count, worst in Match.objects.values("mentee_id")
        .annotate(count=Count("pk"), worst=Min("score"))
        .values_list("mentee_id", "count", "worst")
    }
    k = settings.MATCHING_TOP_K
    entered: set[int] = set()
    ids = list(MenteeProfile.objects.order_by("user_id").values_list("user_id", flat=True))
    for chunk in _batches(ids, settings.MATCHING_CHUNK_SIZE):
        batch = mentee_batch_load(
            snapshot.taxonomy, only, profiles=Q(user_id__gte=chunk[0], user_id__lte=chunk[-1])
        )
        result = engine.score(
            batch.arrays,
            only.arrays,
            snapshot.taxonomy.role_similarity,
            settings.MATCHING_WEIGHTS,
            k=1,
            exclusions=batch.exclusions,
        )
        for row, mentee_id in enumerate(batch.ids):
            if result.mentor_index[row, 0] < 0:
                continue
            count, worst = lists.get(mentee_id, (0, 0.0))
            if count < k or result.score[row, 0] >= worst:
                entered.add(mentee_id)
    return entered


def _single_mentor_pool(pool: MentorPool, column: int) -> MentorPool:
    arrays = pool.arrays
    keep = slice(column, column + 1)
    one = engine.MentorArrays(
        ids=arrays.ids[keep],
        roles=arrays.roles[keep],
        background=arrays.background[keep],
        utc_offset=arrays.utc_offset[keep],
        languages=arrays.languages[keep],
        skill_level=arrays.skill_level[keep],
        eligible=arrays.eligible[keep],
    )
    return MentorPool(
        arrays=one,
        free_capacity=pool.free_capacity[keep],
        index={int(arrays.ids[column]): 0},
    )


def _batches(items: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
