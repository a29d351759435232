"""Writes for the job search: applications, their status changes, interviews and comments, and
the hire that ends it.

Every change is an `ApplicationEvent` with its date, so the history is the list of events. The
status moves one way, applied -> screening -> interviewing -> offer -> accepted, or to rejected
or withdrawn from any open status; anything else is a `ConflictError` naming both statuses.
Dates are the mentee's calendar days: one in the future, before `applied_on` or before the last
change is a `ValidationError` on the field. A rejection announces `application_rejected`
(progress schedules the follow-up); accepting an offer is the hire (`mentee_hire`).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.applications.events import application_rejected
from mentorship.applications.models import (
    NEXT_STATUS,
    OPEN_STATUSES,
    ApplicationEvent,
    JobApplication,
    Status,
)
from mentorship.applications.selectors import application_get
from mentorship.core.errors import ConflictError, ValidationError
from mentorship.mentorships.models import Mentorship
from mentorship.mentorships.selectors import other_side
from mentorship.mentorships.services import lock_person, mentorships_close_for_hire
from mentorship.notifications.models import Category
from mentorship.notifications.services import notification_queue
from mentorship.profiles.models import JobDescription, MenteeProfile
from mentorship.profiles.services import mentee_profile_mark_hired
from mentorship.taxonomy.models import Role

MAX_APPLICATIONS = 1000  # per mentee: a long search, not a scraper
MAX_EVENTS = 200  # per application: its history is returned with it
OLDEST = timedelta(days=3 * 365)  # an application older than this is an input mistake
EDITABLE = ("company", "role", "job_url", "job_description", "applied_on")


def _zone(user: User) -> str:
    """The mentee's time zone (their profile's, else the server's)."""
    zone = MenteeProfile.objects.filter(user=user).values_list("timezone", flat=True).first()
    return zone or str(timezone.get_default_timezone())


def mentee_today(user: User) -> date:
    """Today on the mentee's calendar."""
    return timezone.now().astimezone(ZoneInfo(_zone(user))).date()


def _check_date(name: str, day: date, *, today: date, not_before: date, what: str) -> None:
    if day > today:
        raise ValidationError("Invalid input.", fields={name: f"{day} is in the future."})
    if day < not_before:
        raise ValidationError("Invalid input.", fields={name: f"Not before {what} ({not_before})."})


def _role(value: str) -> tuple[Role | None, str]:
    """A taxonomy role (by slug or name) or the free text as given."""
    role = Role.objects.filter(Q(slug=value) | Q(name__iexact=value)).first()
    return (role, role.name) if role else (None, value)


def _job_description(mentee: User, job_description_id: int | None) -> JobDescription | None:
    if job_description_id is None:
        return None
    job = JobDescription.objects.filter(mentee=mentee, pk=job_description_id).first()
    if job is None:
        raise ValidationError(
            "Invalid input.", fields={"job_description": "Not one of your job descriptions."}
        )
    return job


def _event(application: JobApplication, *, by: User, **fields: Any) -> ApplicationEvent:
    if ApplicationEvent.objects.filter(application=application).count() >= MAX_EVENTS:
        raise ConflictError(
            f"An application keeps at most {MAX_EVENTS} events.", code="limit_reached"
        )
    return ApplicationEvent.objects.create(application=application, author=by, **fields)


def _check_transition(current: str, wanted: str) -> None:
    if wanted == NEXT_STATUS.get(Status(current)) or (
        current in OPEN_STATUSES and wanted in (Status.REJECTED, Status.WITHDRAWN)
    ):
        return
    raise ConflictError(
        f"An application cannot go from {current} to {wanted}.",
        code="illegal_transition",
        fields={"status": f"Currently {current}; {wanted} cannot follow it."},
    )


def _move(
    application: JobApplication, *, to: str, on: date, by: User, notes: str = "", check: bool
) -> None:
    """Record a status change (checked against the one-way path unless `check` is off, as when
    an application is logged at a later stage); a rejection announces itself, an acceptance is
    the hire."""
    if check:
        _check_transition(application.status, to)
    _event(
        application,
        by=by,
        kind=ApplicationEvent.Kind.STATUS,
        happened_on=on,
        from_status=application.status,
        to_status=to,
        notes=notes,
    )
    application.status, application.status_changed_on = to, on
    application.save(update_fields=["status", "status_changed_on", "updated_at"])
    if to == Status.REJECTED:
        application_rejected.send(sender=JobApplication, application=application)
    if to == Status.ACCEPTED:
        _hire(mentee=by, on=on, application=application)


