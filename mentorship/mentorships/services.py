"""Writes for mentorships: request a mentor, accept, decline or cancel, and end a mentorship.

Lock order, to keep concurrent accepts free of deadlocks: the mentor's profile row, then the
mentee's user row, then request rows. The user row is locked FOR NO KEY UPDATE: it serialises
our own writers but not the foreign-key checks of rows that point at the user (an email queued
by a concurrent decline), which FOR UPDATE would block into a deadlock. Capacity is checked under
the mentor's lock, and the database keeps a mentee to one active mentorship whatever the timing.

Each change announces itself inside its transaction (`events`): matching re-scores the lists it
touches, progress schedules the follow-up of an ended mentorship.
"""

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.accounts.verification import email_verified_check
from mentorship.core.errors import ConflictError, NotFoundError, ValidationError
from mentorship.mentorships.events import (
    mentorship_ended,
    mentorship_started,
    request_declined,
    requests_expired,
)
from mentorship.mentorships.feedback import feedback_ask_at_end
from mentorship.mentorships.models import Mentorship, MentorshipFeedback, MentorshipRequest
from mentorship.mentorships.selectors import declined_for_good
from mentorship.notifications.models import Category
from mentorship.notifications.services import Draft, notification_queue, notifications_queue_bulk
from mentorship.profiles.models import MenteeProfile, MentorProfile

logger = logging.getLogger(__name__)

MAX_PENDING_REQUESTS = 3
Status = MentorshipRequest.Status
DeclineCode = MentorshipRequest.DeclineCode
Outcome = Mentorship.Outcome

# The coded reasons a person may give. `away` and `unapproved` (declines) and `hired` and
# `left_platform` (ends) are the system's: set by the away period, the withdrawal of a
# mentor's approval, the hire (`POST /me/hired`) and a person leaving.
DECLINE_CODES = (
    DeclineCode.NO_CAPACITY,
    DeclineCode.SKILLS_MISMATCH,
    DeclineCode.TIMEZONE,
    DeclineCode.OTHER,
)
END_CODES = (
    Outcome.GOAL_REACHED,
    Outcome.MENTEE_INACTIVE,
    Outcome.MENTOR_UNRESPONSIVE,
    Outcome.MISMATCH,
    Outcome.PERSONAL,
    Outcome.OTHER,
)
# A side does not give the other side's reason about itself.
NOT_FROM_MENTEE = (Outcome.MENTEE_INACTIVE,)
NOT_FROM_MENTOR = (Outcome.MENTOR_UNRESPONSIVE,)
HIRE_THROUGH = (
    "A hire is recorded by the mentee with POST /api/v1/me/hired: it ends the mentorship."
)


def _check_coded_reason(*, code: str, reason: str, allowed: tuple[str, ...]) -> None:
    """`code` is one of `allowed`, and `other` comes with its text; else a 400 on the field."""
    if code not in allowed:
        message = f"Use one of: {', '.join(allowed)}."
        if code == Outcome.HIRED:
            message = HIRE_THROUGH
        raise ValidationError("Give one of the reason codes.", fields={"code": message})
    if code == "other" and not reason.strip():
        raise ValidationError(
            "Say why in `reason`.", fields={"reason": "Required when the code is other."}
        )


def active_mentorship_count(*, mentor_id: int) -> int:
    return Mentorship.objects.filter(mentor_id=mentor_id, status=Mentorship.Status.ACTIVE).count()


def response_window() -> timedelta:
    """How long a mentor has to answer a request (`REQUEST_RESPONSE_DAYS`)."""
    return timedelta(days=settings.REQUEST_RESPONSE_DAYS)


def _lock_user(user_id: int) -> None:
    """Serialise writes about one person (see the module docstring for the lock mode)."""
    User.objects.select_for_update(no_key=True).filter(pk=user_id).first()


