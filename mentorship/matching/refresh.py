"""Incremental work: a profile change re-scores only the lists it touches.

A mentee's change re-scores that mentee's list; a mentor's change the lists the mentor is in and
those it now enters (the mentees for whom the mentor now scores at least their k-th match). Runs
on a worker after the change commits (`runs.matches_refresh_request` enqueues it); a suggested
pair still in a new list stays suggested, and a mentee whose suggestion the change took away
gets the best acceptable mentor with a free seat (`suggestions.suggestions_repair`).
"""

from collections.abc import Sequence

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from mentorship.core.batching import batched, query_batch_size
from mentorship.matching import engine
from mentorship.matching.features import MentorPool, mentee_batch_load
from mentorship.matching.models import Match
from mentorship.matching.scoring import MenteeBatchSpec, score_and_write
from mentorship.matching.snapshot import Snapshot, snapshot_for
from mentorship.matching.suggestions import suggestions_repair
from mentorship.profiles.models import MenteeProfile, MentorProfile


def matches_refresh_mentees(
    *, mentee_ids: Sequence[int], snapshot: Snapshot | None = None, mentor_ids: Sequence[int] = ()
) -> int:
    """Re-score these mentees against the whole pool, bring their matches to the new lists, and
    repair the suggestions this loses (`suggestions.suggestions_repair`); returns how many
    matches they now have."""
    snapshot = snapshot or snapshot_for(None)
    ids = sorted(set(mentee_ids))
    started = timezone.now()
    written = score_and_write(
        snapshot,
        [MenteeBatchSpec.ids(batch) for batch in batched(ids, settings.MATCHING_BATCH_SIZE)],
        keep_suggested=True,
    )
    for batch in batched(ids, query_batch_size()):
        MenteeProfile.objects.filter(user_id__in=batch).update(matched_at=started)
    suggestions_repair(snapshot=snapshot, mentee_ids=ids, mentor_ids=mentor_ids)
    return written.inserted + written.unchanged


def matches_refresh_mentor(*, mentor_id: int) -> int:
    """Re-score the lists a mentor's change touches: those it is in, and those it now enters."""
    started = timezone.now()
    touched = set(Match.objects.filter(mentor_id=mentor_id).values_list("mentee_id", flat=True))
    snapshot = snapshot_for(None)
    column = snapshot.pool.index.get(mentor_id)
    if column is not None and snapshot.pool.arrays.eligible[column]:
        touched |= _mentees_entered_by(snapshot, column)
    written = matches_refresh_mentees(
        mentee_ids=sorted(touched), snapshot=snapshot, mentor_ids=[mentor_id]
    )
    MentorProfile.objects.filter(user_id=mentor_id).update(matched_at=started)
    return written


def _mentees_entered_by(snapshot: Snapshot, column: int) -> set[int]:
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
    for chunk in batched(ids, settings.MATCHING_CHUNK_SIZE):
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
            min_score=settings.MATCHING_MIN_SCORE,
            tie_band=settings.MATCHING_TIE_BAND,
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
        free_seats=arrays.free_seats[keep],
    )
    return MentorPool(
        arrays=one,
        free_capacity=pool.free_capacity[keep],
        index={int(arrays.ids[column]): 0},
    )
