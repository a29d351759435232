"""Builders for the mentorship tests: profiled mentees and mentors, requests and mentorships.

Everything is written straight through the ORM, so a test sets up exactly the state it needs
(an unapproved mentor, a full mentor, a declined request) without going through other endpoints.
"""

from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.profiles.models import MenteeProfile, MentorProfile
from mentorship.taxonomy.models import Role
from tests.factories import MenteeFactory, MentorFactory

TARGET_ROLE = {"slug": "data-scientist", "name": "Data scientist"}


def target_role() -> Role:
    role, _ = Role.objects.get_or_create(slug=TARGET_ROLE["slug"], defaults=TARGET_ROLE)
    return role


def make_mentor(
    *, capacity: int = 3, accepting: bool = True, approved: bool = True, **user_fields
) -> User:
    """A mentor user with a profile; approved and accepting unless told otherwise."""
    user = MentorFactory(**user_fields)
    MentorProfile.objects.create(
        user=user,
        timezone="UTC",
        languages=["en"],
        capacity=capacity,
        accepting=accepting,
        approved=approved,
        approved_at=timezone.now() if approved else None,
    )
    return user


def make_mentee(**user_fields) -> User:
    """A mentee user with a profile aiming at the data scientist role."""
    user = MenteeFactory(**user_fields)
    MenteeProfile.objects.create(
        user=user, target_role=target_role(), timezone="UTC", weekly_hours=5, languages=["en"]
    )
    return user


def make_request(
    *,
    mentee: User,
    mentor: User,
    status: str = MentorshipRequest.Status.PENDING,
    message: str = "",
) -> MentorshipRequest:
    """A request in any state; an accepted one gets its active mentorship too."""
    decided_at = None if status == MentorshipRequest.Status.PENDING else timezone.now()
    request = MentorshipRequest.objects.create(
        mentee=mentee, mentor=mentor, status=status, message=message, decided_at=decided_at
    )
    if status == MentorshipRequest.Status.ACCEPTED:
        Mentorship.objects.create(mentee=mentee, mentor=mentor, request=request)
    return request


def make_mentorship(
    *, mentee: User, mentor: User, status: str = Mentorship.Status.ACTIVE
) -> Mentorship:
    """A mentorship started from an accepted request, active unless told otherwise."""
    request = make_request(mentee=mentee, mentor=mentor, status=MentorshipRequest.Status.ACCEPTED)
    mentorship = request.mentorship
    if status != Mentorship.Status.ACTIVE:
        mentorship.status, mentorship.ended_at = status, timezone.now()
        mentorship.save(update_fields=["status", "ended_at"])
    return mentorship
