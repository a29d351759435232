"""The responsiveness sweep: decline what reached a mentor as they went away, remind mentors of
requests half-way, expire the unanswered ones, pause mentors who let them expire too often,
bring back mentors whose away date has come, and send staff the day's digest.

`responsiveness_sweep` runs every hour from beat (`mentorships.tasks.sweep_responsiveness`)
and from `manage.py sweep_responsiveness`. Like the check-in sweep it is idempotent: each step
is its own transaction, state guards decide what is due (`reminded_at`, the request's status,
`away_until`, `paused_at`), rows another sweep holds are skipped (`SKIP LOCKED`) and every email
has a key, so running it twice, concurrently or after a crash does nothing twice.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.mentorships.models import MentorshipRequest
from mentorship.mentorships.services import (
    requests_decline_for_away,
    requests_expire_due,
    requests_remind_due,
)
from mentorship.notifications.models import Category
from mentorship.notifications.services import Draft, notifications_queue_bulk
from mentorship.profiles.models import MentorProfile
from mentorship.profiles.services import mentors_pause, mentors_return_from_away

logger = logging.getLogger(__name__)

Status = MentorshipRequest.Status


@dataclass
class ResponsivenessReport:
    declined_away: int = 0
    reminded: int = 0
    expired: int = 0
    paused: int = 0
    returned: int = 0
    staff_digests: int = 0
    seconds: float = 0.0


def responsiveness_sweep(*, now: datetime | None = None) -> ResponsivenessReport:
    """Remind, expire (and pause), bring back from away, and send the staff digest."""
    started = timezone.now()
    now = now or started
    report = ResponsivenessReport()
    report.declined_away = _decline_for_away()
    report.reminded = _remind(now)
    report.expired, report.paused = _expire(now)
    report.returned = len(mentors_return_from_away(now=now))
    report.staff_digests = _staff_digest(now)
    report.seconds = round((timezone.now() - started).total_seconds(), 3)
    logger.info("responsiveness sweep: %s", report)
    return report


@transaction.atomic
def _decline_for_away() -> int:
    """A request that raced its mentor going away (sent as the away date was being saved) is
    declined as the others were, rather than left to expire against the mentor. Under each
    mentor's profile lock; mentors another transaction holds wait for the next run."""
    waiting = set(
        MentorshipRequest.objects.filter(
            status=Status.PENDING, mentor__mentor_profile__away_until__isnull=False
        ).values_list("mentor_id", flat=True)
    )
    if not waiting:
        return 0
    away = list(
        MentorProfile.objects.select_for_update(skip_locked=True)
        .filter(pk__in=waiting, away_until__isnull=False)
        .values_list("pk", "away_until")
    )
    return sum(
        requests_decline_for_away(mentor_id=mentor_id, away_until=away_until)
        for mentor_id, away_until in away
        if away_until is not None
    )


@transaction.atomic
def _remind(now: datetime) -> int:
    return requests_remind_due(now=now)


@transaction.atomic
def _expire(now: datetime) -> tuple[int, int]:
    """Expire what is due; a mentor whose expiries in the last `MENTOR_PAUSE_WINDOW_DAYS` reach
    `MENTOR_PAUSE_AFTER_EXPIRIES` with one of this run's is paused, under the profile lock the
    expiry took (so two sweeps never count the same expiry twice)."""
    expired = requests_expire_due(now=now)
    if not expired:
        return 0, 0
    notifications_queue_bulk(
        drafts=[
            Draft(
                key=f"request-expired-mentor:{request.pk}",
                recipient_id=request.mentor_id,
                category=Category.REQUEST_UPDATES,
                subject="A request to you expired unanswered",
                body=(
                    f"{request.mentee.name or 'A mentee'} waited "
                    f"{settings.REQUEST_RESPONSE_DAYS} days for your answer, so their request "
                    "expired and they were pointed to other mentors. Unanswered requests count "
                    "against your response record; set an away date when you are busy."
                ),
            )
            for request in expired
        ]
    )
    since = now - timedelta(days=settings.MENTOR_PAUSE_WINDOW_DAYS)
    counts = dict(
        MentorshipRequest.objects.filter(
            mentor_id__in={request.mentor_id for request in expired},
            status=Status.EXPIRED,
            decided_at__gte=since,
        )
        .values("mentor_id")
        .annotate(count=Count("pk"))
        .values_list("mentor_id", "count")
    )
    paused = 0
    for count, mentor_ids in _by_count(counts).items():
        if count >= settings.MENTOR_PAUSE_AFTER_EXPIRIES:
            paused += len(mentors_pause(mentor_ids=mentor_ids, at=now, expiries=count))
    return len(expired), paused


def _by_count(counts: dict[int, int]) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = {}
    for mentor_id, count in counts.items():
        grouped.setdefault(count, []).append(mentor_id)
    return grouped


@transaction.atomic
def _staff_digest(now: datetime) -> int:
    """Once per UTC day, the day before's expiries (by mentor) and newly paused mentors, to
    every active staff member; nothing when nothing happened. One email per staff member and
    day (the key)."""
    day = now.astimezone(UTC).date() - timedelta(days=1)
    start = datetime.combine(day, time.min, tzinfo=UTC)
    end = start + timedelta(days=1)
    expiries = list(
        MentorshipRequest.objects.filter(
            status=Status.EXPIRED, decided_at__gte=start, decided_at__lt=end
        )
        .values("mentor_id", "mentor__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "mentor__name", "mentor_id")
        .values_list("mentor_id", "mentor__name", "count")
    )
    paused = list(
        MentorProfile.objects.filter(paused_at__gte=start, paused_at__lt=end)
        .order_by("user__name", "pk")
        .values_list("pk", "user__name", "user__email")
    )
    if not expiries and not paused:
        return 0
    lines = [f"Mentor responsiveness on {day:%A %d %B %Y} (UTC):", ""]
    lines.append(f"{sum(count for *_, count in expiries)} request(s) expired unanswered:")
    lines += [f"- {name or 'a mentor'} (user {pk}): {count}" for pk, name, count in expiries]
    if paused:
        lines += ["", "Paused from matching (lift the pause in the admin, Mentor profiles):"]
        lines += [f"- {name or 'a mentor'} <{email}> (user {pk})" for pk, name, email in paused]
    # In one order, so that two sweeps inserting the same keys queue behind each other.
    staff = (
        User.objects.filter(is_staff=True, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return notifications_queue_bulk(
        drafts=[
            Draft(
                key=f"staff-digest:{day:%Y-%m-%d}:{staff_id}",
                recipient_id=staff_id,
                category=Category.DIGESTS,
                subject=f"Mentor responsiveness: {day:%d %B %Y}",
                body="\n".join(lines),
            )
            for staff_id in staff
        ]
    )
