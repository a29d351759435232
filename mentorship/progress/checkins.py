"""Writes for weekly check-ins: the mentee answers, the mentor gives feedback.

Both only while the mentorship is active: once it ends, the mentee keeps its check-ins as
read-only history and the former mentor no longer finds them (404). Feedback is kept as history,
one row per answer; the mentor is emailed when a check-in is submitted, the mentee on each
feedback.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.core.errors import ConflictError, NotFoundError, ValidationError
from mentorship.mentorships.models import Mentorship
from mentorship.notifications.models import Category
from mentorship.notifications.services import notification_queue
from mentorship.progress.follow_ups import follow_up_after_rejection
from mentorship.progress.models import CheckIn, CheckInFeedback, Milestone, StallFlag
from mentorship.progress.projects import milestone_set_status

# Each answer emails the mentee and the history is listed with the check-in: both stay bounded.
MAX_FEEDBACK = 50


@transaction.atomic
def checkin_submit(*, checkin_id: int, by: User, data: dict[str, Any]) -> CheckIn:
    """The mentee answers this week's check-in, once, while the mentorship is active.

    Milestone updates apply to the milestones of the mentee's active project, each named once
    (400 naming the entry otherwise); an employer's rejection schedules a follow-up reminder; an
    open stall flag is cleared; the mentor is emailed. A check-in that is not open, or of an
    ended mentorship, is a 409.
    """
    # The check-in's and the mentorship's rows (an end waits, or is seen), not the people's.
    checkin = (
        CheckIn.objects.select_for_update(of=("self", "mentorship"))
        .select_related("mentorship__mentor")
        .filter(pk=checkin_id, mentorship__mentee=by)
        .first()
    )
    if checkin is None:
        raise NotFoundError("Not found.")
    if checkin.mentorship.status != Mentorship.Status.ACTIVE:
        raise ConflictError(
            "This mentorship has ended: its check-ins are kept as they are.",
            code="mentorship_ended",
        )
    if checkin.status != CheckIn.Status.OPEN:
        raise ConflictError(f"This check-in is {checkin.status}.", code=f"already_{checkin.status}")
    now = timezone.now()
    updates = data.get("milestone_updates", [])
    _check_each_milestone_once(updates)
    milestones = (
        Milestone.objects.select_for_update()
        .filter(
            project__mentee=by,
            project__archived_at__isnull=True,
            pk__in=[update["milestone"] for update in updates],
        )
        .in_bulk()
    )
    unknown = [
        f"milestone_updates.{index}.milestone"
        for index, update in enumerate(updates)
        if update["milestone"] not in milestones
    ]
    if unknown:
        raise ValidationError(
            "Unknown milestone.",
            fields=dict.fromkeys(unknown, "Not a milestone of your active project."),
        )
    for update in updates:
        milestone = milestones[update["milestone"]]
        milestone_set_status(milestone, update["status"], now)
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
        follow_up_after_rejection(
            key=f"rejection:{checkin.pk}", user_id=by.pk, employer=checkin.rejection_from, at=now
        )
    notification_queue(
        key=f"checkin-submitted:{checkin.pk}",
        recipient=checkin.mentorship.mentor,
        category=Category.COMMENTS_AND_FEEDBACK,
        subject=f"{(by.name or 'Your mentee')[:120]} answered their weekly check-in",
        body=_submitted_body(checkin),
    )
    return checkin


def _check_each_milestone_once(updates: list[dict[str, Any]]) -> None:
    """A milestone named twice (with the same status or not) is a 400 naming the later entry."""
    first_entry: dict[int, int] = {}
    repeated = {}
    for index, update in enumerate(updates):
        earlier = first_entry.setdefault(update["milestone"], index)
        if earlier != index:
            repeated[f"milestone_updates.{index}.milestone"] = (
                f"Milestone {update['milestone']} is already updated by entry {earlier}."
            )
    if repeated:
        raise ValidationError("A milestone is named twice.", fields=repeated)


def _submitted_body(checkin: CheckIn) -> str:
    lines = [f"The check-in of the week of {checkin.week_start:%d %B} is in.", "", checkin.summary]
    if checkin.blockers:
        lines += ["", f"Blocked by: {checkin.blockers}"]
    if checkin.next_steps:
        lines += ["", f"Next: {checkin.next_steps}"]
    if checkin.hours_spent is not None:
        lines += ["", f"Hours this week: {checkin.hours_spent}"]
    lines += ["", "Answer it with your feedback: it is kept with the check-in."]
    return "\n".join(lines)


@transaction.atomic
def checkin_feedback(*, checkin_id: int, by: User, comment: str) -> CheckIn:
    """The mentor of an active mentorship answers a submitted check-in: a new row of its
    feedback history (earlier answers stay), and the mentee is emailed about each one.

    A check-in of an ended mentorship, or of someone else's, is not found (404); one that is not
    submitted is a 409, and so is one that holds `MAX_FEEDBACK` answers already.
    """
    checkin = (
        CheckIn.objects.select_for_update(of=("self", "mentorship"))
        .select_related("mentorship__mentee", "mentorship__mentor")
        .filter(pk=checkin_id, mentorship__mentor=by, mentorship__status=Mentorship.Status.ACTIVE)
        .first()
    )
    if checkin is None:
        raise NotFoundError("Not found.")
    if checkin.status != CheckIn.Status.SUBMITTED:
        raise ConflictError("Feedback goes on a submitted check-in.", code="not_submitted")
    if CheckInFeedback.objects.filter(checkin=checkin).count() >= MAX_FEEDBACK:
        raise ConflictError(
            f"A check-in keeps at most {MAX_FEEDBACK} answers.", code="limit_reached"
        )
    entry = CheckInFeedback.objects.create(checkin=checkin, author=by, comment=comment)
    notification_queue(
        key=f"checkin-feedback-entry:{entry.pk}",
        recipient=checkin.mentorship.mentee,
        category=Category.COMMENTS_AND_FEEDBACK,
        subject="Your mentor answered your weekly check-in",
        body=comment,
    )
    return checkin
