"""The weekly sweep: open this week's check-ins, remind, mark missed, flag stalls, send digests,
the follow-ups that are due and the two-week feedback prompts.

`open_weekly_checkins` runs every hour from beat and from `manage.py open_checkins`. It works in
a handful of set-based statements whatever the number of mentorships, and is idempotent: unique
keys (one check-in per mentorship and week, one email per key, one open stall flag per
mentorship) decide what exists, so running it twice, concurrently or after a crash creates
nothing twice and sends nothing twice.
"""

import logging
import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import reduce
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from mentorship.applications.selectors import job_search_counts
from mentorship.core.batching import batched, query_batch_size
from mentorship.core.bulk import insert_skipping_conflicts
from mentorship.mentorships.feedback import feedback_prompts_two_weeks
from mentorship.mentorships.models import Mentorship
from mentorship.notifications.models import Category, Notification
from mentorship.notifications.services import Draft, notifications_queue_bulk
from mentorship.progress.models import CheckIn, FollowUpReminder, Milestone, StallFlag
from mentorship.progress.weeks import week_start

logger = logging.getLogger(__name__)

MISSED_AFTER = timedelta(days=7)
STALL_WITHOUT_PROGRESS = timedelta(weeks=3)
STALL_COOL_DOWN = timedelta(days=7)


@dataclass
class SweepReport:
    opened: int = 0
    reminded: int = 0
    missed: int = 0
    stalled: int = 0
    digests: int = 0
    follow_ups: int = 0
    feedback_prompts: int = 0
    seconds: float = 0.0


def open_weekly_checkins(*, now: datetime | None = None) -> SweepReport:
    """Open this week's check-ins, remind, mark missed, flag stalls, send digests, follow-ups
    and the feedback prompts of mentorships two weeks in (`mentorships.feedback`).

    Each step is its own transaction, so a crash part-way leaves the earlier steps done and the
    next run finishes the rest.
    """
    started = timezone.now()
    now = now or started
    report = SweepReport()
    report.opened = _open_checkins(now)
    report.missed = _mark_missed(now)
    report.reminded = _remind_open(now)
    report.stalled = _flag_stalls(now)
    report.digests = _send_digests(now)
    report.follow_ups = _send_follow_ups(now)
    report.feedback_prompts = feedback_prompts_two_weeks(now=now)
    report.seconds = round((timezone.now() - started).total_seconds(), 3)
    logger.info("weekly sweep: %s", report)
    return report


@transaction.atomic
def _open_checkins(now: datetime) -> int:
    active = list(
        Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).values_list(
            "pk", "mentee__mentee_profile__timezone"
        )
    )
    weeks: dict[str, date] = {}
    wanted = []
    for mentorship_id, zone in active:
        zone = zone or "UTC"
        if zone not in weeks:
            weeks[zone] = week_start(now, zone)
        wanted.append((mentorship_id, weeks[zone]))
    existing = set(
        CheckIn.objects.filter(week_start__in=set(weeks.values())).values_list(
            "mentorship_id", "week_start"
        )
    )
    missing = [pair for pair in wanted if pair not in existing]
    if connection.vendor == "postgresql":
        insert_skipping_conflicts(
            CheckIn,
            {
                "mentorship": [mentorship_id for mentorship_id, _ in missing],
                "week_start": [week for _, week in missing],
                "opened_at": [now] * len(missing),
            },
        )
        return len(missing)
    CheckIn.objects.bulk_create(
        (
            CheckIn(mentorship_id=mentorship_id, week_start=week, opened_at=now)
            for mentorship_id, week in missing
        ),
        batch_size=2000,
        ignore_conflicts=True,
    )
    return len(missing)


def _missed_cutoffs(now: datetime, zones: Iterable[str]) -> dict[str, datetime]:
    """Seven days before `now` on the wall clocks of the zones where that is not 168 hours (a
    clock change in the past week): a week that lasts 169 hours is still open in its 168th."""
    cutoffs = {}
    for zone in zones:
        cutoff = (now.astimezone(ZoneInfo(zone)) - MISSED_AFTER).astimezone(UTC)
        if cutoff != now - MISSED_AFTER:
            cutoffs[zone] = cutoff
    return cutoffs


