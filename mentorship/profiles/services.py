"""Writes for profiles: mentee and mentor profiles, mentor approval, job descriptions.

Every write checks its input before writing anything, inside one transaction, so a request that
fails leaves the previous profile exactly as it was. A committed change announces
`events.profile_changed`.
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.accounts.verification import email_verified_check
from mentorship.core.audit import audit_context, audit_forget
from mentorship.core.errors import ConflictError, NotFoundError, ValidationError
from mentorship.notifications.models import Category
from mentorship.notifications.services import notification_queue
from mentorship.profiles.events import (
    ProfileKind,
    mentor_away,
    mentor_unapproved,
    profile_changed_on_commit,
)
from mentorship.profiles.models import (
    JobDescription,
    MenteeProfile,
    MentorProfile,
)
from mentorship.taxonomy.models import Skill
from mentorship.taxonomy.selectors import skill_matcher

MAX_JOB_DESCRIPTIONS = 50

MENTEE_FIELDS = (
    "target_role",
    "background",
    "goals",
    "timezone",
    "weekly_hours",
    "languages",
    "allow_no_overlap",
)
MENTOR_FIELDS = (
    "background",
    "bio",
    "years_experience",
    "timezone",
    "languages",
    "capacity",
    "accepting",
)


def mentee_profile_save(
    *, user: User, data: Mapping[str, Any], partial: bool
) -> tuple[MenteeProfile, bool]:
    """Create or replace (PUT) or update (PATCH, `partial`) the mentee's own profile.

    Precondition: `user` is a mentee and `data` is validated input with references resolved
    (`target_role` a Role, `background` a Background or None, `skills` a list of
    `{"skill": Skill, "level": int}` without repeats). Model rules are checked again here. Returns
    the profile and whether it was created.
    """
    return _profile_save(
        model=MenteeProfile,
        kind="mentee",
        user=user,
        data=data,
        partial=partial,
        plain_fields=MENTEE_FIELDS,
    )


def mentor_profile_save(
    *, user: User, data: Mapping[str, Any], partial: bool
) -> tuple[MentorProfile, bool]:
    """Create or replace (PUT) or update (PATCH) the mentor's own profile; `approved` is untouched.

    Precondition: `user` is a mentor; `data` as for `mentee_profile_save`, with `roles` a list of
    Role.
    """
    return _profile_save(
        model=MentorProfile,
        kind="mentor",
        user=user,
        data=data,
        partial=partial,
        plain_fields=MENTOR_FIELDS,
    )


Profile = TypeVar("Profile", MenteeProfile, MentorProfile)


@transaction.atomic
def _profile_save(
    *,
    model: type[Profile],
    kind: ProfileKind,
    user: User,
    data: Mapping[str, Any],
    partial: bool,
    plain_fields: tuple[str, ...],
) -> tuple[Profile, bool]:
    profile = model.objects.select_for_update().filter(user=user).first()
    created = profile is None
    if created and partial:
        raise NotFoundError(f"You have no {kind} profile yet: create it with PUT.")

    if profile is None:
        profile = model(user=user)
    for name in plain_fields:
        if name in data:
            setattr(profile, name, data[name])
    went_away = isinstance(profile, MentorProfile) and _away_until_set(profile, data)
    # A time zone stored before only canonical zones were accepted (an alias such as `UTC`) is
    # kept until the person changes it: a change of other fields does not fail on it.
    _check_model_rules(profile, exclude=[] if created or "timezone" in data else ["timezone"])
    try:
        with transaction.atomic():
            profile.save(force_insert=created)
    except IntegrityError:
        raise ConflictError(
            f"Your {kind} profile was changed at the same time; try again."
        ) from None
    if "roles" in data and isinstance(profile, MentorProfile):
        profile.roles.set(data["roles"])
    if "skills" in data:
        levels = profile.skill_levels  # this profile's MenteeSkill or MentorSkill rows
        levels.all().delete()
        levels.bulk_create(
            levels.model(profile=profile, skill=entry["skill"], level=entry["level"])
            for entry in data["skills"]
        )
    if went_away and isinstance(profile, MentorProfile):
        mentor_away.send(sender=MentorProfile, mentor_id=user.pk, away_until=profile.away_until)
    profile_changed_on_commit(user_id=user.pk, kind=kind)
    return profile, created


def local_today(zone: str, *, now: datetime | None = None) -> date:
    """Today's date on the wall clock of `zone` (an unknown zone reads as UTC)."""
    try:
        info = ZoneInfo(zone or "UTC")
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        info = ZoneInfo("UTC")
    return (now or timezone.now()).astimezone(info).date()


