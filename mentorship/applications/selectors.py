"""Reads for the job search: who may see an application, and the week's job search of mentees
(for their check-ins and their mentor's digest)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from mentorship.accounts.models import User
from mentorship.applications.models import ApplicationEvent, JobApplication
from mentorship.core.errors import NotFoundError, PermissionDeniedError
from mentorship.mentorships.models import Mentorship


def application_list(*, user: User) -> QuerySet[JobApplication]:
    """A mentee's own applications; the mentor of an ACTIVE mentorship sees the mentee's. Nobody
    else sees any. Each comes with its history (events, oldest first)."""
    applications = JobApplication.objects.select_related("role").prefetch_related(
        Prefetch(
            "events",
            queryset=ApplicationEvent.objects.select_related("author").order_by(
                "happened_on", "id"
            ),
        )
    )
    if user.is_mentee:
        return applications.filter(mentee=user)
    if user.is_mentor:
        return applications.filter(
            Exists(
                Mentorship.objects.filter(
                    mentee_id=OuterRef("mentee_id"), mentor=user, status=Mentorship.Status.ACTIVE
                )
            )
        )
    return applications.none()


def application_get(*, user: User, application_id: int, write: bool = False) -> JobApplication:
    """An application the user may read (else a 404); with `write`, one they own (their active
    mentor gets a 403: they read and comment, the mentee writes)."""
    application = application_list(user=user).filter(pk=application_id).first()
    if application is None:
        raise NotFoundError("Not found.")
    if write and application.mentee_id != user.pk:
        raise PermissionDeniedError("Only the mentee who applied can change an application.")
    return application


@dataclass
class JobSearchWeek:
    """One mentee's job search in one week: applications sent and interviews held."""

    applications: list[JobApplication] = field(default_factory=list)
    interviews: list[ApplicationEvent] = field(default_factory=list)


def job_search_weeks(*, weeks: Iterable[tuple[int, date]]) -> dict[tuple[int, date], JobSearchWeek]:
    """For each (mentee id, Monday) the applications sent and interviews held that week, in two
    queries whatever the number of weeks."""
    wanted = set(weeks)
    result = {key: JobSearchWeek() for key in wanted}
    if not wanted:
        return result
    mentees = {mentee_id for mentee_id, _ in wanted}
    first = min(monday for _, monday in wanted)
    last = max(monday for _, monday in wanted) + timedelta(days=6)

    def week_of(mentee_id: int, day: date) -> JobSearchWeek | None:
        return result.get((mentee_id, day - timedelta(days=day.weekday())))

    for application in (
        JobApplication.objects.select_related("role")
        .filter(mentee_id__in=mentees, applied_on__range=(first, last))
        .order_by("applied_on", "id")
    ):
        week = week_of(application.mentee_id, application.applied_on)
        if week is not None:
            week.applications.append(application)
    for interview in (
        ApplicationEvent.objects.select_related("application")
        .filter(
            application__mentee_id__in=mentees,
            kind=ApplicationEvent.Kind.INTERVIEW,
            happened_on__range=(first, last),
        )
        .order_by("happened_on", "id")
    ):
        week = week_of(interview.application.mentee_id, interview.happened_on)
        if week is not None:
            week.interviews.append(interview)
    return result


def job_search_counts(
    *, mentee_ids: Iterable[int], since: date, until: date
) -> dict[int, tuple[int, int]]:
    """Per mentee: (applications sent, interviews held) between `since` and `until` inclusive,
    in two set-based queries."""
    ids = list(mentee_ids)
    applied = dict(
        JobApplication.objects.filter(mentee_id__in=ids, applied_on__range=(since, until))
        .values("mentee_id")
        .annotate(count=Count("pk"))
        .values_list("mentee_id", "count")
    )
    interviews = dict(
        ApplicationEvent.objects.filter(
            Q(application__mentee_id__in=ids),
            kind=ApplicationEvent.Kind.INTERVIEW,
            happened_on__range=(since, until),
        )
        .values("application__mentee_id")
        .annotate(count=Count("pk"))
        .values_list("application__mentee_id", "count")
    )
    return {
        mentee_id: (applied.get(mentee_id, 0), interviews.get(mentee_id, 0))
        for mentee_id in set(applied) | set(interviews)
    }


def applications_export(*, user: User) -> dict[str, list[dict]]:
    """The export's sections: the mentee's applications with their history, and the comments
    the person wrote on other people's applications."""
    applications = JobApplication.objects.filter(mentee=user).prefetch_related("events")
    written = ApplicationEvent.objects.filter(
        author=user, kind=ApplicationEvent.Kind.COMMENT
    ).exclude(application__mentee=user)
    return {
        "job_applications": [
            {
                "id": application.pk,
                "company": application.company,
                "role": application.role_title,
                "job_url": application.job_url,
                "job_description": application.job_description_id,
                "applied_on": application.applied_on,
                "status": application.status,
                "events": [_event_export(event) for event in application.events.all()],
            }
            for application in applications
        ],
        "application_comments_written": [_event_export(event) for event in written],
    }


def _event_export(event: ApplicationEvent) -> dict:
    return {
        "application": event.application_id,
        "kind": event.kind,
        "happened_on": event.happened_on,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "interview_kind": event.interview_kind,
        "notes": event.notes,
        "author": event.author_id,
    }
