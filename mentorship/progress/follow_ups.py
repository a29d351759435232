"""Follow-up reminders, the seeds' "apply, get told not yet, follow up": stored with a due
date and sent by the weekly sweep, never a week-long broker countdown. A rejection is scheduled
here whichever way it is told: a check-in's `rejection_from` or an application moved to
`rejected` (`applications.events.application_rejected`)."""

from datetime import datetime, timedelta

from django.utils import timezone

from mentorship.mentorships.models import Mentorship
from mentorship.progress.models import FollowUpReminder

FOLLOW_UP_AFTER_END = timedelta(days=30)
FOLLOW_UP_AFTER_REJECTION = timedelta(days=21)


def follow_up_schedule(*, key: str, user_id: int, kind: str, note: str, due_at: datetime) -> None:
    """Store a follow-up reminder (swept by beat, never a week-long broker countdown); once per
    key."""
    FollowUpReminder.objects.get_or_create(
        key=key, defaults={"user_id": user_id, "kind": kind, "note": note[:300], "due_at": due_at}
    )


def follow_up_after_mentorship(*, mentorship: Mentorship) -> None:
    """When a mentorship ends, remind the mentee to follow up with their mentor in a month."""
    follow_up_schedule(
        key=f"mentorship-ended:{mentorship.pk}",
        user_id=mentorship.mentee_id,
        kind=FollowUpReminder.Kind.MENTORSHIP_ENDED,
        note=f"mentorship {mentorship.pk}",
        due_at=timezone.now() + FOLLOW_UP_AFTER_END,
    )


def follow_up_after_rejection(*, key: str, user_id: int, employer: str, at: datetime) -> None:
    """An employer said "not yet": remind the mentee to follow up with them in three weeks."""
    follow_up_schedule(
        key=key,
        user_id=user_id,
        kind=FollowUpReminder.Kind.REJECTION,
        note=employer,
        due_at=at + FOLLOW_UP_AFTER_REJECTION,
    )
