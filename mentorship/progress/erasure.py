"""What a person leaving erases from progress (`accounts.events.account_deleting`).

A leaving mentee's projects go, with their milestones, experiments and every comment on them
(the mentor's too: they were about the mentee's work), and so do the check-ins and stall flags
of their mentorships and their follow-up reminders. A leaving mentor's comments on a mentee's
project and their feedback on the mentee's check-ins stay, shown as the deleted account's: they
are part of the mentee's record. The follow-ups that ask a mentee to write to a mentor who left
are dropped.
"""

from django.db.models import Q

from mentorship.accounts.models import User
from mentorship.mentorships.models import Mentorship
from mentorship.progress.models import CheckIn, FollowUpReminder, Project, StallFlag


def progress_forget_person(*, user: User) -> None:
    """Precondition: inside the deletion's transaction, after mentorships ended the person's
    mentorships (their `mentorship_ended` scheduled follow-ups that are dropped here)."""
    Project.objects.filter(mentee=user).delete()
    CheckIn.objects.filter(mentorship__mentee=user).delete()
    StallFlag.objects.filter(mentorship__mentee=user).delete()
    mentored = Mentorship.objects.filter(mentor=user).values_list("pk", flat=True)
    FollowUpReminder.objects.filter(
        Q(user=user) | Q(key__in=[f"mentorship-ended:{pk}" for pk in mentored])
    ).delete()