@transaction.atomic
def request_create(*, mentee: User, mentor_id: int, message: str) -> MentorshipRequest:
    """A mentee asks an approved, accepting mentor with room to mentor them; the mentor is emailed
    and has `REQUEST_RESPONSE_DAYS` to answer (`expires_at`).

    Refused (409) for a mentor who is away (`mentor_away`) or paused (`mentor_paused`), while
    the mentee's address is unverified (`email_unverified`), while they have an active
    mentorship or `MAX_PENDING_REQUESTS` pending ones, a second pending request to the same
    mentor, or a mentor who declined them before (not for being away).
    """
    if mentor_id == mentee.pk:
        raise ValidationError("You cannot request yourself.", fields={"mentor": "Not yourself."})
    email_verified_check(user=mentee, message="Verify your email address before you ask a mentor.")
    _lock_user(mentee.pk)
    mentor_profile = (
        MentorProfile.objects.select_related("user")
        .filter(user_id=mentor_id, approved=True)
        .first()
    )
    if mentor_profile is None:
        raise ValidationError(
            "No approved mentor with this id.",
            fields={"mentor": "No approved mentor with this id."},
        )
    if mentor_profile.away_until is not None:
        raise ConflictError(
            f"This mentor is away until {mentor_profile.away_until:%Y-%m-%d}.", code="mentor_away"
        )
    if mentor_profile.paused_at is not None:
        raise ConflictError("This mentor is not taking requests right now.", code="mentor_paused")
    if not mentor_profile.accepting:
        raise ConflictError("This mentor is not taking new mentees.", code="not_accepting")
    if active_mentorship_count(mentor_id=mentor_id) >= mentor_profile.capacity:
        raise ConflictError("This mentor has no free place right now.", code="capacity_full")
    if MenteeProfile.objects.filter(user=mentee, hired_at__isnull=False).exists():
        raise ConflictError("You have accepted an offer: you are out of matching.", code="hired")
    if Mentorship.objects.filter(mentee=mentee, status=Mentorship.Status.ACTIVE).exists():
        raise ConflictError(
            "You already have an active mentorship; end it before requesting another mentor.",
            code="active_mentorship",
        )
    requests = MentorshipRequest.objects.filter(mentee=mentee)
    if requests.filter(declined_for_good(), mentor_id=mentor_id).exists():
        raise ConflictError("This mentor declined your earlier request.", code="declined_before")
    if Mentorship.objects.filter(
        mentee=mentee, mentor_id=mentor_id, status=Mentorship.Status.ENDED
    ).exists():
        raise ConflictError("Your mentorship with this mentor has ended.", code="ended_before")
    if requests.filter(mentor_id=mentor_id, status=Status.PENDING).exists():
        raise ConflictError("You already have a pending request to this mentor.", code="duplicate")
    if requests.filter(status=Status.PENDING).count() >= MAX_PENDING_REQUESTS:
        raise ConflictError(
            f"You can have at most {MAX_PENDING_REQUESTS} pending requests; cancel one first.",
            code="too_many_pending",
        )
    request = MentorshipRequest.objects.create(
        mentee=mentee,
        mentor=mentor_profile.user,
        message=message,
        expires_at=timezone.now() + response_window(),
    )
    notification_queue(
        key=f"request-received:{request.pk}",
        recipient=mentor_profile.user,
        category=Category.REQUEST_UPDATES,
        subject=f"{mentee.name or 'A mentee'} asked you to be their mentor",
        body=(
            f"{mentee.name or mentee.email} would like you to mentor them.\n\n{message}\n\n"
            "Review their profile and accept or decline the request in the app."
        ),
    )
    logger.info("request created id=%s mentee=%s mentor=%s", request.pk, mentee.pk, mentor_id)
    return request


def _pending_request_for_mentor(*, request_id: int, mentor: User) -> MentorshipRequest:
    request = MentorshipRequest.objects.filter(pk=request_id, mentor=mentor).first()
    if request is None:
        raise NotFoundError("Not found.")
    return request


