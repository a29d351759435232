"""Reads for mentorships: each user sees the requests and mentorships they are part of."""

from typing import Any

from django.db.models import Q, QuerySet

from mentorship.accounts.models import User
from mentorship.mentorships.models import Mentorship, MentorshipRequest


def request_list(*, user: User, status: str | None = None) -> QuerySet[MentorshipRequest]:
    """Requests the user sent (mentee) or received (mentor), newest first."""
    requests = MentorshipRequest.objects.filter(Q(mentee=user) | Q(mentor=user)).select_related(
        "mentee", "mentor", "mentorship"
    )
    return requests.filter(status=status) if status else requests


def mentorship_list(*, user: User, status: str | None = None) -> QuerySet[Mentorship]:
    mentorships = Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user)).select_related(
        "mentee", "mentor"
    )
    return mentorships.filter(status=status) if status else mentorships


def other_side(*, mentee: User, author: User) -> list[User]:
    """Who is told of what ``author`` wrote on ``mentee``'s work (a comment on a project or an
    application): the mentor of the mentee's active mentorship when the mentee wrote it, else
    the mentee."""
    if author.pk != mentee.pk:
        return [mentee]
    return [
        mentorship.mentor
        for mentorship in Mentorship.objects.filter(
            mentee_id=mentee.pk, status=Mentorship.Status.ACTIVE
        ).select_related("mentor")
    ]


def excluded_pairs() -> QuerySet:
    """(mentee, mentor) pairs never to match again: declined requests and ended mentorships."""
    declined = MentorshipRequest.objects.filter(
        status=MentorshipRequest.Status.DECLINED
    ).values_list("mentee_id", "mentor_id")
    ended = Mentorship.objects.filter(status=Mentorship.Status.ENDED).values_list(
        "mentee_id", "mentor_id"
    )
    return declined.union(ended)


def mentorships_export(*, user: User) -> dict[str, Any]:
    """The export's requests and mentorships: those the person sent, received or took part in."""

    def person(other: User) -> dict[str, Any]:
        return {"id": other.pk, "name": other.name}

    return {
        "mentorship_requests": [
            {
                "id": request.pk,
                "mentee": person(request.mentee),
                "mentor": person(request.mentor),
                "message": request.message,
                "status": request.status,
                "reason": request.reason,
                "created_at": request.created_at,
                "decided_at": request.decided_at,
            }
            for request in request_list(user=user).order_by("created_at", "pk")
        ],
        "mentorships": [
            {
                "id": mentorship.pk,
                "mentee": person(mentorship.mentee),
                "mentor": person(mentorship.mentor),
                "status": mentorship.status,
                "started_at": mentorship.started_at,
                "ended_at": mentorship.ended_at,
                "end_reason": mentorship.end_reason,
            }
            for mentorship in mentorship_list(user=user).order_by("started_at", "pk")
        ],
    }
