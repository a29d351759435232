"""Full matching runs: start, plan, chunk, finish, fail, re-dispatch; and the only place that
enqueues matching work (runs, their chunks, and the refreshes that events ask for).

A full run: `match_run_start` records a pending run and enqueues it; `match_run_execute` (its
task) marks it running, splits the mentees (by user id) into chunks of `MATCHING_CHUNK_SIZE` and
sends them as a Celery group that spreads over the workers; `match_chunk_score` scores one chunk
and replaces its mentees' matches batch by batch (`scoring`), counting the chunk once however
often it runs; the chunk that completes the run triggers `match_run_finish`, the stable
assignment that marks one `suggested` mentor per mentee (`suggestions`).
`python manage.py run_matching` calls the same functions in order, without a worker.

Tasks are enqueued by name (see `mentorship.core.queueing`): `tasks` calls this module, so this
module does not import it.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.core.queueing import enqueue_group, enqueue_on_commit
from mentorship.matching.delta import pack, record_plan, records_prune, unsettled
from mentorship.matching.features import MenteeBatch, features_pack
from mentorship.matching.models import Match, MatchRun, MatchRunChunk
from mentorship.matching.scoring import MenteeBatchSpec, score_and_write
from mentorship.matching.snapshot import snapshot_for
from mentorship.matching.suggestions import suggestions_assign
from mentorship.profiles.models import MenteeProfile

logger = logging.getLogger(__name__)

_TASKS = "mentorship.matching.tasks"
RUN_EXECUTE_TASK = f"{_TASKS}.match_run_execute"
CHUNK_SCORE_TASK = f"{_TASKS}.match_chunk_score"
REFRESH_MENTEE_TASK = f"{_TASKS}.matches_refresh_mentee"
REFRESH_MENTOR_TASK = f"{_TASKS}.matches_refresh_mentor"
TASK_NAMES = (RUN_EXECUTE_TASK, CHUNK_SCORE_TASK, REFRESH_MENTEE_TASK, REFRESH_MENTOR_TASK)

STUCK_AFTER = timedelta(minutes=10)
# A run that wrote more than this share of the rows it stores has the match table analyzed.
ANALYZE_AFTER = 0.1


@dataclass(frozen=True)
class ChunkSpec:
    index: int
    first_id: int
    last_id: int


def match_run_start(*, by: User | None, mode: str | None = None) -> MatchRun:
    """Record a pending run and enqueue it once the transaction commits. `mode`: how it
    suggests (`MatchRun.Mode`; default `MATCHING_ASSIGNMENT_MODE`)."""
    run = MatchRun.objects.create(started_by=by, mode=mode or settings.MATCHING_ASSIGNMENT_MODE)
    enqueue_on_commit(RUN_EXECUTE_TASK, run.pk)
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
    snapshot = snapshot_for(run)
    record_plan(run=run, pool=snapshot.pool, taxonomy=snapshot.taxonomy)
    run.mentees_total = len(ids)
    run.mentors_total = len(snapshot.pool)
    run.chunks_total = len(chunks)
    run.save()
    return chunks


def match_run_execute(*, run_id: int) -> int:
    """Plan the run and send its chunks as a group (or finish a run with none); returns the
    chunk count. Safe to run twice: planning and chunks are idempotent."""
    chunks = match_run_plan(run_id=run_id)
    if not chunks:
        match_run_finish(run_id=run_id)
        return 0
    enqueue_group(
        CHUNK_SCORE_TASK,
        [(run_id, chunk.index, chunk.first_id, chunk.last_id) for chunk in chunks],
    )
    return len(chunks)


def match_chunk_score(*, run_id: int, chunk: ChunkSpec, worker: str = "") -> int:
    """Score one chunk and bring its mentees' matches to the new lists; returns how many rows
    were written (new or changed: `store` leaves the others alone).

    The chunk is written in batches of `MATCHING_BATCH_SIZE` mentees, each batch replacing its
    mentees' matches in one transaction (see `scoring`). Idempotent: a retried or redelivered
    chunk rewrites the same matches and is counted once.
    """
    snapshot = snapshot_for(MatchRun.objects.only("pk", "started_at").get(pk=run_id))
    ids = list(
        MenteeProfile.objects.filter(user_id__gte=chunk.first_id, user_id__lte=chunk.last_id)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    # Batches tile the chunk's id range, so every match in it is replaced, as by one batch. With
    # the features its baseline recorded a run re-scores and writes few mentees: the chunk is one
    # batch (one fingerprint query, one load of the changed, one engine call, one transaction),
    # as a batch's fixed costs would be most of its time.
    baseline = snapshot.baseline()
    cached = (
        baseline.features(chunk.first_id, chunk.last_id, snapshot.taxonomy, snapshot.pool)
        if baseline is not None
        else None
    )
    size = settings.MATCHING_BATCH_SIZE if cached is None else max(len(ids), 1)
    starts = [chunk.first_id, *ids[size::size]]
    ends = [start - 1 for start in starts[1:]] + [chunk.last_id]
    written = score_and_write(
        snapshot,
        [MenteeBatchSpec.id_range(first, last) for first, last in zip(starts, ends, strict=True)],
        keep_beyond=True,  # the run's placement confirms or removes them (`suggestions`)
        baseline=baseline,
        record=True,
        cached=cached,
    )
    mentees = (
        np.concatenate(written.records, axis=1) if written.records else np.zeros((3, 0), np.int64)
    )
    features = (
        features_pack(
            MenteeBatch.join([batch for batch, _ in written.features]),
            np.concatenate([prints for _, prints in written.features], axis=1),
        )
        if written.features
        else None
    )
    with transaction.atomic():
        _, first_time = MatchRunChunk.objects.get_or_create(
            run_id=run_id,
            index=chunk.index,
            defaults={
                "matches_written": written.inserted,
                "matches_unchanged": written.unchanged,
                "mentees_rescored": written.rescored,
                "worker": worker[:200],
                "mentees": pack(*mentees),
                "unsettled": unsettled(run_id=run_id, pool=snapshot.pool),
                "features": features,
            },
        )
        if first_time:
            MatchRun.objects.filter(pk=run_id).update(
                chunks_done=F("chunks_done") + 1,
                matches_written=F("matches_written") + written.inserted,
                matches_unchanged=F("matches_unchanged") + written.unchanged,
                mentees_rescored=F("mentees_rescored") + written.rescored,
            )
    return written.inserted


def match_run_finish(*, run_id: int) -> bool:
    """Once every chunk is in, place the mentees (`suggestions`) and mark the run done (once).

    Returns whether this call finished the run. Holds the run's row lock, so concurrent calls
    from the last two chunks finish it once.
    """
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        if run.status != MatchRun.Status.RUNNING or run.chunks_done < run.chunks_total:
            return False
        scoring_done = timezone.now()
        started = time.perf_counter()
        snapshot = snapshot_for(run)
        outcome = suggestions_assign(snapshot=snapshot, mode=run.mode)
        snapshot.mentee_batches.clear()
        run.assignment_seconds = round(time.perf_counter() - started, 3)
        run.suggestions, run.fill_rounds = outcome.suggestions, outcome.fill_rounds
        for name, value in outcome.concentration.items():
            setattr(run, name, value)
        started_at = run.started_at or scoring_done  # set when the run was planned
        run.scoring_seconds = round((scoring_done - started_at).total_seconds(), 3)
        run.status = MatchRun.Status.DONE
        run.finished_at = timezone.now()
        run.save()
        records_prune(run=run)  # a record a night, not a year of them
    stored = run.matches_written + run.matches_unchanged
    if connection.vendor == "postgresql" and run.matches_written > ANALYZE_AFTER * stored:
        # The run rewrote the table: fresh statistics keep the per-user match queries on their
        # index (with stale ones the planner scanned every approved mentor instead). A run that
        # wrote a few rows leaves them to autovacuum's own threshold (a tenth of the table by
        # default), rather than sampling a million rows (0.8 s) for nothing.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Match._meta.db_table}")
    logger.info(
        "matching run %s done: %s mentees (%s re-scored), %s matches written, %s unchanged, "
        "%s suggestions",
        run_id,
        run.mentees_total,
        run.mentees_rescored,
        run.matches_written,
        run.matches_unchanged,
        run.suggestions,
    )
    return True


def match_run_fail(*, run_id: int, error: str) -> None:
    """Mark a run failed with its error (a run already done stays done)."""
    MatchRun.objects.filter(pk=run_id).exclude(status=MatchRun.Status.DONE).update(
        status=MatchRun.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def match_runs_redispatch_stuck(*, now: datetime | None = None) -> int:
    """Re-enqueue runs that never started (their message was lost) or stopped moving (every
    worker died mid-run): planning and chunks are idempotent, so this only finishes them."""
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
        enqueue_on_commit(RUN_EXECUTE_TASK, run_id)
    if stuck:
        logger.warning("re-dispatched stuck matching runs %s", stuck)
    return len(stuck)


def matches_refresh_request(*, user_id: int, kind: Literal["mentee", "mentor"]) -> None:
    """Enqueue the re-scoring of what a change of this mentee or mentor touches (after the
    current transaction commits; a broker outage is logged, and the nightly run catches up)."""
    enqueue_on_commit(REFRESH_MENTEE_TASK if kind == "mentee" else REFRESH_MENTOR_TASK, user_id)
