"""Writes for weekly check-ins: the mentee answers, the mentor gives feedback."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.core.errors import ConflictError, NotFoundError, ValidationError
from mentorship.notifications.models import Category
from mentorship.notifications.services import notification_queue
from mentorship.progress.follow_ups import follow_up_after_rejection
from mentorship.progress.models import CheckIn, Milestone, StallFlag
from mentorship.progress.projects import milestone_set_status


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
        category=Category.COMMENTS_AND_FEEDBACK,
        subject="Your mentor answered your weekly check-in",
        body=comment,
    )
    return checkin