@transaction.atomic
def application_create(
    *,
    mentee: User,
    company: str,
    role: str,
    job_url: str = "",
    job_description_id: int | None = None,
    applied_on: date,
    status: str = Status.APPLIED,
    status_on: date | None = None,
    notes: str = "",
) -> JobApplication:
    """A mentee logs an application; its history starts with `applied` on `applied_on`, and an
    application logged at a later `status` gets that change on `status_on` (default
    `applied_on`). Precondition: `mentee` is a mentee."""
    lock_person(user_id=mentee.pk)
    if JobApplication.objects.filter(mentee=mentee).count() >= MAX_APPLICATIONS:
        raise ConflictError(
            f"You can keep at most {MAX_APPLICATIONS} applications.", code="limit_reached"
        )
    today = mentee_today(mentee)
    _check_date(
        "applied_on", applied_on, today=today, not_before=today - OLDEST, what="3 years ago"
    )
    status_on = status_on or applied_on
    if status != Status.APPLIED:
        _check_date("status_on", status_on, today=today, not_before=applied_on, what="applied_on")
    role_row, role_title = _role(role)
    application = JobApplication.objects.create(
        mentee=mentee,
        company=company,
        role=role_row,
        role_title=role_title,
        job_url=job_url,
        job_description=_job_description(mentee, job_description_id),
        applied_on=applied_on,
        status=Status.APPLIED,
        status_changed_on=applied_on,
    )
    _event(
        application,
        by=mentee,
        kind=ApplicationEvent.Kind.STATUS,
        happened_on=applied_on,
        to_status=Status.APPLIED,
        notes=notes,
    )
    if status != Status.APPLIED:
        _move(application, to=status, on=status_on, by=mentee, check=False)
    return application


@transaction.atomic
def application_update(*, application_id: int, by: User, data: dict[str, Any]) -> JobApplication:
    """The owner edits the application's facts and/or moves its status (on `status_on`, default
    today, with optional `notes`). Another user's application is a 404, their mentor's attempt a
    403 (see `application_get`)."""
    application_get(user=by, application_id=application_id, write=True)
    lock_person(user_id=by.pk)
    application = JobApplication.objects.select_for_update().get(pk=application_id)
    today = mentee_today(by)
    if "applied_on" in data:
        applied_on = data["applied_on"]
        _check_date(
            "applied_on", applied_on, today=today, not_before=today - OLDEST, what="3 years ago"
        )
        later = (
            application.events.exclude(kind=ApplicationEvent.Kind.COMMENT)
            .exclude(to_status=Status.APPLIED, from_status="")
            .aggregate(first=Min("happened_on"))["first"]
        )
        if later is not None and applied_on > later:
            raise ValidationError(
                "Invalid input.",
                fields={"applied_on": f"Not after the application's first step ({later})."},
            )
        application.events.filter(to_status=Status.APPLIED, from_status="").update(
            happened_on=applied_on
        )
        if application.status == Status.APPLIED:
            application.status_changed_on = applied_on
    for name in EDITABLE:
        if name not in data:
            continue
        if name == "role":
            application.role, application.role_title = _role(data["role"])
        elif name == "job_description":
            application.job_description = _job_description(by, data["job_description"])
        else:
            setattr(application, name, data[name])
    application.save()
    wanted = data.get("status")
    if wanted is not None and wanted != application.status:
        on = data.get("status_on") or today
        _check_transition(application.status, wanted)
        _check_date(
            "status_on",
            on,
            today=today,
            not_before=max(application.applied_on, application.status_changed_on),
            what="the last change",
        )
        _move(application, to=wanted, on=on, by=by, notes=data.get("notes", ""), check=False)
    return application


@transaction.atomic
def interview_add(
    *, application_id: int, by: User, kind: str, happened_on: date, notes: str = ""
) -> ApplicationEvent:
    """The owner records an interview held on `happened_on` (not in the future, not before
    `applied_on`). A closed application (accepted, rejected, withdrawn) is a 409."""
    application_get(user=by, application_id=application_id, write=True)
    application = JobApplication.objects.select_for_update().get(pk=application_id)
    if application.status not in OPEN_STATUSES:
        raise ConflictError(f"This application is {application.status}.", code="closed")
    _check_date(
        "happened_on",
        happened_on,
        today=mentee_today(by),
        not_before=application.applied_on,
        what="applied_on",
    )
    return _event(
        application,
        by=by,
        kind=ApplicationEvent.Kind.INTERVIEW,
        happened_on=happened_on,
        interview_kind=kind,
        notes=notes,
    )


