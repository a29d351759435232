"""What a full run can leave alone: each run records the inputs its lists came from, and the next
run re-scores only the mentees a change since can reach.

A mentee's list is a function of the mentee's features, every mentor's features and the run's
setup (weights, floor, tie band, k, taxonomy, the scoring code), and a pair's place in it (score
band, seat ticket, mentor id: `engine.ties`) depends on that pair alone. So, against the record
of the run before (its *baseline*), a mentee's stored list is the one a run from scratch would
write now when all of these hold:

1. the setup is the same (`setup_digest`; a run with another setup has no baseline: it scores
   everyone);
2. the mentee's features are the same (`mentee_digests`: its gap, zone offset today, languages,
   exclusions...);
3. the stored list is the one the baseline left (`list_digests`: a refresh, a deleted account or
   a failed run since shows here);
4. no mentor on it has changed or left the pool; and
5. no changed mentor (new, edited, with other free seats, newly eligible) would now rank above
   its k-th, or be listed at all in a list shorter than k: the batch is scored against the
   changed mentors alone (a pair's score does not depend on the rest of the pool), best one each.

Every other mentee is re-scored and written as in a run from scratch (`scoring`, `store`). A
mentor is *changed* when its digest (`mentor_digests`) differs from the one in the baseline's
record, or when a chunk of the baseline saw it other than its plan did (the chunk's process
loaded the pool later: `unsettled`), so the record never vouches for a state no list came from.
What is left alone counts as unchanged rows; the placement that follows ranks every mentee again,
whatever this module decided.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Q

from mentorship.matching import engine
from mentorship.matching.engine.arrays import SCORE_SCALE
from mentorship.matching.engine.ties import best_tickets, splitmix64
from mentorship.matching.features import (
    CachedFeatures,
    MenteeBatch,
    MentorPool,
    TaxonomyIndex,
    features_unpack,
)
from mentorship.matching.hashing import combine, float_bits, row_hashes
from mentorship.matching.models import MatchRun, MatchRunChunk, MatchRunRecord

# The code a list's content depends on: a change in any of these files is a new setup.
_SCORING_SOURCES = sorted(
    [
        *(Path(engine.__file__).parent.glob("*.py")),
        *(Path(__file__).parent / name for name in ("features.py", "explanations.py")),
    ]
)


def setup_digest(taxonomy: TaxonomyIndex) -> int:
    """int64: the weights, floor, tie band, k, taxonomy and scoring code lists are computed with."""
    content = hashlib.blake2b(digest_size=8)
    content.update(
        json.dumps(
            [
                sorted(settings.MATCHING_WEIGHTS.items()),
                settings.MATCHING_MIN_SCORE,
                settings.MATCHING_TIE_BAND,
                settings.MATCHING_TOP_K,
                taxonomy.role_ids,
                taxonomy.role_slugs,
                taxonomy.skill_ids,
                taxonomy.skill_slugs,
                taxonomy.background_ids,
                taxonomy.background_slugs,
                sorted((role, sorted(items)) for role, items in taxonomy.requirements.items()),
            ]
        ).encode()
    )
    content.update(np.ascontiguousarray(taxonomy.role_similarity, dtype=np.float32).tobytes())
    for source in _SCORING_SOURCES:
        content.update(source.read_bytes())
    return int.from_bytes(content.digest(), "big", signed=True)


def mentor_digests(pool: MentorPool) -> np.ndarray:
    """int64 per mentor of the pool: a digest of everything scoring reads of them."""
    arrays = pool.arrays
    return combine(
        arrays.ids.astype(np.uint64),
        row_hashes(arrays.roles),
        arrays.background.astype(np.int64).astype(np.uint64),
        float_bits(arrays.utc_offset),
        row_hashes(arrays.languages),
        row_hashes(arrays.skill_level, arrays.skill_level.data),
        arrays.eligible.astype(np.uint64),
        np.asarray(arrays.free_seats).astype(np.uint64),
    ).view(np.int64)


def mentee_digests(batch: MenteeBatch, pool: MentorPool) -> np.ndarray:
    """int64 per mentee of the batch: a digest of everything scoring reads of them, their
    exclusions (by mentor id) included."""
    arrays = batch.arrays
    n = len(arrays)
    exclusions = np.asarray(batch.exclusions, dtype=np.int64).reshape(-1, 2)
    excluded = np.zeros(n, dtype=np.uint64)
    if exclusions.shape[0]:
        with np.errstate(over="ignore"):
            pair = splitmix64(pool.arrays.ids[exclusions[:, 1]].astype(np.uint64))
        np.add.at(excluded, exclusions[:, 0], pair)
    return combine(
        arrays.ids.astype(np.uint64),
        arrays.target_role.astype(np.uint64),
        arrays.background.astype(np.int64).astype(np.uint64),
        float_bits(arrays.utc_offset),
        row_hashes(arrays.languages),
        row_hashes(arrays.gap_weight, arrays.gap_weight.data.view(np.uint32)),
        row_hashes(arrays.gap_level, arrays.gap_level.data),
        np.asarray(arrays.allow_no_overlap, dtype=bool).astype(np.uint64),
        excluded,
    ).view(np.int64)


def list_digests(mentee_ids: np.ndarray, row_digests: np.ndarray, of: np.ndarray) -> np.ndarray:
    """int64 per mentee id in `of`: a digest of its listed rows (those of `mentee_ids`, each
    row's digest holding its pair and rank), 0 for none."""
    order = np.argsort(mentee_ids, kind="stable")
    mentees, digests = mentee_ids[order], row_digests[order].view(np.uint64)
    running = np.concatenate([np.zeros(1, np.uint64), np.cumsum(digests, dtype=np.uint64)])
    start = np.searchsorted(mentees, of, side="left")
    stop = np.searchsorted(mentees, of, side="right")
    return (running[stop] - running[start]).view(np.int64)


def pack(*columns: np.ndarray) -> bytes:
    """Equal-length int64 columns as bytes (a record field)."""
    return np.stack([np.asarray(column, dtype=np.int64) for column in columns]).tobytes()


def unpack(data: bytes | memoryview, columns: int) -> np.ndarray:
    """The columns `pack` stored, as a (columns, n) array."""
    return np.frombuffer(bytes(data), dtype=np.int64).reshape(columns, -1)


@dataclass
class Baseline:
    """The record of the run before, against this run's pool: what was scored from what."""

    mentee_ids: np.ndarray  # sorted
    mentee_digests: np.ndarray
    list_digests: np.ndarray
    changed: np.ndarray  # bool per pool column: changed since (or new)
    pool_ids: np.ndarray  # the pool's mentor ids (ascending)
    prepared_changed: engine.PreparedMentors | None  # the pool's changed mentors alone
    changed_columns: np.ndarray
    # (first mentee id, last mentee id, chunk pk) of the baseline's chunks that recorded their
    # mentees' features (`features`)
    feature_chunks: list[tuple[int, int, int]] = field(default_factory=list)

    def features(
        self, first: int, last: int, taxonomy: TaxonomyIndex, pool: MentorPool
    ) -> CachedFeatures | None:
        """The features the baseline's chunks recorded of the mentees with ids in [first, last]
        (and around: whole chunks), or None when none did."""
        wanted = [pk for low, high, pk in self.feature_chunks if low <= last and high >= first]
        if not wanted:
            return None
        data = list(
            MatchRunChunk.objects.filter(pk__in=wanted, features__isnull=False)
            .order_by("index")
            .values_list("features", flat=True)
        )
        return features_unpack(data, taxonomy, pool) if data else None

    @classmethod
    def build(
        cls,
        *,
        pool: MentorPool,
        digests: np.ndarray,
        mentors: np.ndarray,
        mentees: np.ndarray,
        unsettled: np.ndarray,
        taxonomy: TaxonomyIndex,
        feature_chunks: list[tuple[int, int, int]] | None = None,
    ) -> "Baseline":
        """`mentors`: the baseline's (ids, digests); `mentees`: its (ids, digests, list
        digests); `unsettled`: the mentor ids its chunks saw otherwise than its plan."""
        ids = pool.arrays.ids
        known, found = _lookup(mentors[0], ids)
        same = found & (mentors[1][known] == digests) if found.any() else found
        changed = ~same | np.isin(ids, unsettled)
        columns = np.flatnonzero(changed)
        prepared = (
            engine.PreparedMentors(
                pool.arrays.rows(columns),
                taxonomy.role_similarity,
                settings.MATCHING_WEIGHTS,
                min_score=settings.MATCHING_MIN_SCORE,
                tie_band=settings.MATCHING_TIE_BAND,
            )
            if columns.shape[0]
            else None
        )
        order = np.argsort(mentees[0], kind="stable")
        return cls(
            mentee_ids=mentees[0][order],
            mentee_digests=mentees[1][order],
            list_digests=mentees[2][order],
            changed=changed,
            pool_ids=ids,
            prepared_changed=prepared,
            changed_columns=columns,
            feature_chunks=feature_chunks or [],
        )


@dataclass
class Decision:
    """Of a loaded batch: which mentees to re-score, and what the run records of each."""

    rescore: np.ndarray  # bool per batch row
    gone: np.ndarray  # mentee ids with stored rows and not in the batch (hired, deleted)
    mentee_digests: np.ndarray  # per batch row
    list_digests: np.ndarray  # per batch row: of the stored list (for those left alone)
    unchanged_rows: int  # stored rows of the mentees left alone


def _lookup(sorted_ids: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position in `sorted_ids`, whether found) of each of `ids`."""
    if not sorted_ids.shape[0]:
        return np.zeros(ids.shape[0], dtype=np.int64), np.zeros(ids.shape[0], dtype=bool)
    at = np.searchsorted(sorted_ids, ids).clip(0, sorted_ids.shape[0] - 1)
    return at, sorted_ids[at] == ids


def decide(
    baseline: Baseline,
    batch: MenteeBatch,
    pool: MentorPool,
    stored: dict[str, np.ndarray],
) -> Decision:
    """Which of the batch's mentees a change can reach (the module docstring's five conditions);
    `stored`: the stored rows of rank <= k of the batch's id range (mentee, mentor, rank, score,
    digest), rows of mentees not in the batch included."""
    ids = batch.arrays.ids
    digests = mentee_digests(batch, pool)
    stored_lists = list_digests(stored["mentee"], stored["digest"], ids)
    at, found = _lookup(baseline.mentee_ids, ids)
    rescore = (
        ~found
        | (baseline.mentee_digests[at] != digests if found.any() else True)
        | (baseline.list_digests[at] != stored_lists if found.any() else True)
    )
    row_of, listed = _lookup(ids, stored["mentee"])
    gone = np.unique(stored["mentee"][~listed])
    # A mentor on the list changed or left the pool.
    column, in_pool = _lookup(pool.arrays.ids, stored["mentor"])
    moved = ~in_pool | baseline.changed[column] if in_pool.any() else np.ones_like(in_pool)
    rescore[row_of[listed & moved]] = True
    rescore |= _reached(baseline, batch, pool, stored, row_of[listed], stored_rows=listed)
    return Decision(
        rescore=rescore,
        gone=gone,
        mentee_digests=digests,
        list_digests=stored_lists,
        unchanged_rows=int((listed & ~rescore[row_of]).sum()) if ids.shape[0] else 0,
    )


def _reached(
    baseline: Baseline,
    batch: MenteeBatch,
    pool: MentorPool,
    stored: dict[str, np.ndarray],
    row_of: np.ndarray,
    *,
    stored_rows: np.ndarray,
) -> np.ndarray:
    """bool per batch row: a changed mentor would now enter the mentee's list (condition 5).
    `row_of`: the batch row of each stored row selected by `stored_rows`."""
    n = len(batch.arrays)
    reached = np.zeros(n, dtype=bool)
    prepared = baseline.prepared_changed
    if prepared is None or not n:
        return reached
    result = engine.score_prepared(
        prepared,
        batch.arrays,
        k=1,
        exclusions=engine.exclusions_within(batch.exclusions, baseline.changed_columns, len(pool)),
    )
    rows = np.flatnonzero(result.mentor_index[:, 0] >= 0)
    if not rows.shape[0]:
        return reached
    width, k = prepared.band, settings.MATCHING_TOP_K
    seats = np.asarray(pool.arrays.free_seats)
    # The best changed mentor of each mentee, as (band, ticket, mentor id).
    columns = baseline.changed_columns[result.mentor_index[rows, 0].astype(np.int64)]
    best_mentor = pool.arrays.ids[columns]
    best_band = _bands(result.score[rows, 0], width)
    best_ticket = best_tickets(batch.arrays.ids[rows], best_mentor, seats[columns])
    # The k-th of each stored list; a list shorter than k takes anything acceptable.
    kth_band = np.full(n, -1, dtype=np.int64)
    kth_ticket = np.zeros(n, dtype=np.uint64)
    kth_mentor = np.zeros(n, dtype=np.int64)
    at_k = stored["rank"][stored_rows] == k
    kth_rows = row_of[at_k]
    mentors = stored["mentor"][stored_rows][at_k]
    kth_band[kth_rows] = _bands(stored["score"][stored_rows][at_k], width)
    # (a k-th mentor not in the pool has its mentee re-scored already: any seats will do)
    kth_columns, _ = _lookup(pool.arrays.ids, mentors)
    kth_ticket[kth_rows] = best_tickets(batch.arrays.ids[kth_rows], mentors, seats[kth_columns])
    kth_mentor[kth_rows] = mentors
    band, ticket, mentor = kth_band[rows], kth_ticket[rows], kth_mentor[rows]
    beats = (
        (band < 0)
        | (best_band > band)
        | ((best_band == band) & (best_ticket > ticket))
        | ((best_band == band) & (best_ticket == ticket) & (best_mentor < mentor))
    )
    reached[rows[beats]] = True
    return reached


def _bands(scores: np.ndarray, width: int) -> np.ndarray:
    """The tie bands of scores (at their 1e-6 resolution), as the engine ranks them."""
    return np.rint(np.asarray(scores, dtype=np.float64) * SCORE_SCALE).astype(np.int64) // width


def record_plan(*, run: MatchRun, pool: MentorPool, taxonomy: TaxonomyIndex) -> None:
    """Record what the run scores with (once: a redelivered plan keeps the first record), and
    the run it compares against: the newest done run with the same setup whose every chunk left
    a record."""
    if MatchRunRecord.objects.filter(run=run).exists():
        return
    setup = setup_digest(taxonomy)
    baseline = (
        MatchRun.objects.filter(status=MatchRun.Status.DONE, record__setup_digest=setup)
        .exclude(chunks__mentees__isnull=True)
        .order_by("-finished_at", "-pk")
        .first()
    )
    MatchRunRecord.objects.create(
        run=run,
        baseline=baseline,
        setup_digest=setup,
        mentors=pack(pool.arrays.ids, mentor_digests(pool)),
    )


def baseline_for(*, run_id: int, pool: MentorPool, taxonomy: TaxonomyIndex) -> Baseline | None:
    """The baseline of a planned run against this pool, or None (every mentee is scored)."""
    record = MatchRunRecord.objects.filter(run_id=run_id).only("baseline_id").first()
    if record is None or record.baseline_id is None:
        return None
    base = MatchRunRecord.objects.filter(run_id=record.baseline_id).only("mentors").first()
    chunks = list(
        MatchRunChunk.objects.filter(run_id=record.baseline_id).values_list(
            "pk",
            "mentees",
            "unsettled",
            ExpressionWrapper(Q(features__isnull=False), output_field=BooleanField()),
        )
    )
    records = [mentees for _, mentees, _, _ in chunks if mentees is not None]
    if base is None or not chunks or len(records) < len(chunks):
        return None
    mentees = [unpack(mentees, 3) for _, mentees, _, _ in chunks]
    return Baseline.build(
        pool=pool,
        digests=mentor_digests(pool),
        mentors=unpack(base.mentors, 2),
        mentees=np.concatenate(mentees, axis=1),
        unsettled=np.concatenate([unpack(unsettled, 1)[0] for _, _, unsettled, _ in chunks]),
        taxonomy=taxonomy,
        feature_chunks=[
            (int(ids[0].min()), int(ids[0].max()), pk)
            for (pk, _, _, has_features), ids in zip(chunks, mentees, strict=True)
            if has_features and ids.shape[1]
        ],
    )


def unsettled(*, run_id: int, pool: MentorPool) -> bytes:
    """The mentor ids this pool holds otherwise than the run's plan recorded (a chunk's process
    loaded it later, after some changed), as a record field."""
    record = MatchRunRecord.objects.filter(run_id=run_id).only("mentors").first()
    ids = pool.arrays.ids
    if record is None:
        return pack(ids)
    planned = unpack(record.mentors, 2)
    at, found = _lookup(planned[0], ids)
    same = found & (planned[1][at] == mentor_digests(pool)) if found.any() else found
    left = planned[0][~np.isin(planned[0], ids)]
    return pack(np.concatenate([ids[~same], left]))


def records_prune(*, run: MatchRun) -> None:
    """Drop the records of the runs finished before `run` (done now): the next run compares
    against the newest. (A run in progress whose baseline loses its record scores everyone.)"""
    older = MatchRun.objects.filter(
        status__in=(MatchRun.Status.DONE, MatchRun.Status.FAILED), finished_at__lt=run.finished_at
    ).exclude(pk=run.pk)
    MatchRunRecord.objects.filter(run__in=older).delete()
    MatchRunChunk.objects.filter(run__in=older, mentees__isnull=False).update(
        mentees=None, unsettled=b"", features=None
    )