def _away_until_set(profile: MentorProfile, data: Mapping[str, Any]) -> bool:
    """Apply `away_until` from `data` (absent: unchanged; None: back at once). A new date must be
    after today on the mentor's clock and at most `MENTOR_AWAY_MAX_DAYS` ahead. Returns whether
    the mentor is now away from a new date (their requests are then declined)."""
    if "away_until" not in data:
        return False
    wanted, current = data["away_until"], profile.away_until
    if wanted is None or wanted == current:
        profile.away_until = wanted
        return False
    today = local_today(profile.timezone)
    if wanted <= today:
        raise ValidationError(
            "Invalid input.",
            fields={"away_until": [f"Pick a date after today ({today:%Y-%m-%d} where you are)."]},
        )
    latest = today + timedelta(days=settings.MENTOR_AWAY_MAX_DAYS)
    if wanted > latest:
        raise ValidationError(
            "Invalid input.",
            fields={"away_until": [f"Pick a date no later than {latest:%Y-%m-%d}."]},
        )
    profile.away_until = wanted
    return True


def _check_model_rules(instance: models.Model, *, exclude: Sequence[str] = ()) -> None:
    """The model's own field rules (time zone, languages, ranges), whoever the caller is."""
    try:
        instance.full_clean(exclude=["user", *exclude], validate_unique=False)
    except DjangoValidationError as error:
        raise ValidationError("Invalid input.", fields=error.message_dict) from None


@transaction.atomic
def mentor_approve(*, mentor_id: int, by: User) -> MentorProfile:
    """Make a mentor visible to mentees (idempotent) and tell them by email.

    Precondition: `by` is staff. An unknown user id, or a user without a mentor profile, is a
    `NotFoundError`; a mentor whose address is unverified is a 409 `email_unverified`. Recorded in
    the audit trail as `by`'s.
    """
    profile = (
        MentorProfile.objects.select_for_update()
        .select_related("user")
        .filter(user_id=mentor_id)
        .first()
    )
    if profile is None:
        raise NotFoundError("No mentor profile for this user.")
    if not profile.approved:
        email_verified_check(
            user=profile.user, message="This mentor has not verified their email address yet."
        )
        profile.approved = True
        profile.approved_at = timezone.now()
        profile.approved_by = by
        with audit_context(actor=by):
            profile.save(update_fields=["approved", "approved_at", "approved_by", "updated_at"])
        notification_queue(
            key=f"mentor-approved:{profile.pk}",
            recipient=profile.user,
            category=Category.REQUEST_UPDATES,
            subject="You are approved as a mentor",
            body="Staff reviewed your profile: mentees can now see you and request you.",
        )
        profile_changed_on_commit(user_id=profile.pk, kind="mentor")
    return profile


@transaction.atomic
def mentor_unapprove(*, mentor_id: int, by: User, reason: str) -> MentorProfile:
    """Withdraw a mentor's approval (idempotent): mentees no longer see or are matched with them
    (`profile_changed`: matching re-scores), their pending requests are declined with `reason`
    (`mentor_unapproved`: mentorships do it), and they are emailed. Active mentorships go on.

    Precondition: `by` is staff. Unknown, or without a mentor profile: `NotFoundError`. Recorded
    in the audit trail as `by`'s, with the reason.
    """
    profile = (
        MentorProfile.objects.select_for_update()
        .select_related("user")
        .filter(user_id=mentor_id)
        .first()
    )
    if profile is None:
        raise NotFoundError("No mentor profile for this user.")
    if not profile.approved:
        return profile
    profile.approved, profile.approved_at, profile.approved_by = False, None, None
    with audit_context(actor=by, reason=reason):
        profile.save(update_fields=["approved", "approved_at", "approved_by", "updated_at"])
        mentor_unapproved.send(sender=MentorProfile, mentor_id=profile.pk, reason=reason)
    notification_queue(
        key=f"mentor-unapproved:{profile.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
        recipient=profile.user,
        category=Category.REQUEST_UPDATES,
        subject="Your mentor profile is no longer approved",
        body=(
            "Staff withdrew the approval of your mentor profile: mentees no longer see you, and "
            f"your pending requests were declined.\n\nThe reason given: {reason}\n\nYour "
            "active mentorships go on. Reply to this email to ask for another review."
        ),
    )
    profile_changed_on_commit(user_id=profile.pk, kind="mentor")
    return profile


@transaction.atomic
def mentee_profile_mark_hired(*, user: User, at: datetime) -> MenteeProfile:
    """The mentee accepted an offer: they leave matching (`profile_changed` re-scores their
    list, now empty, once this commits). Precondition: the caller has locked the person and
    checked they were not hired already. A mentee without a profile is a `ConflictError`."""
    profile = MenteeProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        raise ConflictError("Create your mentee profile first.", code="no_profile")
    profile.hired_at = at
    profile.save(update_fields=["hired_at", "updated_at"])
    profile_changed_on_commit(user_id=user.pk, kind="mentee")
    return profile


def profiles_forget_person(*, user: User) -> None:
    """A person leaves: their profiles, skills and job descriptions are erased, and the audit
    entries about their profiles emptied. Precondition: inside the deletion's transaction."""
    label = f"profile of deleted user {user.pk}"
    for model in (MenteeProfile, MentorProfile):
        model.objects.filter(user=user).delete()
        audit_forget(model=model, object_pk=user.pk, label=label)
    JobDescription.objects.filter(mentee=user).delete()