@transaction.atomic
def request_accept(*, request_id: int, by: User) -> Mentorship:
    """The requested mentor accepts: a mentorship starts, the mentee's other requests are withdrawn.

    Precondition: `by` is the requested mentor (anyone else gets `NotFoundError`). Takes the lock
    order of this module. A full mentor, a request no longer pending, or a mentee who started
    another mentorship meanwhile is a `ConflictError`.
    """
    mentor_profile = MentorProfile.objects.select_for_update().filter(user=by).first()
    request = _pending_request_for_mentor(request_id=request_id, mentor=by)
    if mentor_profile is None:
        raise NotFoundError("Not found.")
    if not mentor_profile.approved:
        raise ConflictError("Staff must approve your profile first.", code="not_approved")
    _lock_user(request.mentee_id)
    request = MentorshipRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != Status.PENDING:
        raise ConflictError(f"This request is {request.status}, not pending.", code="not_pending")
    if active_mentorship_count(mentor_id=by.pk) >= mentor_profile.capacity:
        raise ConflictError(
            "You have no free place: raise your capacity first.", code="capacity_full"
        )
    try:
        with transaction.atomic():
            mentorship = Mentorship.objects.create(
                mentee_id=request.mentee_id, mentor=by, request=request
            )
    except IntegrityError:
        raise ConflictError(
            "This mentee has just started another mentorship.", code="mentee_taken"
        ) from None
    now = timezone.now()
    request.status, request.decided_at = Status.ACCEPTED, now
    request.save(update_fields=["status", "decided_at"])
    MentorshipRequest.objects.filter(mentee_id=request.mentee_id, status=Status.PENDING).update(
        status=Status.WITHDRAWN, decided_at=now
    )
    notification_queue(
        key=f"request-accepted:{request.pk}",
        recipient=request.mentee,
        category=Category.REQUEST_UPDATES,
        subject=f"{by.name or 'Your mentor'} accepted your request",
        body="Your mentorship has started. Plan your project together and check in every week.",
    )
    mentorship_started.send(sender=Mentorship, mentorship=mentorship)
    logger.info("request accepted id=%s mentorship=%s", request.pk, mentorship.pk)
    return mentorship


@transaction.atomic
def request_decline(*, request_id: int, by: User, code: str, reason: str = "") -> MentorshipRequest:
    """The requested mentor declines with a coded reason (`DECLINE_CODES`; `other` with its
    text in `reason`); the mentee is told, and is not matched with them again."""
    request = _pending_request_for_mentor(request_id=request_id, mentor=by)
    _check_coded_reason(code=code, reason=reason, allowed=DECLINE_CODES)
    request = MentorshipRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != Status.PENDING:
        raise ConflictError(f"This request is {request.status}, not pending.", code="not_pending")
    request.status, request.decided_at = Status.DECLINED, timezone.now()
    request.decline_code, request.reason = code, reason
    request.save(update_fields=["status", "decline_code", "reason", "decided_at"])
    notification_queue(
        key=f"request-declined:{request.pk}",
        recipient=request.mentee,
        category=Category.REQUEST_UPDATES,
        subject="Your mentorship request was declined",
        body=(
            f"{by.name or 'The mentor'} cannot take you on ({DeclineCode(code).label.lower()})."
            + (f" They said: {reason}" if reason else "")
            + "\n\nYour other matches are waiting for you in the app."
        ),
    )
    request_declined.send(sender=MentorshipRequest, request=request)
    return request


@transaction.atomic
def request_cancel(*, request_id: int, by: User) -> MentorshipRequest:
    """The mentee withdraws their own pending request."""
    request = MentorshipRequest.objects.select_for_update().filter(pk=request_id, mentee=by).first()
    if request is None:
        raise NotFoundError("Not found.")
    if request.status != Status.PENDING:
        raise ConflictError(f"This request is {request.status}, not pending.", code="not_pending")
    request.status, request.decided_at = Status.CANCELLED, timezone.now()
    request.save(update_fields=["status", "decided_at"])
    return request