@transaction.atomic
def _mark_missed(now: datetime) -> int:
    """Open check-ins opened seven days ago or more on their mentee's clock become missed."""
    open_checkins = CheckIn.objects.filter(status=CheckIn.Status.OPEN)
    zone = "mentorship__mentee__mentee_profile__timezone"
    zones = open_checkins.exclude(**{f"{zone}__isnull": True}).values_list(zone, flat=True)
    shifted = _missed_cutoffs(now, set(zones.distinct()))
    due = Q(opened_at__lte=now - MISSED_AFTER)
    if shifted:
        due = (due & ~Q(**{f"{zone}__in": list(shifted)})) | reduce(
            operator.or_,
            (Q(**{zone: name}, opened_at__lte=cutoff) for name, cutoff in shifted.items()),
        )
    return open_checkins.filter(due).update(status=CheckIn.Status.MISSED, missed_at=now)


@transaction.atomic
def _remind_open(now: datetime) -> int:
    due = list(
        # A check-in of a mentorship that ended meanwhile cannot be answered: no reminder.
        CheckIn.objects.filter(
            status=CheckIn.Status.OPEN,
            reminded_at__isnull=True,
            mentorship__status=Mentorship.Status.ACTIVE,
        ).values_list("pk", "mentorship__mentee_id", "week_start")
    )
    drafts = [
        Draft(
            key=f"checkin-reminder:{checkin_id}",
            recipient_id=mentee_id,
            category=Category.WEEKLY_REMINDERS,
            subject="Your weekly check-in is open",
            body=(
                f"How did the week of {week:%d %B} go? Tell your mentor what you did, what "
                "blocks you and what comes next: it takes two minutes."
            ),
        )
        for checkin_id, mentee_id, week in due
    ]
    notifications_queue_bulk(drafts=drafts)
    for batch in batched([checkin_id for checkin_id, _, _ in due], query_batch_size()):
        CheckIn.objects.filter(pk__in=batch).update(reminded_at=now)
    return len(due)


@transaction.atomic
def _flag_stalls(now: datetime) -> int:
    active = Mentorship.objects.filter(status=Mentorship.Status.ACTIVE)
    # The last two closed check-ins: this week's, just opened, has no answer yet.
    latest = (
        CheckIn.objects.filter(mentorship__status=Mentorship.Status.ACTIVE)
        .exclude(status=CheckIn.Status.OPEN)
        .annotate(
            recency=Window(
                RowNumber(), partition_by=[F("mentorship_id")], order_by=F("week_start").desc()
            )
        )
        .filter(recency__lte=2)
        .values_list("mentorship_id", "status")
    )
    missed: dict[int, int] = defaultdict(int)
    for mentorship_id, status in latest:
        missed[mentorship_id] += status == CheckIn.Status.MISSED
    reasons = {pk: StallFlag.Reason.MISSED_CHECKINS for pk, count in missed.items() if count == 2}
    cutoff = now - STALL_WITHOUT_PROGRESS
    moved = Milestone.objects.filter(
        project__mentee=OuterRef("mentee_id"), status_changed_at__gte=cutoff
    )
    idle = active.filter(started_at__lte=cutoff).exclude(Exists(moved)).values_list("pk", flat=True)
    for mentorship_id in idle:
        reasons.setdefault(mentorship_id, StallFlag.Reason.NO_PROGRESS)
    # A mentee whose flag was just cleared (they checked in) gets a week before the next one.
    cooling = set(
        StallFlag.objects.filter(cleared_at__gte=now - STALL_COOL_DOWN).values_list(
            "mentorship_id", flat=True
        )
    )
    StallFlag.objects.bulk_create(
        (
            StallFlag(mentorship_id=mentorship_id, reason=reason, flagged_at=now)
            for mentorship_id, reason in reasons.items()
            if mentorship_id not in cooling
        ),
        batch_size=2000,
        ignore_conflicts=True,
    )
    # A former mentor is told nothing more about the mentee.
    unnotified = list(
        StallFlag.objects.filter(
            cleared_at__isnull=True,
            notified_at__isnull=True,
            mentorship__status=Mentorship.Status.ACTIVE,
        ).values_list("pk", "reason", "mentorship__mentor_id", "mentorship__mentee__name")
    )
    notifications_queue_bulk(
        drafts=[
            Draft(
                key=f"stall:{flag_id}",
                recipient_id=mentor_id,
                category=Category.WEEKLY_REMINDERS,
                subject=f"{mentee_name or 'A mentee'} may be stuck",
                body=(
                    f"{StallFlag.Reason(reason).label}. A short message from you is often what "
                    "gets someone moving again."
                ),
            )
            for flag_id, reason, mentor_id, mentee_name in unnotified
        ]
    )
    for batch in batched([flag_id for flag_id, *_ in unnotified], query_batch_size()):
        StallFlag.objects.filter(pk__in=batch).update(notified_at=now)
    return len(unnotified)


