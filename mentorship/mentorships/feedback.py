"""Feedback both ways: each side of a mentorship rates it (1 to 5, optional text) two weeks in and
at its end, and is asked for it by email.

- `two_weeks` is open while the mentorship is active and at least `FEEDBACK_AFTER_DAYS` old;
  `ended` once it has ended (a former mentor or mentee gives it after the end: that is when it
  is asked). Exactly one stage is open at a time, so the stage follows from the mentorship.
- One rating per side and stage: the unique constraint decides, whatever the timing.
- At the end both sides are emailed at once (only the one who stays when a person leaves). Two
  weeks in, the hourly sweep emails each side once, when their own clock reads between
  `FEEDBACK_PROMPT_FROM_HOUR` and `FEEDBACK_PROMPT_UNTIL_HOUR`; a sweep that missed those hours
  catches up within `PROMPT_CATCH_UP`, and mentorships older than that are not asked (no flood
  of prompts for the mentorships that predate the feature). Each email has a key per
  mentorship, stage and side, so a sweep run twice or concurrently sends nothing twice.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from mentorship.accounts.models import User
from mentorship.core.errors import ConflictError, NotFoundError, ValidationError
from mentorship.mentorships.models import Mentorship, MentorshipFeedback
from mentorship.notifications.models import Category
from mentorship.notifications.services import Draft, notification_queue, notifications_queue_bulk

Stage = MentorshipFeedback.Stage
Role = MentorshipFeedback.Role
PROMPT_CATCH_UP = timedelta(days=7)
MIN_RATING, MAX_RATING = 1, 5


def feedback_opens_after() -> timedelta:
    return timedelta(days=settings.FEEDBACK_AFTER_DAYS)


def feedback_open_stage(*, mentorship: Mentorship, now: datetime) -> str | None:
    """The stage either side may rate now: `ended` once ended, `two_weeks` while active and old
    enough, else None."""
    if mentorship.status == Mentorship.Status.ENDED:
        return Stage.ENDED
    if mentorship.started_at <= now - feedback_opens_after():
        return Stage.TWO_WEEKS
    return None


def feedback_key(*, mentorship_id: int, stage: str, role: str) -> str:
    return f"feedback-ask:{mentorship_id}:{stage}:{role}"


def _ask_body(*, other_name: str, stage: str, ended_how: str = "") -> str:
    when = (
        f"Your mentorship with {other_name} has ended ({ended_how})."
        if stage == Stage.ENDED
        else f"You have been working with {other_name} for two weeks."
    )
    return (
        f"{when} How is it going? Rate it from 1 to 5 in the app, with a few words if you like: "
        f"{other_name} never reads what you write, only staff do. It takes a minute and helps "
        "us match people better."
    )


def feedback_ask_at_end(*, mentorship: Mentorship, sides: Iterable[User]) -> None:
    """Email `sides` (the mentee and/or the mentor of `mentorship`, which has just ended) for
    their `ended` feedback. Precondition: inside the transaction that ended it."""
    ended_how = Mentorship.Outcome(mentorship.outcome).label.lower() if mentorship.outcome else ""
    for person in sides:
        as_mentee = person.pk == mentorship.mentee_id
        other = mentorship.mentor if as_mentee else mentorship.mentee
        notification_queue(
            key=feedback_key(
                mentorship_id=mentorship.pk,
                stage=Stage.ENDED,
                role=Role.MENTEE if as_mentee else Role.MENTOR,
            ),
            recipient=person,
            category=Category.COMMENTS_AND_FEEDBACK,
            subject="How was your mentorship?",
            body=_ask_body(
                other_name=other.name or ("your mentor" if as_mentee else "your mentee"),
                stage=Stage.ENDED,
                ended_how=ended_how or "no reason recorded",
            ),
        )


def feedback_give(
    *,
    mentorship_id: int,
    by: User,
    rating: int,
    text: str = "",
    stage: str | None = None,
    now: datetime,
) -> MentorshipFeedback:
    """One side of the mentorship rates it at the stage open now (`feedback_open_stage`).

    Another person's mentorship is a `NotFoundError`; a rating out of 1-5 a 400 on `rating`;
    no stage open, or `stage` given and not the open one, a 409 `feedback_not_open`; a second
    rating of the same stage a 409 `feedback_exists`.
    """
    mentorship = (
        Mentorship.objects.filter(Q(mentee=by) | Q(mentor=by), pk=mentorship_id)
        .only("pk", "mentee_id", "mentor_id", "status", "started_at")
        .first()
    )
    if mentorship is None:
        raise NotFoundError("Not found.")
    if isinstance(rating, bool) or not MIN_RATING <= rating <= MAX_RATING:
        raise ValidationError(
            "The rating is out of range.", fields={"rating": "A whole number from 1 to 5."}
        )
    open_stage = feedback_open_stage(mentorship=mentorship, now=now)
    if open_stage is None or (stage is not None and stage != open_stage):
        opens = mentorship.started_at + feedback_opens_after()
        raise ConflictError(
            (
                f"Feedback opens two weeks in ({opens:%Y-%m-%d %H:%M} UTC) and again at the end."
                if open_stage is None
                else f"Only the {open_stage} feedback is open for this mentorship."
            ),
            code="feedback_not_open",
        )
    role = Role.MENTEE if by.pk == mentorship.mentee_id else Role.MENTOR
    try:
        with transaction.atomic():
            return MentorshipFeedback.objects.create(
                mentorship=mentorship,
                author=by,
                role=role,
                stage=open_stage,
                rating=rating,
                text=text,
            )
    except IntegrityError:
        raise ConflictError(
            f"You have already given your {open_stage} feedback on this mentorship.",
            code="feedback_exists",
        ) from None


def _daytime(now: datetime, zone: str, cache: dict[str, bool]) -> bool:
    if zone not in cache:
        hour = now.astimezone(ZoneInfo(zone)).hour
        cache[zone] = (
            settings.FEEDBACK_PROMPT_FROM_HOUR <= hour < settings.FEEDBACK_PROMPT_UNTIL_HOUR
        )
    return cache[zone]


@transaction.atomic
def feedback_prompts_two_weeks(*, now: datetime) -> int:
    """The hourly sweep's step: email each side of an active mentorship that is two weeks old
    (within `PROMPT_CATCH_UP`) for their `two_weeks` feedback, once, at a daytime hour of their
    own time zone, unless they gave it already. Returns how many emails are new."""
    opened = now - feedback_opens_after()
    mentorships = Mentorship.objects.filter(
        status=Mentorship.Status.ACTIVE,
        started_at__lte=opened,
        started_at__gt=opened - PROMPT_CATCH_UP,
    )
    given = set(
        MentorshipFeedback.objects.filter(
            stage=Stage.TWO_WEEKS, mentorship__in=mentorships
        ).values_list("mentorship_id", "role")
    )
    rows = mentorships.values_list(
        "pk",
        "mentee_id",
        "mentor_id",
        "mentee__name",
        "mentor__name",
        "mentee__mentee_profile__timezone",
        "mentor__mentor_profile__timezone",
    )
    daytime: dict[str, bool] = {}
    drafts = []
    for pk, mentee_id, mentor_id, mentee_name, mentor_name, mentee_zone, mentor_zone in rows:
        sides = (
            (Role.MENTEE, mentee_id, mentee_zone, mentor_name or "your mentor"),
            (Role.MENTOR, mentor_id, mentor_zone, mentee_name or "your mentee"),
        )
        for role, recipient_id, zone, other_name in sides:
            if (pk, role) in given or not _daytime(now, zone or "UTC", daytime):
                continue
            drafts.append(
                Draft(
                    key=feedback_key(mentorship_id=pk, stage=Stage.TWO_WEEKS, role=role),
                    recipient_id=recipient_id,
                    category=Category.COMMENTS_AND_FEEDBACK,
                    subject="Two weeks in: how is your mentorship going?",
                    body=_ask_body(other_name=other_name, stage=Stage.TWO_WEEKS),
                )
            )
    return notifications_queue_bulk(drafts=drafts)