@transaction.atomic
def mentorship_end(*, mentorship_id: int, by: User, code: str, reason: str = "") -> Mentorship:
    """Either side ends an active mentorship with a coded reason (`END_CODES`, `other` with its
    text in `reason`; a mentee does not say `mentee_inactive` nor a mentor
    `mentor_unresponsive`; `hired` goes through the hire). The mentor's place frees up, and
    both sides are emailed for their feedback (which tells the other side it ended)."""
    mentorship = (
        Mentorship.objects.select_for_update()
        .filter(Q(mentee=by) | Q(mentor=by), pk=mentorship_id)
        .select_related("mentee", "mentor")
        .first()
    )
    if mentorship is None:
        raise NotFoundError("Not found.")
    excluded = NOT_FROM_MENTEE if by.pk == mentorship.mentee_id else NOT_FROM_MENTOR
    allowed = tuple(outcome for outcome in END_CODES if outcome not in excluded)
    _check_coded_reason(code=code, reason=reason, allowed=allowed)
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise ConflictError("This mentorship has already ended.", code="already_ended")
    mentorship.status = Mentorship.Status.ENDED
    mentorship.ended_at = timezone.now()
    mentorship.outcome, mentorship.end_reason = code, reason
    mentorship.save(update_fields=["status", "ended_at", "outcome", "end_reason"])
    feedback_ask_at_end(mentorship=mentorship, sides=[mentorship.mentee, mentorship.mentor])
    mentorship_ended.send(sender=Mentorship, mentorship=mentorship)
    return mentorship


HIRED_REASON = "The mentee accepted a job offer."


def mentorships_close_for_hire(*, mentee: User) -> Mentorship | None:
    """The mentee was hired: their active mentorship is completed with outcome `hired` (the
    mentor is emailed, `mentorship_ended` announced) and their pending requests are cancelled.
    Returns the completed mentorship, or None when there was none. Precondition: inside the
    hire's transaction, which has locked the mentee (`lock_person`)."""
    now = timezone.now()
    MentorshipRequest.objects.filter(mentee=mentee, status=Status.PENDING).update(
        status=Status.CANCELLED, decided_at=now
    )
    mentorship = (
        Mentorship.objects.select_for_update()
        .filter(mentee=mentee, status=Mentorship.Status.ACTIVE)
        .select_related("mentor")
        .first()
    )
    if mentorship is None:
        return None
    mentorship.status, mentorship.ended_at = Mentorship.Status.ENDED, now
    mentorship.end_reason, mentorship.outcome = HIRED_REASON, Mentorship.Outcome.HIRED
    mentorship.save(update_fields=["status", "ended_at", "end_reason", "outcome"])
    notification_queue(
        key=f"mentorship-hired:{mentorship.pk}",
        recipient=mentorship.mentor,
        category=Category.REQUEST_UPDATES,
        subject=f"{mentee.name or 'Your mentee'} was hired",
        body=(
            f"{mentee.name or 'Your mentee'} accepted a job offer, so your mentorship is "
            "complete: thank you. Your place is free for the next mentee."
        ),
    )
    feedback_ask_at_end(mentorship=mentorship, sides=[mentee, mentorship.mentor])
    mentorship_ended.send(sender=Mentorship, mentorship=mentorship)
    return mentorship


def lock_person(*, user_id: int) -> None:
    """Serialise writes about one person, in this module's lock mode (for callers above)."""
    _lock_user(user_id)


def _decline_pending(
    *,
    mentor_id: int,
    code: str,
    reason: str,
    subject: str,
    body: Callable[[MentorshipRequest], str],
    excludes: bool,
) -> list[MentorshipRequest]:
    """Decline every pending request to this mentor for them (staff withdrew the approval, the
    mentor went away), coded `code` so that the mentor's response record does not count it as
    their answer; each mentee is emailed `subject` and `body(request)`. With `excludes`,
    `request_declined` is announced (matching drops the pair, as for the mentor's own decline).
    Precondition: inside the caller's transaction. Returns the declined requests."""
    pending = list(
        MentorshipRequest.objects.select_for_update()
        .filter(mentor_id=mentor_id, status=Status.PENDING)
        .select_related("mentee", "mentor")
    )
    now = timezone.now()
    for request in pending:
        request.status, request.decided_at = Status.DECLINED, now
        request.decline_code, request.reason = code, reason
        request.save(update_fields=["status", "decline_code", "reason", "decided_at"])
        notification_queue(
            key=f"request-declined:{request.pk}",
            recipient=request.mentee,
            category=Category.REQUEST_UPDATES,
            subject=subject,
            body=body(request),
        )
        if excludes:
            request_declined.send(sender=MentorshipRequest, request=request)
    return pending


