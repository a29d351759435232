"""What progress does when mentorships announce a change (connected in `apps`): an ended
mentorship schedules the mentee's follow-up with their mentor, in the same transaction."""

from typing import Any

from mentorship.mentorships.models import Mentorship
from mentorship.progress.follow_ups import follow_up_after_mentorship


def on_mentorship_ended(*, mentorship: Mentorship, **_: Any) -> None:
    follow_up_after_mentorship(mentorship=mentorship)
