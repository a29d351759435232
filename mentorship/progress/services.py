"""Writes for progress: projects and milestones, comments, experiments, check-ins, the weekly sweep.

The sweep (`open_weekly_checkins`, run by beat every hour and by `manage.py open_checkins`) works
in a handful of set-based statements whatever the number of mentorships, and is idempotent:
unique keys (one check-in per mentorship and week, one email per key, one open stall flag per
mentorship) decide what exists, so running it twice, concurrently or after a crash creates
nothing twice and sends nothing twice.
"""

import logging
import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import reduce
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.text import slugify

from mentorship.accounts.models import User
from mentorship.core.bulk import insert_skipping_conflicts
from mentorship.core.errors import ConflictError, NotFoundError, ValidationError
from mentorship.mentorships.models import Mentorship
from mentorship.notifications.models import Notification
from mentorship.notifications.services import (
    Draft,
    max_query_batch,
    notification_queue,
    notifications_queue_bulk,
)
from mentorship.profiles.models import MenteeProfile
from mentorship.progress.models import (
    CheckIn,
    Experiment,
    FollowUpReminder,
    Milestone,
    Project,
    ProjectComment,
    StallFlag,
)
from mentorship.progress.weeks import week_start
from mentorship.taxonomy.models import MilestoneTemplate

logger = logging.getLogger(__name__)

MISSED_AFTER = timedelta(days=7)
STALL_WITHOUT_PROGRESS = timedelta(weeks=3)
STALL_COOL_DOWN = timedelta(days=7)
FOLLOW_UP_AFTER_END = timedelta(days=30)
FOLLOW_UP_AFTER_REJECTION = timedelta(days=21)
MAX_PROJECTS = 10
MAX_EXPERIMENTS = 500
# Comments are listed unpaginated and each one emails the other side: both stay bounded.
MAX_COMMENTS = 500
MAX_MILESTONES = 30
# A project is planned for weeks, not decades: dates outside these windows are input mistakes.
START_WINDOW = (timedelta(days=2 * 365), timedelta(days=365))  # before / after today
DUE_WINDOW = timedelta(days=2 * 365)  # after the start


def _check_start_date(start_date: date) -> None:
    today = timezone.localdate()
    earliest, latest = today - START_WINDOW[0], today + START_WINDOW[1]
    if not earliest <= start_date <= latest:
        raise ValidationError(
            "Invalid input.",
            fields={"start_date": f"Pick a date between {earliest} and {latest}."},
        )


def _check_due_date(due_date: date, project: Project) -> None:
    latest = project.start_date + DUE_WINDOW
    if not project.start_date - timedelta(days=7) <= due_date <= latest:
        raise ValidationError(
            "Invalid input.",
            fields={"due_date": f"Pick a date between the start and {latest}."},
        )


# --- projects ---------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *, mentee: User, title: str, problem_statement: str, dataset: str, start_date: date | None
) -> Project:
    """A project with the milestones of the mentee's target role's template.

    Precondition: `mentee` is a mentee. Without a mentee profile there is no target role, so no
    template: a `ConflictError`.
    """
    profile = MenteeProfile.objects.filter(user=mentee).select_related("target_role").first()
    if profile is None:
        raise ConflictError(
            "Create your mentee profile first: milestones follow your target role.",
            code="no_profile",
        )
    if Project.objects.filter(mentee=mentee).count() >= MAX_PROJECTS:
        raise ConflictError(f"You can keep at most {MAX_PROJECTS} projects.", code="limit_reached")
    start_date = start_date or timezone.localdate()
    _check_start_date(start_date)
    project = Project.objects.create(
        mentee=mentee,
        title=title,
        problem_statement=problem_statement,
        dataset=dataset,
        start_date=start_date,
    )
    Milestone.objects.bulk_create(
        Milestone(
            project=project,
            key=template.key,
            title=template.title,
            description=template.description,
            due_date=start_date + timedelta(days=template.due_offset_days),
        )
        for template in MilestoneTemplate.objects.filter(role=profile.target_role)
    )
    return project


