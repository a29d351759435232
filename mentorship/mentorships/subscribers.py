"""What mentorships do when the packages below announce a change (connected in `apps`):

- a person leaves (`accounts.events.account_deleting`): their mentorship ends and their pending
  requests are cancelled, the other side told;
- staff withdraw a mentor's approval (`profiles.events.mentor_unapproved`): the mentor's pending
  requests are declined with the reason;
- a mentor goes away (`profiles.events.mentor_away`): their pending requests are declined with
  the code `away`, and the mentees of their active mentorships are told;
- a person asks for their export (`accounts.events.account_exporting`): their requests and
  mentorships.
"""

from datetime import date
from typing import Any

from mentorship.accounts.models import User
from mentorship.mentorships.selectors import mentorships_export
from mentorship.mentorships.services import (
    mentorships_close_for_leaving,
    requests_decline_for_away,
    requests_decline_for_unapproved,
)


def on_account_deleting(*, user: User, **_: Any) -> None:
    mentorships_close_for_leaving(user=user)


def on_mentor_unapproved(*, mentor_id: int, reason: str, **_: Any) -> None:
    requests_decline_for_unapproved(mentor_id=mentor_id, reason=reason)


def on_mentor_away(*, mentor_id: int, away_until: date, **_: Any) -> None:
    requests_decline_for_away(mentor_id=mentor_id, away_until=away_until)


def on_account_exporting(*, user: User, **_: Any) -> dict[str, Any]:
    return mentorships_export(user=user)
