"""What progress does when the packages below announce a change (connected in `apps`): an ended
mentorship schedules the mentee's follow-up with their mentor, and a rejected application the
follow-up with the employer, in the same transaction; a person
leaving erases what progress holds of theirs (`erasure`); an export gets their projects,
check-ins and follow-ups (`export`)."""

from typing import Any

from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.applications.models import JobApplication
from mentorship.mentorships.models import Mentorship
from mentorship.progress.erasure import progress_forget_person
from mentorship.progress.export import progress_export
from mentorship.progress.follow_ups import follow_up_after_mentorship, follow_up_after_rejection


def on_mentorship_ended(*, mentorship: Mentorship, **_: Any) -> None:
    follow_up_after_mentorship(mentorship=mentorship)


def on_application_rejected(*, application: JobApplication, **_: Any) -> None:
    follow_up_after_rejection(
        key=f"application-rejected:{application.pk}",
        user_id=application.mentee_id,
        employer=application.company,
        at=timezone.now(),
    )


def on_account_deleting(*, user: User, **_: Any) -> None:
    progress_forget_person(user=user)


def on_account_exporting(*, user: User, **_: Any) -> dict[str, Any]:
    return progress_export(user=user)