@transaction.atomic
def project_update(*, project: Project, data: dict[str, Any]) -> Project:
    """Change the project's text or start date; a new start date moves every due date with it."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if "start_date" in data:
        _check_start_date(data["start_date"])
    if "start_date" in data and data["start_date"] != project.start_date:
        shift = data["start_date"] - project.start_date
        Milestone.objects.filter(project=project).update(due_date=F("due_date") + shift)
    for name in ("title", "problem_statement", "dataset", "start_date"):
        if name in data:
            setattr(project, name, data[name])
    project.save()
    return project


def _milestone_set_status(milestone: Milestone, status: str, now: datetime) -> None:
    if status == milestone.status:
        return
    milestone.status = status
    milestone.status_changed_at = now
    milestone.completed_at = now if status == Milestone.Status.DONE else None


@transaction.atomic
def milestone_update(*, milestone: Milestone, data: dict[str, Any]) -> Milestone:
    """Move a milestone (todo, in_progress, done) and attach evidence or notes."""
    milestone = Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    if "due_date" in data:
        _check_due_date(data["due_date"], milestone.project)
    if "status" in data:
        _milestone_set_status(milestone, data["status"], timezone.now())
    for name in ("evidence_url", "notes", "title", "description", "due_date"):
        if name in data:
            setattr(milestone, name, data[name])
    milestone.save()
    Project.objects.filter(pk=milestone.project_id).update(updated_at=timezone.now())
    return milestone


@transaction.atomic
def milestone_add(*, project: Project, title: str, description: str, due_date: date) -> Milestone:
    _check_due_date(due_date, project)
    if Milestone.objects.filter(project=project).count() >= MAX_MILESTONES:
        raise ConflictError(
            f"A project has at most {MAX_MILESTONES} milestones.", code="limit_reached"
        )
    base = slugify(title)[:30].strip("-") or "milestone"
    key, number = base, 1
    while Milestone.objects.filter(project=project, key=key).exists():
        number += 1
        key = f"{base}-{number}"
    return Milestone.objects.create(
        project=project, key=key, title=title, description=description, due_date=due_date
    )


def milestone_delete(*, milestone: Milestone) -> None:
    milestone.delete()


@transaction.atomic
def comment_add(*, project: Project, author: User, body: str) -> ProjectComment:
    """A comment by the owner or their active mentor; the other side is emailed.

    Refused (409) once the project holds `MAX_COMMENTS`.
    """
    if ProjectComment.objects.filter(project=project).count() >= MAX_COMMENTS:
        raise ConflictError(
            f"A project keeps at most {MAX_COMMENTS} comments.", code="limit_reached"
        )
    comment = ProjectComment.objects.create(project=project, author=author, body=body)
    if author.pk == project.mentee_id:
        recipients = [
            mentorship.mentor
            for mentorship in Mentorship.objects.filter(
                mentee_id=project.mentee_id, status=Mentorship.Status.ACTIVE
            ).select_related("mentor")
        ]
    else:
        recipients = [project.mentee]
    for recipient in recipients:
        notification_queue(
            key=f"project-comment:{comment.pk}:{recipient.pk}",
            recipient=recipient,
            subject=f"{author.name or 'Someone'} commented on {project.title}",
            body=body,
        )
    return comment


@transaction.atomic
def experiment_create(
    *,
    project: Project,
    name: str,
    params: dict[str, Any],
    metric: dict[str, Any],
    reference_id: int | None,
) -> Experiment:
    """Record a run; its reference, when given, must be a run of the same project."""
    reference = None
    if reference_id is not None:
        reference = Experiment.objects.filter(pk=reference_id, project=project).first()
        if reference is None:
            raise ValidationError(
                "Unknown reference.",
                fields={"reference": "Name an experiment of this project."},
            )
    if Experiment.objects.filter(project=project).count() >= MAX_EXPERIMENTS:
        raise ConflictError(
            f"A project keeps at most {MAX_EXPERIMENTS} experiments.", code="limit_reached"
        )
    return Experiment.objects.create(
        project=project,
        name=name,
        params=params,
        metric_name=metric["name"],
        metric_value=metric["value"],
        higher_is_better=metric["higher_is_better"],
        reference=reference,
    )


# --- check-ins --------------------------------------------------------------------------------


@transaction.atomic
def checkin_submit(*, checkin_id: int, by: User, data: dict[str, Any]) -> CheckIn:
    """The mentee answers this week's check-in, once.

    Milestone updates apply to the mentee's own projects; an employer's rejection schedules a
    follow-up reminder; an open stall flag is cleared. A check-in that is not open is a 409.
    """
    checkin = (
        CheckIn.objects.select_for_update()
        .select_related("mentorship")
        .filter(pk=checkin_id, mentorship__mentee=by)
        .first()
    )
    if checkin is None:
        raise NotFoundError("Not found.")
    if checkin.status != CheckIn.Status.OPEN:
        raise ConflictError(f"This check-in is {checkin.status}.", code=f"already_{checkin.status}")
    now = timezone.now()
    updates = data.get("milestone_updates", [])
    milestones = (
        Milestone.objects.select_for_update()
        .filter(project__mentee=by, pk__in=[update["milestone"] for update in updates])
        .in_bulk()
    )
    unknown = [
        f"milestone_updates.{index}.milestone"
        for index, update in enumerate(updates)
        if update["milestone"] not in milestones
    ]
    if unknown:
        raise ValidationError(
            "Unknown milestone.", fields=dict.fromkeys(unknown, "Not one of your milestones.")
        )
    for update in updates:
        milestone = milestones[update["milestone"]]
        _milestone_set_status(milestone, update["status"], now)
        milestone.save(update_fields=["status", "status_changed_at", "completed_at"])
    for name in ("summary", "blockers", "next_steps", "hours_spent", "rejection_from"):
        if name in data:
            setattr(checkin, name, data[name])
    checkin.milestone_updates = [
        {"milestone": update["milestone"], "status": update["status"]} for update in updates
    ]
    checkin.status, checkin.submitted_at = CheckIn.Status.SUBMITTED, now
    checkin.save()
    StallFlag.objects.filter(mentorship=checkin.mentorship, cleared_at__isnull=True).update(
        cleared_at=now
    )
    if checkin.rejection_from:
        follow_up_schedule(
            key=f"rejection:{checkin.pk}",
            user_id=by.pk,
            kind=FollowUpReminder.Kind.REJECTION,
            note=checkin.rejection_from,
            due_at=now + FOLLOW_UP_AFTER_REJECTION,
        )
    return checkin


@transaction.atomic
def checkin_feedback(*, checkin_id: int, by: User, comment: str) -> CheckIn:
    """The mentor of the mentorship comments on a submitted check-in; the mentee is told once."""
    checkin = (
        CheckIn.objects.select_for_update()
        .select_related("mentorship__mentee")
        .filter(pk=checkin_id, mentorship__mentor=by)
        .first()
    )
    if checkin is None:
        raise NotFoundError("Not found.")
    if checkin.status != CheckIn.Status.SUBMITTED:
        raise ConflictError("Feedback goes on a submitted check-in.", code="not_submitted")
    checkin.feedback, checkin.feedback_at = comment, timezone.now()
    checkin.save(update_fields=["feedback", "feedback_at"])
    notification_queue(
        key=f"checkin-feedback:{checkin.pk}",
        recipient=checkin.mentorship.mentee,
        subject="Your mentor answered your weekly check-in",
        body=comment,
    )
    return checkin


def follow_up_schedule(*, key: str, user_id: int, kind: str, note: str, due_at: datetime) -> None:
    """Store a follow-up reminder (swept by beat, never a week-long broker countdown); once per
    key."""
    FollowUpReminder.objects.get_or_create(
        key=key, defaults={"user_id": user_id, "kind": kind, "note": note[:300], "due_at": due_at}
    )


def mentorship_ended(*, mentorship: Mentorship) -> None:
    """When a mentorship ends, remind the mentee to follow up with their mentor in a month."""
    follow_up_schedule(
        key=f"mentorship-ended:{mentorship.pk}",
        user_id=mentorship.mentee_id,
        kind=FollowUpReminder.Kind.MENTORSHIP_ENDED,
        note=f"mentorship {mentorship.pk}",
        due_at=timezone.now() + FOLLOW_UP_AFTER_END,
    )


# --- the weekly sweep -------------------------------------------------------------------------


@dataclass
class SweepReport:
    opened: int = 0
    reminded: int = 0
    missed: int = 0
    stalled: int = 0
    digests: int = 0
    follow_ups: int = 0
    seconds: float = 0.0


def open_weekly_checkins(*, now: datetime | None = None) -> SweepReport:
    """Open this week's check-ins, remind, mark missed, flag stalls, send digests and follow-ups.

    Each step is its own transaction, so a crash part-way leaves the earlier steps done and the
    next run finishes the rest.
    """
    started = timezone.now()
    now = now or started
    report = SweepReport()
    report.opened = _open_checkins(now)
    report.missed = _mark_missed(now)
    report.reminded = _remind_open(now)
    report.stalled = _flag_stalls(now)
    report.digests = _send_digests(now)
    report.follow_ups = _send_follow_ups(now)
    report.seconds = round((timezone.now() - started).total_seconds(), 3)
    logger.info("weekly sweep: %s", report)
    return report


def _batches(items: list) -> list[list]:
    size = max_query_batch()
    return [items[start : start + size] for start in range(0, len(items), size)]


@transaction.atomic
def _open_checkins(now: datetime) -> int:
    active = list(
        Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).values_list(
            "pk", "mentee__mentee_profile__timezone"
        )
    )
    weeks: dict[str, date] = {}
    wanted = []
    for mentorship_id, zone in active:
        zone = zone or "UTC"
        if zone not in weeks:
            weeks[zone] = week_start(now, zone)
        wanted.append((mentorship_id, weeks[zone]))
    existing = set(
        CheckIn.objects.filter(week_start__in=set(weeks.values())).values_list(
            "mentorship_id", "week_start"
        )
    )
    missing = [pair for pair in wanted if pair not in existing]
    if connection.vendor == "postgresql":
        insert_skipping_conflicts(
            CheckIn,
            {
                "mentorship": [mentorship_id for mentorship_id, _ in missing],
                "week_start": [week for _, week in missing],
                "opened_at": [now] * len(missing),
            },
        )
        return len(missing)
    CheckIn.objects.bulk_create(
        (
            CheckIn(mentorship_id=mentorship_id, week_start=week, opened_at=now)
            for mentorship_id, week in missing
        ),
        batch_size=2000,
        ignore_conflicts=True,
    )
    return len(missing)


def _missed_cutoffs(now: datetime, zones: Iterable[str]) -> dict[str, datetime]:
    """Seven days before `now` on the wall clocks of the zones where that is not 168 hours (a
    clock change in the past week): a week that lasts 169 hours is still open in its 168th."""
    cutoffs = {}
    for zone in zones:
        cutoff = (now.astimezone(ZoneInfo(zone)) - MISSED_AFTER).astimezone(UTC)
        if cutoff != now - MISSED_AFTER:
            cutoffs[zone] = cutoff
    return cutoffs


@transaction.atomic
def _mark_missed(now: datetime) -> int:
    """Open check-ins opened seven days ago or more on their mentee's clock become missed."""
    open_checkins = CheckIn.objects.filter(status=CheckIn.Status.OPEN)
    zone = "mentorship__mentee__mentee_profile__timezone"
    zones = open_checkins.exclude(**{f"{zone}__isnull": True}).values_list(zone, flat=True)
    shifted = _missed_cutoffs(now, set(zones.distinct()))
    due = Q(opened_at__lte=now - MISSED_AFTER)
    if shifted:
        due = (due & ~Q(**{f"{zone}__in": list(shifted)})) | reduce(
            operator.or_,
            (Q(**{zone: name}, opened_at__lte=cutoff) for name, cutoff in shifted.items()),
        )
    return open_checkins.filter(due).update(status=CheckIn.Status.MISSED, missed_at=now)


