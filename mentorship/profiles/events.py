"""What profiles announce: a mentee's or mentor's profile (or what they are matched on: their job
descriptions, a mentor's approval) changed.

`profile_changed` is sent once the change has committed, with ``user_id`` and ``kind``
("mentee" or "mentor"). Profiles know nothing of who listens: packages above subscribe in their
`AppConfig.ready` (matching re-scores what the change touches and invalidates the match pages that
show the profile). A failing receiver is logged and does not stop the others.

`mentor_unapproved` is sent inside the transaction that withdraws a mentor's approval, with
``mentor_id`` and ``reason``: a receiver writes in that transaction (an exception rolls the
withdrawal back).

`mentor_away` is sent inside the transaction in which a mentor sets (or moves) their
`away_until`, with ``mentor_id`` and ``away_until`` (a date): mentorships decline the pending
requests with the code `away` and tell the mentees of active mentorships.
"""

import functools
import logging
from typing import Literal

from django.db import transaction
from django.dispatch import Signal

from mentorship.profiles.models import MenteeProfile, MentorProfile

logger = logging.getLogger(__name__)

ProfileKind = Literal["mentee", "mentor"]

# Sent after commit by MenteeProfile or MentorProfile, with user_id: int and kind: ProfileKind.
profile_changed = Signal()
# Sent inside the transaction when staff withdraw a mentor's approval, with mentor_id: int and
# reason: str (mentorships decline the mentor's pending requests with it).
mentor_unapproved = Signal()
# Sent inside the transaction when a mentor sets their away date, with mentor_id: int and
# away_until: date.
mentor_away = Signal()


def profile_changed_on_commit(*, user_id: int, kind: ProfileKind) -> None:
    """Announce `profile_changed` once the current transaction commits (at once outside one)."""
    transaction.on_commit(functools.partial(_announce, user_id, kind), robust=True)


def _announce(user_id: int, kind: ProfileKind) -> None:
    logger.info("profile changed user=%s kind=%s", user_id, kind)
    sender = MenteeProfile if kind == "mentee" else MentorProfile
    for receiver, result in profile_changed.send_robust(sender=sender, user_id=user_id, kind=kind):
        if isinstance(result, Exception):
            logger.error(
                "profile_changed receiver %s failed for user %s",
                getattr(receiver, "__qualname__", receiver),
                user_id,
                exc_info=result,
            )