@transaction.atomic
def application_comment(*, application_id: int, by: User, body: str) -> ApplicationEvent:
    """A comment by the mentee or the mentor of their ACTIVE mentorship, dated today; the other
    side is emailed."""
    application = application_get(user=by, application_id=application_id)
    comment = _event(
        application,
        by=by,
        kind=ApplicationEvent.Kind.COMMENT,
        happened_on=mentee_today(application.mentee),
        notes=body,
    )
    for recipient in other_side(mentee=application.mentee, author=by):
        notification_queue(
            key=f"application-comment:{comment.pk}:{recipient.pk}",
            recipient=recipient,
            category=Category.COMMENTS_AND_FEEDBACK,
            subject=(
                f"{by.name or 'Someone'} commented on the application to {application.company}"
            ),
            body=body,
        )
    return comment


@dataclass(frozen=True)
class Hire:
    """The outcome: when the mentee was hired, through which application and mentorship, and
    the time to hire from sign-up and from the first mentorship."""

    hired_at: datetime
    application_id: int | None
    mentorship_id: int | None
    days_from_sign_up: int
    days_from_first_mentorship: int | None


def _hire(*, mentee: User, on: date, application: JobApplication | None) -> Hire:
    """Record the hire (at `on`: now when that is today, else that day's start in the mentee's
    zone), complete the active mentorship with outcome `hired` and take the mentee out of
    matching. Precondition: the mentee is locked."""
    if MenteeProfile.objects.filter(user=mentee, hired_at__isnull=False).exists():
        raise ConflictError("You are hired already.", code="already_hired")
    hired_at = (
        timezone.now()
        if on >= mentee_today(mentee)
        else datetime.combine(on, time.min, tzinfo=ZoneInfo(_zone(mentee)))
    )
    mentee_profile_mark_hired(user=mentee, at=hired_at)
    mentorship = mentorships_close_for_hire(mentee=mentee)
    return hire_of(mentee=mentee, application=application, mentorship=mentorship)


def hire_of(
    *, mentee: User, application: JobApplication | None, mentorship: Mentorship | None
) -> Hire:
    """The hire of a hired mentee, its times to hire in calendar days of the mentee's zone."""
    hired_at, zone = MenteeProfile.objects.values_list("hired_at", "timezone").get(user=mentee)
    if hired_at is None:
        raise ConflictError("This mentee is not hired.", code="not_hired")
    first = Mentorship.objects.filter(mentee=mentee).aggregate(first=Min("started_at"))["first"]

    def days_since(moment: datetime) -> int:
        local = ZoneInfo(zone)
        return max((hired_at.astimezone(local).date() - moment.astimezone(local).date()).days, 0)

    return Hire(
        hired_at=hired_at,
        application_id=application.pk if application else None,
        mentorship_id=mentorship.pk if mentorship else None,
        days_from_sign_up=days_since(mentee.date_joined),
        days_from_first_mentorship=days_since(first) if first else None,
    )


@transaction.atomic
def mentee_hire(*, mentee: User, application_id: int | None = None, on: date | None = None) -> Hire:
    """The mentee says they were hired (`POST /me/hired`): through one of their applications
    (moved from offer to accepted: any other status is a 409) or elsewhere. Twice is a 409
    `already_hired`; without a mentee profile a 409 `no_profile`."""
    lock_person(user_id=mentee.pk)
    today = mentee_today(mentee)
    on = on or today
    if application_id is None:
        joined = mentee.date_joined.astimezone(ZoneInfo(_zone(mentee))).date()
        _check_date("on", on, today=today, not_before=joined, what="sign-up")
        return _hire(mentee=mentee, on=on, application=None)
    application = (
        JobApplication.objects.select_for_update().filter(mentee=mentee, pk=application_id).first()
    )
    if application is None:
        raise ValidationError(
            "Invalid input.", fields={"application": "Not one of your applications."}
        )
    if MenteeProfile.objects.filter(user=mentee, hired_at__isnull=False).exists():
        raise ConflictError("You are hired already.", code="already_hired")
    _check_transition(application.status, Status.ACCEPTED)
    _check_date(
        "on",
        on,
        today=today,
        not_before=max(application.applied_on, application.status_changed_on),
        what="the last change",
    )
    _move(application, to=Status.ACCEPTED, on=on, by=mentee, check=False)
    mentorship = (
        Mentorship.objects.filter(mentee=mentee, outcome=Mentorship.Outcome.HIRED)
        .order_by("-ended_at")
        .first()
    )
    return hire_of(mentee=mentee, application=application, mentorship=mentorship)
