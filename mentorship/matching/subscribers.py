"""What matching does when the packages below it announce a change (connected in `apps`).

- A profile changed (`profiles.events.profile_changed`, after commit): the match pages that show
  that profile are stale now, and the lists it touches are re-scored on a worker.
- A mentorship started or ended, a request was declined (`mentorships.events`, inside the
  transaction): capacity or an exclusion changed, so the lists of the people concerned are
  re-scored once the change commits.
"""

import functools
from typing import Any

from django.db import transaction

from mentorship.matching.cache import matches_changed
from mentorship.matching.runs import matches_refresh_request
from mentorship.matching.selectors import match_counterpart_ids
from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.profiles.events import ProfileKind


def on_profile_changed(*, user_id: int, kind: ProfileKind, **_: Any) -> None:
    _rescore(user_id, kind)


def on_mentorship_changed(*, mentorship: Mentorship, **_: Any) -> None:
    """Started or ended: the mentor's free places changed, and so did the mentee's situation."""
    transaction.on_commit(functools.partial(_rescore, mentorship.mentor_id, "mentor"), robust=True)
    transaction.on_commit(functools.partial(_rescore, mentorship.mentee_id, "mentee"), robust=True)


def on_request_declined(*, request: MentorshipRequest, **_: Any) -> None:
    """The pair is excluded from now on: the mentee's list loses that mentor."""
    transaction.on_commit(functools.partial(_rescore, request.mentee_id, "mentee"), robust=True)


def _rescore(user_id: int, kind: ProfileKind) -> None:
    """After commit: the pages that show this person are stale; their lists are re-scored."""
    # Match pages embed the other side's public profile: the pages that show this one change now,
    # and the person's own page says the change is being scored.
    matches_changed(user_ids=[user_id, *match_counterpart_ids(user_id=user_id, kind=kind)])
    matches_refresh_request(user_id=user_id, kind=kind)
