"""The suggested mentor of each mentee: the stable assignment (`assignment`, pure) over the
stored lists, within each mentor's free capacity, written as the `suggested` flags."""

from itertools import pairwise

import numpy as np
from django.db import transaction

from mentorship.core.bulk import numeric_columns
from mentorship.matching.assignment import mentor_prefs_from_scores, stable_assignment
from mentorship.matching.cache import matches_changed
from mentorship.matching.features import MentorPool
from mentorship.matching.models import Match
from mentorship.matching.store import matches_set_suggested
from mentorship.mentorships.models import Mentorship


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
    matches_set_suggested(match_ids=sorted(previously - chosen), value=False)
    matches_set_suggested(match_ids=sorted(chosen - previously), value=True)
    transaction.on_commit(matches_changed)
    return len(chosen)