def requests_decline_for_unapproved(*, mentor_id: int, reason: str) -> int:
    """Staff withdrew a mentor's approval: their pending requests are declined with `reason`, as
    the mentor would (the mentees are told, and matching drops the pair). Precondition: inside
    the withdrawal's transaction. Returns how many."""
    body = (
        "This mentor is no longer available on the platform."
        + (f" The reason: {reason}" if reason else "")
        + "\n\nYour other matches are waiting for you in the app."
    )
    declined = _decline_pending(
        mentor_id=mentor_id,
        code=DeclineCode.UNAPPROVED,
        reason=reason,
        subject="Your mentorship request was declined",
        body=lambda _request: body,
        excludes=True,
    )
    return len(declined)


LEFT_REASON = "The other person left the platform."


def mentorships_close_for_leaving(*, user: User) -> None:
    """A person leaves: their active mentorship ends (the other side is emailed, and
    `mentorship_ended` announced), their pending requests are cancelled (a mentee waiting on a
    leaving mentor is told), and the messages they wrote on requests are erased. The rows stay,
    pointing at the emptied account: the other side keeps its record. Precondition: inside the
    deletion's transaction."""
    _lock_user(user.pk)
    now = timezone.now()
    active = (
        Mentorship.objects.select_for_update()
        .filter(Q(mentee=user) | Q(mentor=user), status=Mentorship.Status.ACTIVE)
        .select_related("mentee", "mentor")
    )
    for mentorship in active:
        mentorship.status, mentorship.ended_at = Mentorship.Status.ENDED, now
        mentorship.end_reason, mentorship.outcome = LEFT_REASON, Mentorship.Outcome.LEFT_PLATFORM
        mentorship.save(update_fields=["status", "ended_at", "end_reason", "outcome"])
        other = mentorship.mentor if mentorship.mentee_id == user.pk else mentorship.mentee
        notification_queue(
            key=f"mentorship-left:{mentorship.pk}",
            recipient=other,
            category=Category.REQUEST_UPDATES,
            subject="Your mentorship has ended",
            body=(
                f"{user.name or 'The other person'} left the platform, so your mentorship has "
                "ended. Your matches are waiting for you in the app."
            ),
        )
        # Only the one who stays is asked: the leaving account is being emptied.
        feedback_ask_at_end(mentorship=mentorship, sides=[other])
        mentorship_ended.send(sender=Mentorship, mentorship=mentorship)
    waiting = list(
        MentorshipRequest.objects.select_for_update()
        .filter(mentor=user, status=Status.PENDING)
        .select_related("mentee")
    )
    for request in waiting:
        notification_queue(
            key=f"request-cancelled-left:{request.pk}",
            recipient=request.mentee,
            category=Category.REQUEST_UPDATES,
            subject="Your mentorship request was cancelled",
            body="The mentor you asked left the platform. Your other matches are in the app.",
        )
    MentorshipRequest.objects.filter(Q(mentee=user) | Q(mentor=user), status=Status.PENDING).update(
        status=Status.CANCELLED, decided_at=now
    )
    MentorshipRequest.objects.filter(mentee=user).update(message="")
    # Their ratings stay in the mentor's averages; what they wrote goes.
    MentorshipFeedback.objects.filter(author=user).update(text="")


def requests_decline_for_away(*, mentor_id: int, away_until: date) -> int:
    """A mentor went away until `away_until`: their pending requests are declined with the code
    `away` (the mentees are told, and may ask again once the mentor is back), and the mentees of
    their active mentorships are told. Precondition: inside the profile change's transaction,
    which holds the mentor's profile lock. Returns how many requests were declined."""
    back = f"{away_until:%A %d %B %Y}"
    declined = _decline_pending(
        mentor_id=mentor_id,
        code=DeclineCode.AWAY,
        reason=f"The mentor is away until {away_until:%Y-%m-%d}.",
        subject="Your mentor request was declined: the mentor is away",
        body=lambda request: (
            f"{request.mentor.name or 'The mentor'} is away until {back}, so your request "
            "was declined. You may ask them again once they are back; your other matches "
            "are waiting for you in the app."
        ),
        excludes=False,
    )
    active = Mentorship.objects.filter(
        mentor_id=mentor_id, status=Mentorship.Status.ACTIVE
    ).select_related("mentee", "mentor")
    for mentorship in active:
        notification_queue(
            key=f"mentor-away:{mentorship.pk}:{away_until:%Y-%m-%d}",
            recipient=mentorship.mentee,
            category=Category.REQUEST_UPDATES,
            subject="Your mentor is away for a while",
            body=(
                f"{mentorship.mentor.name or 'Your mentor'} is away until {back}. Your "
                "mentorship goes on: keep checking in every week, and they will catch up when "
                "they are back."
            ),
        )
    return len(declined)