@transaction.atomic
def job_description_create(*, user: User, title: str, company: str, text: str) -> JobDescription:
    """Store a job posting and the taxonomy skills it mentions. Precondition: `user` is a mentee."""
    if JobDescription.objects.filter(mentee=user).count() >= MAX_JOB_DESCRIPTIONS:
        raise ConflictError(
            f"You can keep at most {MAX_JOB_DESCRIPTIONS} job descriptions; delete one first.",
            code="limit_reached",
        )
    job = JobDescription.objects.create(mentee=user, title=title, company=company, text=text)
    job.skills.set(Skill.objects.filter(slug__in=skill_matcher().extract(text)))
    profile_changed_on_commit(user_id=user.pk, kind="mentee")
    return job


@transaction.atomic
def job_description_delete(*, user: User, job_description_id: int) -> None:
    deleted, _ = JobDescription.objects.filter(mentee=user, pk=job_description_id).delete()
    if not deleted:
        raise NotFoundError("Not found.")
    profile_changed_on_commit(user_id=user.pk, kind="mentee")


@transaction.atomic
def mentors_return_from_away(*, now: datetime) -> list[int]:
    """Mentors whose `away_until` has come on their own clock are back: the date is cleared,
    they are emailed, and matching re-scores them. Idempotent under concurrency: rows another
    sweep holds are skipped, and a returned mentor has no date left. Returns their ids."""
    away = MentorProfile.objects.filter(away_until__isnull=False).values_list(
        "pk", "timezone", "away_until"
    )
    due = [pk for pk, zone, until in away if until and until <= local_today(zone, now=now)]
    if not due:
        return []
    back = list(
        MentorProfile.objects.select_for_update(skip_locked=True)
        .filter(pk__in=due, away_until__isnull=False)
        .select_related("user")
    )
    MentorProfile.objects.filter(pk__in=[profile.pk for profile in back]).update(
        away_until=None, updated_at=now
    )
    for profile in back:
        notification_queue(
            key=f"mentor-back:{profile.pk}:{profile.away_until:%Y-%m-%d}",
            recipient=profile.user,
            category=Category.REQUEST_UPDATES,
            subject="Welcome back: mentees can request you again",
            body="Your away period is over: you are back in matching and open to new requests.",
        )
        profile_changed_on_commit(user_id=profile.pk, kind="mentor")
    return [profile.pk for profile in back]


@transaction.atomic
def mentors_pause(*, mentor_ids: Sequence[int], at: datetime, expiries: int) -> list[int]:
    """Pause these mentors from matching and new requests for letting `expiries` requests
    expire (a pause already set is left as it is); each is emailed and re-scored. Returns the
    ids newly paused."""
    paused = list(
        MentorProfile.objects.select_for_update(skip_locked=True)
        .filter(pk__in=mentor_ids, paused_at__isnull=True)
        .select_related("user")
    )
    MentorProfile.objects.filter(pk__in=[profile.pk for profile in paused]).update(
        paused_at=at, updated_at=at
    )
    for profile in paused:
        notification_queue(
            key=f"mentor-paused:{profile.pk}:{at:%Y%m%d%H%M%S}",
            recipient=profile.user,
            category=Category.REQUEST_UPDATES,
            subject="You are paused from matching",
            body=(
                f"{expiries} requests to you expired unanswered in the last "
                f"{settings.MENTOR_PAUSE_WINDOW_DAYS} days, so mentees no longer see you or "
                "request you. Reply to this email when you can answer again: staff will lift "
                "the pause. Tip: set an away date on your profile when you are busy."
            ),
        )
        profile_changed_on_commit(user_id=profile.pk, kind="mentor")
    return [profile.pk for profile in paused]


@transaction.atomic
def mentor_pause_lift(*, mentor_id: int, by: User) -> MentorProfile:
    """Staff lift a mentor's pause (idempotent): they are back in matching, emailed, and
    re-scored. Precondition: `by` is staff. Recorded in the audit trail as `by`'s."""
    profile = (
        MentorProfile.objects.select_for_update()
        .select_related("user")
        .filter(user_id=mentor_id)
        .first()
    )
    if profile is None:
        raise NotFoundError("No mentor profile for this user.")
    if profile.paused_at is None:
        return profile
    paused_at = profile.paused_at
    profile.paused_at = None
    with audit_context(actor=by, reason="pause lifted"):
        profile.save(update_fields=["paused_at", "updated_at"])
    notification_queue(
        key=f"mentor-unpaused:{profile.pk}:{paused_at:%Y%m%d%H%M%S}",
        recipient=profile.user,
        category=Category.REQUEST_UPDATES,
        subject="Your pause is lifted",
        body="Staff lifted your pause: mentees can see you and request you again.",
    )
    profile_changed_on_commit(user_id=profile.pk, kind="mentor")
    return profile
