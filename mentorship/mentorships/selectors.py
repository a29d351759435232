"""Reads for mentorships: each user sees the requests and mentorships they are part of."""

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


def excluded_pairs() -> QuerySet:
    """(mentee, mentor) pairs never to match again: declined requests and ended mentorships."""
    declined = MentorshipRequest.objects.filter(
        status=MentorshipRequest.Status.DECLINED
    ).values_list("mentee_id", "mentor_id")
    ended = Mentorship.objects.filter(status=Mentorship.Status.ENDED).values_list(
        "mentee_id", "mentor_id"
    )
    return declined.union(ended)
