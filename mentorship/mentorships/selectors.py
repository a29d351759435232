"""Reads for mentorships: each user sees the requests and mentorships they are part of."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet

from mentorship.accounts.models import User
from mentorship.core.errors import NotFoundError
from mentorship.mentorships.feedback import feedback_opens_after
from mentorship.mentorships.models import Mentorship, MentorshipFeedback, MentorshipRequest

Status = MentorshipRequest.Status


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


def declined_for_good() -> Q:
    """The declines that keep a pair apart for good (a filter on MentorshipRequest): all but
    those of a mentor going away, who may be asked again once back."""
    return Q(status=MentorshipRequest.Status.DECLINED) & ~Q(
        decline_code=MentorshipRequest.DeclineCode.AWAY
    )


def excluded_pairs() -> QuerySet:
    """(mentee, mentor) pairs never to match again: declined requests and ended mentorships."""
    declined = MentorshipRequest.objects.filter(declined_for_good()).values_list(
        "mentee_id", "mentor_id"
    )
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
                "decline_code": request.decline_code,
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
                "outcome": mentorship.outcome,
                "end_reason": mentorship.end_reason,
            }
            for mentorship in mentorship_list(user=user).order_by("started_at", "pk")
        ],
        "mentorship_feedback_given": [
            {
                "mentorship": feedback.mentorship_id,
                "stage": feedback.stage,
                "rating": feedback.rating,
                "text": feedback.text,
                "created_at": feedback.created_at,
            }
            for feedback in MentorshipFeedback.objects.filter(author=user).order_by("pk")
        ],
    }


def feedback_list(*, mentorship_id: int, user: User) -> QuerySet[MentorshipFeedback]:
    """The feedback on a mentorship the caller may read: their own (either side never reads the
    other's), or every side's for staff. Someone else's mentorship is a `NotFoundError`."""
    mentorships = Mentorship.objects.filter(pk=mentorship_id)
    if not user.is_staff:
        mentorships = mentorships.filter(Q(mentee=user) | Q(mentor=user))
    if not mentorships.exists():
        raise NotFoundError("Not found.")
    feedback = MentorshipFeedback.objects.filter(mentorship_id=mentorship_id)
    return feedback if user.is_staff else feedback.filter(author=user)


@dataclass(frozen=True)
class FeedbackDue:
    mentorship: int
    stage: str
    other: int
    other_name: str
    since: datetime


def feedback_due(*, user: User, now: datetime) -> list[FeedbackDue]:
    """The ratings the caller is asked for, oldest first: the open stage of each of their
    mentorships (`feedback.feedback_open_stage`) that they have not rated yet. One query."""
    Stage = MentorshipFeedback.Stage
    opened = now - feedback_opens_after()
    mine = MentorshipFeedback.objects.filter(mentorship=OuterRef("pk"), author=user)
    rows = (
        Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user))
        .filter(
            Q(status=Mentorship.Status.ENDED) & ~Exists(mine.filter(stage=Stage.ENDED))
            | Q(status=Mentorship.Status.ACTIVE, started_at__lte=opened)
            & ~Exists(mine.filter(stage=Stage.TWO_WEEKS))
        )
        .select_related("mentee", "mentor")
    )
    due = []
    for mentorship in rows:
        ended = mentorship.status == Mentorship.Status.ENDED
        other = mentorship.mentor if mentorship.mentee_id == user.pk else mentorship.mentee
        due.append(
            FeedbackDue(
                mentorship=mentorship.pk,
                stage=Stage.ENDED if ended else Stage.TWO_WEEKS,
                other=other.pk,
                other_name=other.name,
                since=(mentorship.ended_at if ended else None)
                or mentorship.started_at + feedback_opens_after(),
            )
        )
    return sorted(due, key=lambda item: (item.since, item.mentorship))


@dataclass(frozen=True)
class RatingSummary:
    average: float | None
    count: int


def mentor_rating_summary(*, mentor_ids: Iterable[int] | None = None) -> dict[int, RatingSummary]:
    """Staff only: each mentor's average rating by their mentees (both stages, rounded to two
    decimals) and how many ratings it is of, in one query; a mentor of `mentor_ids` without
    ratings is (None, 0). Without `mentor_ids`: every mentor who has ratings. Never shown to
    mentees."""
    ratings = MentorshipFeedback.objects.filter(role=MentorshipFeedback.Role.MENTEE)
    wanted = None if mentor_ids is None else list(mentor_ids)
    if wanted is not None:
        ratings = ratings.filter(mentorship__mentor_id__in=wanted)
    rows = (
        ratings.values("mentorship__mentor_id")
        .annotate(average=Avg("rating"), count=Count("pk"))
        .values_list("mentorship__mentor_id", "average", "count")
    )
    found = {
        mentor_id: RatingSummary(average=round(average, 2), count=count)
        for mentor_id, average, count in rows
    }
    if wanted is None:
        return found
    return {mentor_id: found.get(mentor_id, RatingSummary(None, 0)) for mentor_id in wanted}


@dataclass(frozen=True)
class ResponseRecord:
    """How a mentor answers requests: answered (accepted or declined by them), expired, the
    median hours to an answer, and the share of answerable requests that expired."""

    answered: int = 0
    accepted: int = 0
    declined: int = 0
    expired: int = 0
    median_response_hours: float | None = None

    @property
    def expiry_rate(self) -> float | None:
        decided = self.answered + self.expired
        return round(self.expired / decided, 4) if decided else None


# Declines the mentor did not choose (they went away, staff withdrew the approval) are no answer:
# neither the response record nor the programme's response figures count them.
NOT_AN_ANSWER = (
    MentorshipRequest.DeclineCode.AWAY.value,
    MentorshipRequest.DeclineCode.UNAPPROVED.value,
)


def mentor_response_records(
    *,
    mentor_ids: Iterable[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[int, ResponseRecord]:
    """Each mentor's response record, from the requests sent to them (in [`since`, `until`)
    when given; all mentors when `mentor_ids` is None), in one query whatever the number of
    mentors. A mentor without an answered or expired request has no entry."""
    requests = MentorshipRequest.objects.filter(
        Q(status__in=[Status.ACCEPTED, Status.EXPIRED])
        | (Q(status=Status.DECLINED) & ~Q(decline_code__in=NOT_AN_ANSWER)),
        decided_at__isnull=False,
    )
    if mentor_ids is not None:
        requests = requests.filter(mentor_id__in=list(mentor_ids))
    if since is not None:
        requests = requests.filter(created_at__gte=since)
    if until is not None:
        requests = requests.filter(created_at__lt=until)
    counts: dict[int, Counter] = defaultdict(Counter)
    hours: dict[int, list[float]] = defaultdict(list)
    for mentor_id, status, created_at, decided_at in requests.values_list(
        "mentor_id", "status", "created_at", "decided_at"
    ).iterator(chunk_size=5000):
        counts[mentor_id][status] += 1
        if status != Status.EXPIRED and decided_at is not None:
            hours[mentor_id].append((decided_at - created_at).total_seconds() / 3600)
    return {
        mentor_id: ResponseRecord(
            answered=counted[Status.ACCEPTED] + counted[Status.DECLINED],
            accepted=counted[Status.ACCEPTED],
            declined=counted[Status.DECLINED],
            expired=counted[Status.EXPIRED],
            median_response_hours=(
                round(median(hours[mentor_id]), 2) if hours[mentor_id] else None
            ),
        )
        for mentor_id, counted in counts.items()
    }