def requests_remind_due(*, now: datetime) -> int:
    """Remind each mentor of the pending requests half-way to their expiry, once per request
    (`reminded_at`, and the email's key). Rows another sweep holds are skipped. Precondition:
    inside a transaction. Returns how many reminders were queued."""
    half = response_window() / 2
    due = list(
        MentorshipRequest.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            status=Status.PENDING,
            reminded_at__isnull=True,
            expires_at__isnull=False,
            expires_at__lte=now + half,
            expires_at__gt=now,
        )
        .select_related("mentee", "mentor__mentor_profile")
    )
    MentorshipRequest.objects.filter(pk__in=[request.pk for request in due]).update(reminded_at=now)

    def reminder(request: MentorshipRequest) -> Draft:
        profile = getattr(request.mentor, "mentor_profile", None)
        deadline = _on_clock(request.expires_at, profile.timezone if profile else "UTC")
        return Draft(
            key=f"request-reminder:{request.pk}",
            recipient_id=request.mentor_id,
            category=Category.REQUEST_UPDATES,
            subject=f"{request.mentee.name or 'A mentee'} is waiting for your answer",
            body=(
                f"{request.mentee.name or 'A mentee'} asked you to mentor them. Accept or "
                f"decline by {deadline:%A %d %B %H:%M} ({deadline.tzname()}), or the request "
                "expires and they are pointed to other mentors. Going away? Set an away date "
                "on your profile."
            ),
        )

    notifications_queue_bulk(drafts=[reminder(request) for request in due])
    return len(due)


def _on_clock(moment: datetime | None, zone: str) -> datetime:
    moment = moment or timezone.now()
    try:
        return moment.astimezone(ZoneInfo(zone or "UTC"))
    except (ValueError, KeyError):
        return moment.astimezone(ZoneInfo("UTC"))


def requests_expire_due(*, now: datetime) -> list[MentorshipRequest]:
    """Pending requests past `expires_at` become `expired` (counted against the mentor) and are
    announced (`requests_expired`: matching emails each mentee their next best mentors).

    Lock order as in this module: the mentors' profiles first (skipping those another
    transaction holds, such as a mentor accepting right now: their requests wait for the next
    sweep), then the requests (skipping held rows). So a mentor accepting as the sweep expires
    ends with one of the two, never both, and no sweep waits on a lock. Precondition: inside a
    transaction. Returns the expired requests, with mentee and mentor loaded."""
    due = MentorshipRequest.objects.filter(status=Status.PENDING, expires_at__lte=now)
    mentor_ids = set(due.values_list("mentor_id", flat=True))
    if not mentor_ids:
        return []
    locked = list(
        MentorProfile.objects.select_for_update(skip_locked=True)
        .filter(pk__in=mentor_ids)
        .values_list("pk", flat=True)
    )
    # A mentor whose profile is gone (left) has no pending request: nothing to lock for them.
    expired = list(
        due.select_for_update(skip_locked=True, of=("self",))
        .filter(mentor_id__in=locked)
        .select_related("mentee", "mentor")
    )
    MentorshipRequest.objects.filter(
        pk__in=[request.pk for request in expired], status=Status.PENDING
    ).update(status=Status.EXPIRED, decided_at=now)
    for request in expired:
        request.status, request.decided_at = Status.EXPIRED, now
    if expired:
        requests_expired.send(sender=MentorshipRequest, requests=expired)
        logger.info("requests expired: %s", [request.pk for request in expired])
    return expired