@transaction.atomic
def _remind_open(now: datetime) -> int:
    due = list(
        CheckIn.objects.filter(status=CheckIn.Status.OPEN, reminded_at__isnull=True).values_list(
            "pk", "mentorship__mentee_id", "week_start"
        )
    )
    drafts = [
        Draft(
            key=f"checkin-reminder:{checkin_id}",
            recipient_id=mentee_id,
            subject="Your weekly check-in is open",
            body=(
                f"How did the week of {week:%d %B} go? Tell your mentor what you did, what "
                "blocks you and what comes next: it takes two minutes."
            ),
        )
        for checkin_id, mentee_id, week in due
    ]
    notifications_queue_bulk(drafts=drafts)
    for batch in _batches([checkin_id for checkin_id, _, _ in due]):
        CheckIn.objects.filter(pk__in=batch).update(reminded_at=now)
    return len(due)


@transaction.atomic
def _flag_stalls(now: datetime) -> int:
    active = Mentorship.objects.filter(status=Mentorship.Status.ACTIVE)
    # The last two closed check-ins: this week's, just opened, has no answer yet.
    latest = (
        CheckIn.objects.filter(mentorship__status=Mentorship.Status.ACTIVE)
        .exclude(status=CheckIn.Status.OPEN)
        .annotate(
            recency=Window(
                RowNumber(), partition_by=[F("mentorship_id")], order_by=F("week_start").desc()
            )
        )
        .filter(recency__lte=2)
        .values_list("mentorship_id", "status")
    )
    missed: dict[int, int] = defaultdict(int)
    for mentorship_id, status in latest:
        missed[mentorship_id] += status == CheckIn.Status.MISSED
    reasons = {pk: StallFlag.Reason.MISSED_CHECKINS for pk, count in missed.items() if count == 2}
    cutoff = now - STALL_WITHOUT_PROGRESS
    moved = Milestone.objects.filter(
        project__mentee=OuterRef("mentee_id"), status_changed_at__gte=cutoff
    )
    idle = active.filter(started_at__lte=cutoff).exclude(Exists(moved)).values_list("pk", flat=True)
    for mentorship_id in idle:
        reasons.setdefault(mentorship_id, StallFlag.Reason.NO_PROGRESS)
    # A mentee whose flag was just cleared (they checked in) gets a week before the next one.
    cooling = set(
        StallFlag.objects.filter(cleared_at__gte=now - STALL_COOL_DOWN).values_list(
            "mentorship_id", flat=True
        )
    )
    StallFlag.objects.bulk_create(
        (
            StallFlag(mentorship_id=mentorship_id, reason=reason, flagged_at=now)
            for mentorship_id, reason in reasons.items()
            if mentorship_id not in cooling
        ),
        batch_size=2000,
        ignore_conflicts=True,
    )
    unnotified = list(
        StallFlag.objects.filter(cleared_at__isnull=True, notified_at__isnull=True).values_list(
            "pk", "reason", "mentorship__mentor_id", "mentorship__mentee__name"
        )
    )
    notifications_queue_bulk(
        drafts=[
            Draft(
                key=f"stall:{flag_id}",
                recipient_id=mentor_id,
                subject=f"{mentee_name or 'A mentee'} may be stuck",
                body=(
                    f"{StallFlag.Reason(reason).label}. A short message from you is often what "
                    "gets someone moving again."
                ),
            )
            for flag_id, reason, mentor_id, mentee_name in unnotified
        ]
    )
    for batch in _batches([flag_id for flag_id, *_ in unnotified]):
        StallFlag.objects.filter(pk__in=batch).update(notified_at=now)
    return len(unnotified)