@transaction.atomic
def _send_digests(now: datetime) -> int:
    """One digest per mentor per ISO week: each mentee's latest answered (or missed) check-in,
    their progress, and the applications they sent and interviews they had in the last seven
    days."""
    year, week, _ = now.isocalendar()
    prefix = f"digest:{year}-W{week:02d}:"
    mentorships = list(
        Mentorship.objects.filter(status=Mentorship.Status.ACTIVE).values_list(
            "pk", "mentor_id", "mentee_id", "mentee__name"
        )
    )
    sent = set(
        Notification.objects.filter(key__startswith=prefix).values_list("recipient_id", flat=True)
    )
    mentorships = [row for row in mentorships if row[1] not in sent]
    if not mentorships:
        return 0
    # The latest closed check-in (submitted or missed): this week's may have just opened.
    latest: dict[int, str] = dict(
        CheckIn.objects.filter(
            mentorship__status=Mentorship.Status.ACTIVE,
            week_start__gte=now.date() - timedelta(weeks=3),
        )
        .exclude(status=CheckIn.Status.OPEN)
        .order_by("mentorship_id", "week_start")
        .values_list("mentorship_id", "status")
    )
    progress = {
        mentee_id: (done, total)
        for mentee_id, done, total in Milestone.objects.filter(
            project__mentee__mentorships_as_mentee__status=Mentorship.Status.ACTIVE,
            project__archived_at__isnull=True,
        )
        .values("project__mentee_id")
        .annotate(done=Count("pk", filter=Q(status=Milestone.Status.DONE)), total=Count("pk"))
        .values_list("project__mentee_id", "done", "total")
    }
    # The job search of the last seven days (applications sent, interviews held).
    searching = job_search_counts(
        mentee_ids=[row[2] for row in mentorships],
        since=now.date() - timedelta(days=6),
        until=now.date(),
    )
    lines: dict[int, list[str]] = defaultdict(list)
    for mentorship_id, mentor_id, mentee_id, mentee_name in mentorships:
        done, total = progress.get(mentee_id, (0, 0))
        checkin = latest.get(mentorship_id, "none yet")
        applied, interviews = searching.get(mentee_id, (0, 0))
        lines[mentor_id].append(
            f"- {mentee_name or 'A mentee'}: check-in {checkin}; milestones {done}/{total} done;"
            f" this week {applied} application{'s' * (applied != 1)},"
            f" {interviews} interview{'s' * (interviews != 1)}"
        )
    return notifications_queue_bulk(
        drafts=[
            Draft(
                key=f"{prefix}{mentor_id}",
                recipient_id=mentor_id,
                category=Category.DIGESTS,
                subject="Your mentees this week",
                body="\n".join(["Here is where your mentees stand:", *mentee_lines]),
            )
            for mentor_id, mentee_lines in lines.items()
        ]
    )


@transaction.atomic
def _send_follow_ups(now: datetime) -> int:
    due = list(
        FollowUpReminder.objects.filter(sent_at__isnull=True, due_at__lte=now).values_list(
            "pk", "user_id", "kind", "note"
        )
    )
    notifications_queue_bulk(
        drafts=[
            Draft(
                key=f"follow-up:{reminder_id}",
                recipient_id=user_id,
                category=Category.FOLLOW_UPS,
                subject="Time to follow up",
                body=(
                    f"A while ago {note} told you 'not yet'. Show them what you have built since."
                    if kind == FollowUpReminder.Kind.REJECTION
                    else "Your mentorship ended a month ago: tell your mentor how things went."
                ),
            )
            for reminder_id, user_id, kind, note in due
        ]
    )
    for batch in batched([reminder_id for reminder_id, *_ in due], query_batch_size()):
        FollowUpReminder.objects.filter(pk__in=batch).update(sent_at=now)
    return len(due)
