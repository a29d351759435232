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

from mentorship.core.bulk import numeric_columns
from mentorship.core.connection_threads import ConnectionThreads
from mentorship.matching import engine
from mentorship.matching.delta import Baseline, decide, list_digests, mentee_digests
from mentorship.matching.features import (
    CachedFeatures,
    MenteeBatch,
    mentee_batch_load,
    mentee_batch_reload,
)
from mentorship.matching.models import Match
from mentorship.matching.snapshot import Snapshot
from mentorship.matching.store import ScoredMatches, Written, explained_by, matches_replace


@dataclass(frozen=True)
class MenteeBatchSpec:
    """Which mentees to score (a MenteeProfile filter) and whose matches the result replaces."""

    profiles: Q
    matches: Q
    ids_between: tuple[int, int] | None = None  # a range of ids: (first, last)

    @classmethod
    def ids(cls, ids: Sequence[int]) -> "MenteeBatchSpec":
        return cls(Q(user_id__in=ids), Q(mentee_id__in=ids))

    @classmethod
    def id_range(cls, first: int, last: int) -> "MenteeBatchSpec":
        return cls(
            Q(user_id__gte=first, user_id__lte=last),
            Q(mentee_id__gte=first, mentee_id__lte=last),
            (first, last),
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


@dataclass(frozen=True)
class _Scored:
    """A batch scored and ready to write: whose matches to replace (None: nobody's), with
    what, how many stored rows it leaves alone, and what a run records of it (`delta`)."""

    replace: MenteeBatchSpec | None
    scored: ScoredMatches
    rescored: int
    left_alone: int = 0
    record: np.ndarray | None = None
    features: tuple[tuple[MenteeBatch, np.ndarray], ...] = ()


def _score(
    snapshot: Snapshot,
    spec: MenteeBatchSpec,
    batch: MenteeBatch,
    *,
    baseline: Baseline | None,
    stored: dict[str, np.ndarray] | None,
    record: bool,
    fingerprints: np.ndarray | None = None,
) -> _Scored:
    """Score the batch, or with a baseline only the mentees a change can reach (`delta`)."""
    ids = batch.arrays.ids
    features = ((batch, fingerprints),) if record and fingerprints is not None else ()
    if baseline is None or stored is None:
        scored = scored_matches(snapshot, batch)
        if not record:
            return _Scored(spec, scored, len(ids))
        lists = list_digests(_column(scored.mentee_ids), _column(scored.digests), ids)
        return _Scored(
            spec,
            scored,
            len(ids),
            record=np.stack([ids, mentee_digests(batch, snapshot.pool), lists]),
            features=features,
        )
    decision = decide(baseline, batch, snapshot.pool, stored)
    rows = np.flatnonzero(decision.rescore)
    scored = scored_matches(snapshot, batch.take(rows))
    lists = decision.list_digests.copy()
    lists[rows] = list_digests(_column(scored.mentee_ids), _column(scored.digests), ids[rows])
    targets = np.concatenate([ids[rows], decision.gone]).tolist()
    return _Scored(
        MenteeBatchSpec.ids(targets) if targets else None,
        scored,
        int(rows.shape[0]),
        left_alone=decision.unchanged_rows,
        record=np.stack([ids, decision.mentee_digests, lists]),
        features=features,
    )


def _column(values: Sequence[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def score_and_write(
    snapshot: Snapshot,
    batches: Sequence[MenteeBatchSpec],
    *,
    keep_suggested: bool = False,
    keep_beyond: bool = False,
    baseline: Baseline | None = None,
    record: bool = False,
    cached: CachedFeatures | None = None,
) -> Written:
    """Score each batch of mentees and bring their matches to the new lists, one transaction
    per batch; returns the rows written and those left alone (see the module docstring for the
    overlap, `store` for what is written, `keep_suggested` and `keep_beyond`). With a
    `baseline` (a run's chunk), only the mentees a change since can reach are scored and
    written; with `record`, what each batch left is returned for the run's record (`delta`),
    with the features it loaded and their fingerprints; `cached`: the features the baseline
    recorded, reused for the mentees whose fingerprint is the same (`features`)."""

    def write(batch: _Scored) -> Written:
        left = Written(
            unchanged=batch.left_alone,
            rescored=batch.rescored,
            records=(batch.record,) if batch.record is not None else (),
            features=batch.features,
        )
        if batch.replace is None:
            return left
        with transaction.atomic():
            return left + matches_replace(
                mentees=batch.replace.profiles,
                matches=batch.replace.matches,
                scored=batch.scored,
                keep_suggested=keep_suggested,
                keep_beyond=keep_beyond,
            )

    # A single batch (a refresh of one mentee) has nothing to overlap: written right here.
    own_connections = (
        min(settings.MATCHING_WRITE_CONNECTIONS, len(batches) - 1)
        if connection.vendor == "postgresql" and not connection.in_atomic_block
        else 0
    )
    pending: Future[_Scored] | None = None
    with (
        ConnectionThreads(own_connections) as writers,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="match-scoring") as helper,
    ):
        # A run with a baseline records its mentees' features with their fingerprints; a run
        # from scratch (none) does not: it is bound by its writes, the runs that compare pay.
        fingerprint = record and baseline is not None
        for spec in batches:
            if fingerprint:
                batch, fingerprints = mentee_batch_reload(
                    snapshot.taxonomy,
                    snapshot.pool,
                    profiles=spec.profiles,
                    cached=cached,
                    between=spec.ids_between,
                )
            else:
                batch = mentee_batch_load(snapshot.taxonomy, snapshot.pool, profiles=spec.profiles)
                fingerprints = None
            if snapshot.key is not None:  # a run's: its placement ranks them again
                snapshot.mentee_batches.append(batch)
            stored = (
                numeric_columns(
                    Match.objects.filter(spec.matches, rank__lte=settings.MATCHING_TOP_K),
                    ["mentee", "mentor", "rank", "score", "digest"],
                )
                if baseline is not None
                else None
            )
            following = helper.submit(
                _score,
                snapshot,
                spec,
                batch,
                baseline=baseline,
                stored=stored,
                record=record,
                fingerprints=fingerprints,
            )
            if pending is not None:
                writers.submit(write, pending.result())
            pending = following
        if pending is not None:
            writers.submit(write, pending.result())
    return sum(writers.results, Written())
