"""Programme health over a window of days, read with a few set-based queries.

Seven statements whatever the size of the pool (one row per mentee of the cohort, one per mentee
with a first match, request or mentorship, one per mentee with check-ins, one per answered or
expired request, one per hire, and grouped counts of stalls and ratings), then the counts,
medians and percentiles in NumPy: no query per person, the same code on SQLite and PostgreSQL.
The definitions of every figure are in the README ("Programme health (staff)").
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.core.errors import ValidationError
from mentorship.matching.models import Match
from mentorship.mentorships.models import Mentorship, MentorshipFeedback, MentorshipRequest
from mentorship.mentorships.selectors import NOT_AN_ANSWER
from mentorship.profiles.models import MenteeProfile
from mentorship.progress.models import CheckIn, StallFlag
from mentorship.taxonomy.models import Role

DEFAULT_WINDOW_DAYS = 90
MAX_WINDOW_DAYS = 3 * 366
FUNNEL = ("signed_up", "profile_complete", "matched", "requested", "accepted", "active", "hired")
NO_ROLE = -1  # the group of people without a mentee profile (never made one, or left)
DAY = 86_400.0
HOUR = 3_600.0


@dataclass(frozen=True)
class Window:
    """Calendar days `start` to `end`, both included, in the server's zone (UTC)."""

    start: dt.date
    end: dt.date

    @property
    def since(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=dt.UTC)

    @property
    def until(self) -> dt.datetime:
        """The first moment after the window."""
        return dt.datetime.combine(self.end, dt.time.min, tzinfo=dt.UTC) + dt.timedelta(days=1)


def stats_window(
    *, start: dt.date | None, end: dt.date | None, today: dt.date | None = None
) -> Window:
    """The window asked for: `end` defaults to today, `start` to 90 days ending on `end`. An
    `end` after tomorrow (today somewhere on Earth), a `start` after `end` or more than
    MAX_WINDOW_DAYS days are a ValidationError naming the field (`from` or `to`)."""
    today = today or timezone.localdate()
    if end is not None and end > today + dt.timedelta(days=1):
        raise ValidationError(
            "The window cannot end in the future.", fields={"to": "In the future."}
        )
    end = end or today
    if start is None:
        try:
            start = end - dt.timedelta(days=DEFAULT_WINDOW_DAYS - 1)
        except OverflowError:
            raise ValidationError("No window ends so early.", fields={"to": "Too early."}) from None
    if start > end:
        raise ValidationError("The window starts after it ends.", fields={"from": "After `to`."})
    if (end - start).days + 1 > MAX_WINDOW_DAYS:
        raise ValidationError(
            f"A window is at most {MAX_WINDOW_DAYS} days.",
            fields={"from": f"More than {MAX_WINDOW_DAYS} days before `to`."},
        )
    return Window(start=start, end=end)


@dataclass
class ProgrammeHealth:
    """The report (`report`, what the API answers) and, for the admin's charts, the raw
    distributions behind its medians (overall)."""

    report: dict[str, Any]
    days_to_hire: np.ndarray = field(repr=False)
    response_hours: np.ndarray = field(repr=False)


# --- the queries ----------------------------------------------------------------------------------


def _epoch(column: str) -> str:
    """SQL for a timestamp as seconds since 1970 (a float; NULL stays NULL)."""
    if connection.vendor == "postgresql":
        return f"date_part('epoch', {column})"  # a float; EXTRACT would be a numeric
    return f"((julianday({column}) - 2440587.5) * 86400.0)"