@transaction.atomic
def _send_digests(now: datetime) -> int:
    """One digest per mentor per ISO week: each mentee's latest answered (or missed) check-in
    and their progress."""
    year, week, _ = now.isocalendar()
    prefix = f"digest:{year}-W{week:02d}:"
    mentorships = list(
        Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).values_list(
            "pk", "mentor_id", "mentee_id", "mentee__name"
        )
    )
    sent = set(
        Notification.objects.filter(key__startswith=prefix).values_list("recipient_id", flat=True)
    )
    mentorships = [row for row in mentorships if row[1] not in sent]
    if not mentorships:
        return 0
    # The latest closed check-in (submitted or missed): this week's may have just opened.
    latest: dict[int, str] = dict(
        CheckIn.objects.filter(
            mentorship__status=Mentorship.Status.ACTIVE,
            week_start__gte=now.date() - timedelta(weeks=3),
        )
        .exclude(status=CheckIn.Status.OPEN)
        .order_by("mentorship_id", "week_start")
        .values_list("mentorship_id", "status")
    )
    progress = {
        mentee_id: (done, total)
        for mentee_id, done, total in Milestone.objects.filter(
            project__mentee__mentorships_as_mentee__status=Mentorship.Status.ACTIVE
        )
        .values("project__mentee_id")
        .annotate(done=Count("pk", filter=Q(status=Milestone.Status.DONE)), total=Count("pk"))
        .values_list("project__mentee_id", "done", "total")
    }
    lines: dict[int, list[str]] = defaultdict(list)
    for mentorship_id, mentor_id, mentee_id, mentee_name in mentorships:
        done, total = progress.get(mentee_id, (0, 0))
        checkin = latest.get(mentorship_id, "none yet")
        lines[mentor_id].append(
            f"- {mentee_name or 'A mentee'}: check-in {checkin}; milestones {done}/{total} done"
        )
    return notifications_queue_bulk(
        drafts=[
            Draft(
                key=f"{prefix}{mentor_id}",
                recipient_id=mentor_id,
                subject="Your mentees this week",
                body="\n".join(["Here is where your mentees stand:", *mentee_lines]),
            )
            for mentor_id, mentee_lines in lines.items()
        ]
    )


@transaction.atomic
def _send_follow_ups(now: datetime) -> int:
    due = list(
        FollowUpReminder.objects.filter(sent_at__isnull=True, due_at__lte=now).values_list(
            "pk", "user_id", "kind", "note"
        )
    )
    notifications_queue_bulk(
        drafts=[
            Draft(
                key=f"follow-up:{reminder_id}",
                recipient_id=user_id,
                subject="Time to follow up",
                body=(
                    f"A while ago {note} told you 'not yet'. Show them what you have built since."
                    if kind == FollowUpReminder.Kind.REJECTION
                    else "Your mentorship ended a month ago: tell your mentor how things went."
                ),
            )
            for reminder_id, user_id, kind, note in due
        ]
    )
    for batch in _batches([reminder_id for reminder_id, *_ in due]):
        FollowUpReminder.objects.filter(pk__in=batch).update(sent_at=now)
    return len(due)
