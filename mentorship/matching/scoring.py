"""Scoring batches of mentees against a snapshot and writing their matches.

A batch is loaded (`features`), scored (`engine`), digested and written (`store`: only the rows
that differ from the stored ones, explained by `explanations` as they are written), one transaction
per batch. Three things overlap: the caller's thread loads batch i + 1, a helper thread scores and
digests it, and batch i is written. On PostgreSQL, outside a transaction of the caller's, the
writes go to `MATCHING_WRITE_CONNECTIONS` connections of their own: the server's side of a write
(the COPY, its indexes, the foreign-key checks at commit) is most of a chunk's cost, and one
connection is one server process on one core.
"""

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from mentorship.core.connection_threads import ConnectionThreads
from mentorship.matching import engine
from mentorship.matching.features import MenteeBatch, mentee_batch_load
from mentorship.matching.snapshot import Snapshot
from mentorship.matching.store import ScoredMatches, Written, explained_by, matches_replace


@dataclass(frozen=True)
class MenteeBatchSpec:
    """Which mentees to score (a MenteeProfile filter) and whose matches the result replaces."""

    profiles: Q
    matches: Q

    @classmethod
    def ids(cls, ids: Sequence[int]) -> "MenteeBatchSpec":
        return cls(Q(user_id__in=ids), Q(mentee_id__in=ids))

    @classmethod
    def id_range(cls, first: int, last: int) -> "MenteeBatchSpec":
        return cls(
            Q(user_id__gte=first, user_id__lte=last), Q(mentee_id__gte=first, mentee_id__lte=last)
        )


def scored_matches(snapshot: Snapshot, batch: MenteeBatch) -> ScoredMatches:
    """Score the batch against the pool, with each returned pair's digest; the pairs are
    explained when written (only those not stored as they are). Touches no database, so it can
    run in a helper thread while the caller's connection writes the previous batch."""
    now = timezone.now()
    if not len(snapshot.pool) or not len(batch.arrays):
        return ScoredMatches([], [], [], [], [], [], explained_by([]), computed_at=now)
    result = engine.score_prepared(
        snapshot.prepared, batch.arrays, k=settings.MATCHING_TOP_K, exclusions=batch.exclusions
    )
    row, slot = np.nonzero(result.mentor_index >= 0)  # padding (-1) closes a row
    columns = result.mentor_index[row, slot].astype(np.int64)
    components = result.components[row, slot].astype(np.float64).round(4)
    scores = result.score[row, slot].astype(np.float64).round(6)
    explainer = snapshot.explainer

    def explain(positions: np.ndarray) -> list[str]:
        return explainer.explain(
            batch.arrays, row[positions], columns[positions], components[positions]
        )

    return ScoredMatches(
        mentee_ids=batch.arrays.ids[row].tolist(),
        mentor_ids=snapshot.pool.arrays.ids[columns].tolist(),
        ranks=(slot + 1).tolist(),
        scores=scores.tolist(),
        components=components.reshape(-1).tolist(),
        digests=explainer.digests(
            batch.arrays, row, columns, slot + 1, scores, components
        ).tolist(),
        explain=explain,
        computed_at=now,
    )


def score_and_write(
    snapshot: Snapshot,
    batches: Sequence[MenteeBatchSpec],
    *,
    keep_suggested: bool = False,
    keep_beyond: bool = False,
) -> Written:
    """Score each batch of mentees and bring their matches to the new lists, one transaction
    per batch; returns the rows written and those left alone (see the module docstring for the
    overlap, `store` for what is written, `keep_suggested` and `keep_beyond`)."""

    def write(spec: MenteeBatchSpec, scored: ScoredMatches) -> Written:
        with transaction.atomic():
            return matches_replace(
                mentees=spec.profiles,
                matches=spec.matches,
                scored=scored,
                keep_suggested=keep_suggested,
                keep_beyond=keep_beyond,
            )

    # A single batch (a refresh of one mentee) has nothing to overlap: written right here.
    own_connections = (
        min(settings.MATCHING_WRITE_CONNECTIONS, len(batches) - 1)
        if connection.vendor == "postgresql" and not connection.in_atomic_block
        else 0
    )
    pending: tuple[MenteeBatchSpec, Future[ScoredMatches]] | None = None
    with (
        ConnectionThreads(own_connections) as writers,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="match-scoring") as helper,
    ):
        for spec in batches:
            batch = mentee_batch_load(snapshot.taxonomy, snapshot.pool, profiles=spec.profiles)
            if snapshot.key is not None:  # a run's: its placement ranks them again
                snapshot.mentee_batches.append(batch)
            following = (spec, helper.submit(scored_matches, snapshot, batch))
            if pending is not None:
                writers.submit(write, pending[0], pending[1].result())
            pending = following
        if pending is not None:
            writers.submit(write, pending[0], pending[1].result())
    return sum(writers.results, Written())
