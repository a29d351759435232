"""What matching does when the packages below it announce a change (connected in `apps`).

- A profile changed (`profiles.events.profile_changed`, after commit): the match pages that show
  that profile are stale now, and the lists it touches are re-scored on a worker.
- A mentorship started or ended, a request was declined (`mentorships.events`, inside the
  transaction): capacity or an exclusion changed, so the lists of the people concerned are
  re-scored once the change commits.
- Requests expired unanswered (`mentorships.events.requests_expired`, inside the sweep's
  transaction): each mentee is emailed their next best available mentors.
- A person leaves (`accounts.events.account_deleting`, inside the transaction): their matches
  are removed, and once that commits the pages that showed them are invalidated and the mentees
  of a leaving mentor re-scored (so they are suggested someone else).
- A person asks for their export (`accounts.events.account_exporting`): their matches with the
  explanations worded for them.
"""

import functools
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q

from mentorship.accounts.models import User
from mentorship.matching.cache import matches_changed
from mentorship.matching.models import Match
from mentorship.matching.runs import matches_refresh_request
from mentorship.matching.selectors import match_counterpart_ids, next_best_mentors
from mentorship.matching.wording import Reader, names_for, render
from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.notifications.models import Category
from mentorship.notifications.services import Draft, notifications_queue_bulk
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


def on_requests_expired(*, requests: Sequence[MentorshipRequest], **_: Any) -> None:
    """Each mentee whose request expired hears so, with their next best available mentors."""
    best = next_best_mentors(mentee_ids=[request.mentee_id for request in requests])

    def body(request: MentorshipRequest) -> str:
        mentor = request.mentor.name or "The mentor you asked"
        lines = [f"{mentor} did not answer your request in time, so it has expired."]
        others = best.get(request.mentee_id, [])
        if others:
            lines += ["", "Your next best mentors with a free place:"]
            lines += [f"- {name or 'A mentor'} (mentor {mentor_id})" for mentor_id, name in others]
            lines += ["", "Ask one of them in the app."]
        else:
            lines += ["", "Your list is being refreshed: new matches will show in the app."]
        return "\n".join(lines)

    notifications_queue_bulk(
        drafts=[
            Draft(
                key=f"request-expired:{request.pk}",
                recipient_id=request.mentee_id,
                category=Category.REQUEST_UPDATES,
                subject="Your mentor request expired: here are your next best mentors",
                body=body(request),
            )
            for request in requests
        ]
    )


def _rescore(user_id: int, kind: ProfileKind) -> None:
    """After commit: the pages that show this person are stale; their lists are re-scored."""
    # Match pages embed the other side's public profile: the pages that show this one change now,
    # and the person's own page says the change is being scored.
    matches_changed(user_ids=[user_id, *match_counterpart_ids(user_id=user_id, kind=kind)])
    matches_refresh_request(user_id=user_id, kind=kind)


def on_account_deleting(*, user: User, **_: Any) -> None:
    counterparts = set(match_counterpart_ids(user_id=user.pk, kind="mentee"))
    mentees = match_counterpart_ids(user_id=user.pk, kind="mentor")
    Match.objects.filter(Q(mentee_id=user.pk) | Q(mentor_id=user.pk)).delete()
    transaction.on_commit(
        functools.partial(_after_leaving, sorted(counterparts | set(mentees)), mentees),
        robust=True,
    )


def _after_leaving(counterparts: list[int], mentees: Sequence[int]) -> None:
    matches_changed(user_ids=counterparts)
    for mentee_id in mentees:
        matches_refresh_request(user_id=mentee_id, kind="mentee")


def on_account_exporting(*, user: User, **_: Any) -> dict[str, Any]:
    reader: Reader = "mentor" if user.is_mentor else "mentee"
    matches = list(
        Match.objects.filter(Q(mentee_id=user.pk) | Q(mentor_id=user.pk)).order_by(
            "mentee_id", "rank"
        )
    )
    names = names_for(match.explanation_codes for match in matches)
    return {
        "matches": [
            {
                "mentee": match.mentee_id,
                "mentor": match.mentor_id,
                "rank": match.rank,
                "score": match.score,
                "suggested": match.suggested,
                "components": match.components,
                "explanation": render(match.explanation_codes, reader=reader, names=names),
                "explanation_codes": match.explanation_codes,
                "computed_at": match.computed_at,
            }
            for match in matches
        ]
    }