def _moment(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _day(value: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def _rows(sql: str, params: Sequence[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _array(rows: list[tuple], columns: int) -> np.ndarray:
    """Rows as a float matrix, NULL as NaN (an empty one keeps its columns)."""
    if not rows:
        return np.empty((0, columns))
    return np.array(rows, dtype=float)


USER = User._meta.db_table
PROFILE = MenteeProfile._meta.db_table
MATCH = Match._meta.db_table
REQUEST = MentorshipRequest._meta.db_table
MENTORSHIP = Mentorship._meta.db_table
CHECKIN = CheckIn._meta.db_table
STALL = StallFlag._meta.db_table
FEEDBACK = MentorshipFeedback._meta.db_table


def _checkin_pass(window: Window) -> np.ndarray:
    """One row per mentee with check-ins that count: mentee id, target role, the first check-in
    they submitted since the window began (NaN: none), and the check-ins of the weeks starting
    in the window that were submitted, missed and are open. One pass over the check-ins, for
    the funnel's `active` step and the submission rate alike."""
    in_window = "week_start >= %s AND week_start <= %s"
    sql = f"""
        SELECT m.mentee_id, p.target_role_id, {_epoch("MIN(k.first_at)")},
               SUM(k.submitted), SUM(k.missed), SUM(k.open)
        FROM (
            SELECT mentorship_id,
                   MIN(CASE WHEN status = %s AND submitted_at >= %s THEN submitted_at END)
                       AS first_at,
                   SUM(CASE WHEN status = %s AND {in_window} THEN 1 ELSE 0 END) AS submitted,
                   SUM(CASE WHEN status = %s AND {in_window} THEN 1 ELSE 0 END) AS missed,
                   SUM(CASE WHEN status = %s AND {in_window} THEN 1 ELSE 0 END) AS open
            FROM {CHECKIN}
            WHERE submitted_at >= %s OR ({in_window})
            GROUP BY mentorship_id
        ) k
        JOIN {MENTORSHIP} m ON m.id = k.mentorship_id
        LEFT JOIN {PROFILE} p ON p.user_id = m.mentee_id
        GROUP BY m.mentee_id, p.target_role_id
    """  # noqa: S608 (table names from the models; values are parameters)
    since, start, end = _moment(window.since), _day(window.start), _day(window.end)
    submitted = CheckIn.Status.SUBMITTED.value
    missed = CheckIn.Status.MISSED.value
    open_ = CheckIn.Status.OPEN.value
    params = [submitted, since, submitted, start, end, missed, start, end, open_, start, end]
    params += [since, start, end]
    data = _array(_rows(sql, params), 6)
    data[:, 1] = np.nan_to_num(data[:, 1], nan=NO_ROLE)
    return data


def _firsts(window: Window) -> np.ndarray:
    """One row per mentee with a match list, a request or a mentorship since the window began:
    mentee id, then the moment of their first-ranked match, first request and first mentorship
    (NaN: none). Nothing happens to a mentee before they sign up, so older rows cannot be the
    first of anyone in the cohort: they are skipped. One grouped pass over the three tables
    (an aggregate and a join per table took three times as long)."""
    sql = f"""
        SELECT mentee_id, {_epoch("MIN(CASE WHEN kind = 1 THEN at END)")},
               {_epoch("MIN(CASE WHEN kind = 2 THEN at END)")},
               {_epoch("MIN(CASE WHEN kind = 3 THEN at END)")}
        FROM (
            SELECT mentee_id, 1 AS kind, computed_at AS at FROM {MATCH}
            WHERE rank = 1 AND computed_at >= %s
            UNION ALL
            SELECT mentee_id, 2, created_at FROM {REQUEST} WHERE created_at >= %s
            UNION ALL
            SELECT mentee_id, 3, started_at FROM {MENTORSHIP} WHERE started_at >= %s
        ) moments
        GROUP BY mentee_id
    """  # noqa: S608 (table names from the models; values are parameters)
    since = _moment(window.since)
    return _array(_rows(sql, [since, since, since]), 4)


def _lookup(ids: np.ndarray, rows: np.ndarray, column: int) -> np.ndarray:
    """`rows[:, column]` of the row whose first column is each of `ids` (NaN: no such row)."""
    values = np.full(ids.size, np.nan)
    if rows.size and ids.size:
        order = np.argsort(rows[:, 0])
        keys = rows[order, 0]
        at = np.minimum(np.searchsorted(keys, ids), keys.size - 1)
        found = keys[at] == ids
        values[found] = rows[order[at[found]], column]
    return values


def _cohort(window: Window, checkins: np.ndarray) -> np.ndarray:
    """One row per mentee who signed up in the window: target role, then the moment they first
    reached each step of FUNNEL (NaN: not reached); the first matches, requests and
    mentorships come from `_firsts`, the first check-in submitted from `checkins` (of
    `_checkin_pass`)."""
    sql = f"""
        SELECT u.id, p.target_role_id, {_epoch("u.date_joined")}, {_epoch("p.created_at")},
               {_epoch("p.hired_at")}
        FROM {USER} u LEFT JOIN {PROFILE} p ON p.user_id = u.id
        WHERE u.role = %s AND u.date_joined >= %s AND u.date_joined < %s
    """  # noqa: S608 (table names from the models; values are parameters)
    params = [User.Role.MENTEE.value, _moment(window.since), _moment(window.until)]
    data = _array(_rows(sql, params), 5)
    ids, roles = data[:, 0], np.nan_to_num(data[:, 1], nan=NO_ROLE)
    joined, profile, hired = data[:, 2], data[:, 3], data[:, 4]
    firsts = _firsts(window)
    match, request, mentorship = (_lookup(ids, firsts, column) for column in (1, 2, 3))
    active = _lookup(ids, checkins, 2)
    # The match list holds only the latest computation of each match (and none once hired):
    # matched is when the list's first-ranked match was computed, or the first request or
    # mentorship if earlier (they show the mentee was matched by then).
    requested = np.fmin(request, mentorship)
    matched = np.fmin(match, requested)
    steps = np.column_stack([joined, profile, matched, requested, mentorship, active, hired])
    return np.column_stack([roles, steps])


def _responses(window: Window) -> np.ndarray:
    """One row per request the mentor answered (accepted or declined) or let expire in the
    window: target role, expired (1/0), hours from the request to the answer."""
    expired = MentorshipRequest.Status.EXPIRED.value
    sql = f"""
        SELECT p.target_role_id, CASE WHEN r.status = %s THEN 1 ELSE 0 END,
               ({_epoch("r.decided_at")} - {_epoch("r.created_at")}) / {HOUR}
        FROM {REQUEST} r LEFT JOIN {PROFILE} p ON p.user_id = r.mentee_id
        WHERE (r.status IN (%s, %s) AND r.decline_code NOT IN (%s, %s)
               AND r.decided_at >= %s AND r.decided_at < %s)
           OR (r.status = %s AND COALESCE(r.decided_at, r.expires_at) >= %s
               AND COALESCE(r.decided_at, r.expires_at) < %s)
    """  # noqa: S608 (table names from the models; values are parameters)
    params = [
        expired,
        MentorshipRequest.Status.ACCEPTED.value,
        MentorshipRequest.Status.DECLINED.value,
        *NOT_AN_ANSWER,
        _moment(window.since),
        _moment(window.until),
        expired,
        _moment(window.since),
        _moment(window.until),
    ]
    data = _array(_rows(sql, params), 3)
    data[:, 0] = np.nan_to_num(data[:, 0], nan=NO_ROLE)
    return data


def _hires(window: Window) -> np.ndarray:
    """One row per mentee hired in the window: target role, days from sign-up to the hire, days
    from their first mentorship's start to the hire (NaN without one)."""
    sql = f"""
        WITH hired AS (
            SELECT user_id, target_role_id, hired_at FROM {PROFILE}
            WHERE hired_at >= %s AND hired_at < %s
        )
        SELECT h.target_role_id, ({_epoch("h.hired_at")} - {_epoch("u.date_joined")}) / {DAY},
               ({_epoch("h.hired_at")} - {_epoch("fm.first_at")}) / {DAY}
        FROM hired h JOIN {USER} u ON u.id = h.user_id
        LEFT JOIN (
            SELECT mentee_id, MIN(started_at) AS first_at FROM {MENTORSHIP}
            WHERE mentee_id IN (SELECT user_id FROM hired) GROUP BY mentee_id
        ) fm ON fm.mentee_id = h.user_id
    """  # noqa: S608 (table names from the models; values are parameters)
    data = _array(_rows(sql, [_moment(window.since), _moment(window.until)]), 3)
    data[:, 1:] = np.maximum(data[:, 1:], 0.0)  # a hire dated on its day's start, a same-day join
    return data


def _stalls(window: Window) -> list[tuple]:
    """(target role, mentees flagged in the window, mentees with an open flag on an active
    mentorship now)."""
    sql = f"""
        SELECT p.target_role_id,
               COUNT(DISTINCT CASE WHEN s.flagged_at >= %s AND s.flagged_at < %s
                                   THEN m.mentee_id END),
               COUNT(DISTINCT CASE WHEN s.cleared_at IS NULL AND m.status = %s
                                   THEN m.mentee_id END)
        FROM {STALL} s JOIN {MENTORSHIP} m ON m.id = s.mentorship_id
        LEFT JOIN {PROFILE} p ON p.user_id = m.mentee_id
        WHERE (s.flagged_at >= %s AND s.flagged_at < %s)
           OR (s.cleared_at IS NULL AND m.status = %s)
        GROUP BY p.target_role_id
    """  # noqa: S608 (table names from the models; values are parameters)
    since, until = _moment(window.since), _moment(window.until)
    active = Mentorship.Status.ACTIVE.value
    return _rows(sql, [since, until, active, since, until, active])


def _ratings(window: Window) -> list[tuple]:
    """(target role, side, rating, count) of the feedback given in the window."""
    sql = f"""
        SELECT p.target_role_id, f.role, f.rating, COUNT(*)
        FROM {FEEDBACK} f JOIN {MENTORSHIP} m ON m.id = f.mentorship_id
        LEFT JOIN {PROFILE} p ON p.user_id = m.mentee_id
        WHERE f.created_at >= %s AND f.created_at < %s
        GROUP BY p.target_role_id, f.role, f.rating
    """  # noqa: S608 (table names from the models; values are parameters)
    return _rows(sql, [_moment(window.since), _moment(window.until)])


# --- the figures ----------------------------------------------------------------------------------


def _median(values: np.ndarray) -> float | None:
    return round(float(np.median(values)), 2) if values.size else None


def _p90(values: np.ndarray) -> float | None:
    return round(float(np.percentile(values, 90)), 2) if values.size else None


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _funnel(steps: np.ndarray) -> tuple[list[dict], list[dict]]:
    """The nested funnel (a mentee counts at a step when they reached it and every step before
    it) and the median days between consecutive steps of those who reached the later one."""
    reached = np.logical_and.accumulate(~np.isnan(steps), axis=1)
    counts = [int(n) for n in reached.sum(axis=0)] if steps.size else [0] * len(FUNNEL)
    funnel = [
        {
            "step": step,
            "count": count,
            "conversion": None if index == 0 else _rate(count, counts[index - 1]),
            "share_of_signed_up": _rate(count, counts[0]),
        }
        for index, (step, count) in enumerate(zip(FUNNEL, counts, strict=True))
    ]
    between = []
    for index in range(1, len(FUNNEL)):
        both = reached[:, index] if steps.size else np.zeros(0, dtype=bool)
        days = np.maximum(steps[both, index] - steps[both, index - 1], 0.0) / DAY
        between.append(
            {
                "from_step": FUNNEL[index - 1],
                "to_step": FUNNEL[index],
                "count": int(days.size),
                "median_days": _median(days),
            }
        )
    return funnel, between


def _figures(
    *,
    cohort: np.ndarray,
    responses: np.ndarray,
    hires: np.ndarray,
    checkins: np.ndarray,
    stalls: Iterable[tuple],
    ratings: Iterable[tuple],
) -> dict[str, Any]:
    """Every figure of one group: arrays and grouped rows already cut to it."""
    funnel, between = _funnel(cohort[:, 1:])
    from_sign_up = hires[:, 1]
    from_mentorship = hires[~np.isnan(hires[:, 2]), 2]
    answered = responses[responses[:, 1] == 0, 2]
    expired = int((responses[:, 1] == 1).sum())
    submitted, missed, open_ = (int(total) for total in checkins[:, 3:6].sum(axis=0))
    flagged = sum(row[1] for row in stalls)
    open_now = sum(row[2] for row in stalls)
    sides = {}
    for side in MentorshipFeedback.Role.values:
        distribution = dict.fromkeys(range(1, 6), 0)
        for _, role, rating, count in ratings:
            if role == side:
                distribution[rating] += count
        total = sum(distribution.values())
        sides[f"by_{side}s"] = {
            "count": total,
            "average": (
                round(sum(r * n for r, n in distribution.items()) / total, 2) if total else None
            ),
            "distribution": {str(rating): n for rating, n in distribution.items()},
        }
    return {
        "funnel": funnel,
        "days_between_steps": between,
        "time_to_hire": {
            "hired": int(from_sign_up.size),
            "median_days_from_sign_up": _median(from_sign_up),
            "p90_days_from_sign_up": _p90(from_sign_up),
            "hired_after_a_mentorship": int(from_mentorship.size),
            "median_days_from_first_mentorship": _median(from_mentorship),
            "p90_days_from_first_mentorship": _p90(from_mentorship),
        },
        "mentor_response": {
            "answered": int(answered.size),
            "median_hours": _median(answered),
            "p90_hours": _p90(answered),
            "expired": expired,
            "expiry_rate": _rate(expired, int(answered.size) + expired),
        },
        "checkins": {
            "submitted": submitted,
            "missed": missed,
            "open": open_,
            "submission_rate": _rate(submitted, submitted + missed),
        },
        "stalled": {"flagged": flagged, "open_now": open_now},
        "ratings": sides,
    }


def _role_key(value: Any) -> int:
    return NO_ROLE if value is None else int(value)


def programme_health(*, window: Window) -> ProgrammeHealth:
    """The programme's figures over `window`, overall and by the mentees' target role (every
    role of the taxonomy, then the people without a mentee profile when there are any).
    Staff only: the caller checks."""
    with transaction.atomic():  # SET LOCAL below holds for these statements only
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Grouping 100,000 people's history: hash tables in memory, not batches on
                # disk; and no JIT, whose compiling costs more than these scans.
                cursor.execute("SET LOCAL work_mem = '64MB'")
                cursor.execute("SET LOCAL jit = off")
        checkins = _checkin_pass(window)
        cohort = _cohort(window, checkins)
        responses = _responses(window)
        hires = _hires(window)
        stalls = _stalls(window)
        ratings = _ratings(window)
    overall = _figures(
        cohort=cohort,
        responses=responses,
        hires=hires,
        checkins=checkins,
        stalls=stalls,
        ratings=ratings,
    )
    groups: list[tuple[int, str | None, str]] = list(
        Role.objects.order_by("name").values_list("pk", "slug", "name")
    )
    seen = {
        *(int(value) for value in cohort[:, 0]),
        *(int(value) for value in responses[:, 0]),
        *(int(value) for value in np.nan_to_num(hires[:, 0], nan=NO_ROLE)),
        *(int(value) for value in checkins[:, 1]),
        *(_role_key(row[0]) for row in [*stalls, *ratings]),
    }
    if NO_ROLE in seen:
        groups.append((NO_ROLE, None, "No mentee profile"))
    hire_roles = np.nan_to_num(hires[:, 0], nan=NO_ROLE)
    by_role = []
    for pk, slug, name in groups:
        figures = _figures(
            cohort=cohort[cohort[:, 0] == pk],
            responses=responses[responses[:, 0] == pk],
            hires=hires[hire_roles == pk],
            checkins=checkins[checkins[:, 1] == pk],
            stalls=[row for row in stalls if _role_key(row[0]) == pk],
            ratings=[row for row in ratings if _role_key(row[0]) == pk],
        )
        by_role.append({"target_role": slug, "name": name, **figures})
    report = {
        "from": window.start,
        "to": window.end,
        "overall": overall,
        "by_target_role": by_role,
    }
    return ProgrammeHealth(
        report=report, days_to_hire=hires[:, 1], response_hours=responses[responses[:, 1] == 0, 2]
    )
