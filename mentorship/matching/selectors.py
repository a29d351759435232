"""Reads for matching: a user's ranked matches and why a list is short, and runs for staff."""

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from mentorship.accounts.models import User
from mentorship.core.errors import NotFoundError
from mentorship.matching.models import Match, MatchRun
from mentorship.matching.wording import reason
from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.mentorships.selectors import declined_for_good
from mentorship.profiles.models import MenteeProfile, MenteeSkill, MentorProfile, MentorSkill
from mentorship.profiles.selectors import mentor_matchable
from mentorship.taxonomy.models import Background, Role, Skill

# A match is shown while its mentor is matchable: a withdrawn approval, an away date or a pause
# hides it both ways at once, before matching has re-scored without them.
_VISIBLE = mentor_matchable("mentor__mentor_profile__")


def match_list(*, user: User, min_score: float | None = None) -> QuerySet[Match]:
    """A mentee's approved mentors, or an approved mentor's matched mentees, best first.

    A withdrawn approval, an away date or a pause (`mentor_matchable`) hides the mentor's
    matches both ways at once, before matching has re-scored without them. Each side sees the
    other's public profile only (loaded in a fixed number of queries).
    """
    if user.is_mentee:
        matches = (
            Match.objects.filter(_VISIBLE, mentee=user)
            .select_related("mentor", "mentor__mentor_profile__background")
            .prefetch_related(
                "mentor__mentor_profile__roles",
                Prefetch(
                    "mentor__mentor_profile__skill_levels",
                    queryset=MentorSkill.objects.select_related("skill"),
                ),
            )
            .order_by("rank", "mentor_id")  # the engine's order (near-ties share the slots)
        )
    elif user.is_mentor:
        matches = (
            Match.objects.filter(_VISIBLE, mentor=user)
            .select_related(
                "mentee",
                "mentee__mentee_profile__target_role",
                "mentee__mentee_profile__background",
            )
            .prefetch_related(
                Prefetch(
                    "mentee__mentee_profile__skill_levels",
                    queryset=MenteeSkill.objects.select_related("skill"),
                )
            )
            .order_by("-score", "mentee_id")
        )
    else:
        return Match.objects.none()
    return matches.filter(score__gte=min_score) if min_score is not None else matches


# What a match page shows of each match (`match_page_rows`), besides the other person.
MATCH_PAGE_FIELDS = (
    "id",
    "score",
    "rank",
    "suggested",
    "components",
    "explanation_codes",
    "computed_at",
)


def match_page_rows(*, user: User, min_score: float | None = None) -> QuerySet[Match, dict]:
    """`match_list` as plain rows (`MATCH_PAGE_FIELDS` and `other_id`, the other person), in
    the same order: the most read page builds no model instance. The other side's profiles come
    from `match_counterparts`, for the page's rows only."""
    if user.is_mentee:
        rows = (
            Match.objects.filter(_VISIBLE, mentee=user)
            .order_by("rank", "mentor_id")
            .values(*MATCH_PAGE_FIELDS, other_id=F("mentor_id"))
        )
    elif user.is_mentor:
        rows = (
            Match.objects.filter(_VISIBLE, mentor=user)
            .order_by("-score", "mentee_id")
            .values(*MATCH_PAGE_FIELDS, other_id=F("mentee_id"))
        )
    else:
        return Match.objects.none().values(*MATCH_PAGE_FIELDS)
    return rows.filter(score__gte=min_score) if min_score is not None else rows


def match_counterparts(*, kind: str, user_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The public profiles of these mentors (`kind="mentor"`) or mentees, by user id, as plain
    values in three plain SQL queries (a page asks for 20; building the ORM's queries cost more
    than running them): the profile with the person's name and the slugs it refers to, the
    roles (mentors; by name), and the skills with their levels (by skill name), in the order of
    `match_list`'s prefetches, so a page reads the same either way."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    quote = connection.ops.quote_name
    user, background = quote(User._meta.db_table), quote(Background._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    profile_model: type[MentorProfile] | type[MenteeProfile]
    skill_model: type[MentorSkill] | type[MenteeSkill]
    if kind == "mentor":
        profile_model, skill_model = MentorProfile, MentorSkill
        columns = "p.bio, p.years_experience, p.accepting"
        names = ("bio", "years_experience", "accepting")
        extra_join = ""
    else:
        profile_model, skill_model = MenteeProfile, MenteeSkill
        columns = "r.slug, p.goals, p.weekly_hours"
        names = ("target_role_slug", "goals", "weekly_hours")
        extra_join = f"JOIN {quote(Role._meta.db_table)} r ON r.id = p.target_role_id"
    profiles: dict[int, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.user_id, u.name, b.slug, p.timezone, p.languages, {columns} "  # noqa: S608
            f"FROM {quote(profile_model._meta.db_table)} p JOIN {user} u ON u.id = p.user_id "
            f"LEFT JOIN {background} b ON b.id = p.background_id {extra_join} "
            f"WHERE p.user_id IN ({marks})",
            ids,
        )
        for user_id, name, background_slug, zone, languages, *rest in cursor.fetchall():
            profiles[user_id] = {
                "user_id": user_id,
                "name": name,
                "background_slug": background_slug,
                "timezone": zone,
                "languages": json.loads(languages) if isinstance(languages, str) else languages,
                **dict(zip(names, rest, strict=True)),
                "roles": [],
                "skills": [],
            }
            if kind == "mentor":  # SQLite returns its booleans as 0 and 1
                profiles[user_id]["accepting"] = bool(profiles[user_id]["accepting"])
        if kind == "mentor":
            through = MentorProfile.roles.through._meta.db_table
            cursor.execute(
                f"SELECT m.mentorprofile_id, r.slug FROM {quote(through)} m "  # noqa: S608
                f"JOIN {quote(Role._meta.db_table)} r ON r.id = m.role_id "
                f"WHERE m.mentorprofile_id IN ({marks}) ORDER BY r.name, r.id",
                ids,
            )
            for profile_id, slug in cursor.fetchall():
                profiles[profile_id]["roles"].append(slug)
        cursor.execute(
            f"SELECT s.profile_id, k.slug, k.name, s.level "  # noqa: S608
            f"FROM {quote(skill_model._meta.db_table)} s "
            f"JOIN {quote(Skill._meta.db_table)} k ON k.id = s.skill_id "
            f"WHERE s.profile_id IN ({marks}) ORDER BY k.name, s.id",
            ids,
        )
        for profile_id, slug, name, level in cursor.fetchall():
            profiles[profile_id]["skills"].append((slug, name, level))
    return profiles


def match_counterpart_ids(*, user_id: int, kind: str) -> list[int]:
    """The people whose match pages show this mentee's (`kind="mentee"`) or mentor's profile."""
    if kind == "mentee":
        return list(Match.objects.filter(mentee_id=user_id).values_list("mentor_id", flat=True))
    return list(Match.objects.filter(mentor_id=user_id).values_list("mentee_id", flat=True))


def match_run_list() -> QuerySet[MatchRun]:
    return MatchRun.objects.select_related("started_by")


def match_run_get(*, run_id: int) -> MatchRun:
    run = match_run_list().filter(pk=run_id).first()
    if run is None:
        raise NotFoundError("Not found.")
    return run


def match_list_reasons(*, user: User, listed: int) -> list[dict[str, Any]]:
    """Why this user's list is empty or shorter than k (`listed` matches shown): coded reasons,
    from counts and a few small reads, never a re-score. Nothing when the list is full."""
    if listed >= settings.MATCHING_TOP_K:
        return []
    if user.is_mentee:
        return _mentee_reasons(user, listed)
    if user.is_mentor:
        return _mentor_reasons(user, listed)
    return []


def _pending(profile: MenteeProfile | MentorProfile) -> bool:
    """A change of the profile has not been scored yet (by a refresh, or the last run)."""
    last_run = (
        MatchRun.objects.filter(status=MatchRun.Status.DONE)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    scored = max((moment for moment in (profile.matched_at, last_run) if moment), default=None)
    return scored is None or profile.updated_at > scored


def _available_mentors() -> QuerySet[MentorProfile]:
    """Matchable (approved, not away, not paused), accepting mentors with a free place."""
    active = Count(
        "user__mentorships_as_mentor", filter=Q(user__mentorships_as_mentor__status="active")
    )
    return (
        MentorProfile.objects.filter(mentor_matchable(), accepting=True)
        .annotate(active=active)
        .filter(capacity__gt=F("active"))
    )


def _mentee_reasons(user: User, listed: int) -> list[dict[str, Any]]:
    profile = MenteeProfile.objects.filter(user=user).first()
    if profile is None:
        return [reason("no_profile")]
    if profile.hired_at is not None:
        return [reason("hired")]
    reasons = []
    if _pending(profile):
        reasons.append(reason("pending_refresh"))
    if not MentorProfile.objects.filter(approved=True).exists():
        return [*reasons, reason("no_approved_mentors")]
    available = list(_available_mentors().values_list("user_id", "languages"))
    if not available:
        return [*reasons, reason("no_free_capacity", subject="No approved mentor has")]
    spoken = set(profile.languages)
    sharing = [mentor_id for mentor_id, languages in available if spoken & set(languages)]
    if not sharing:
        others = Counter(code for _, languages in available for code in languages)
        helpful = [code for code, _ in others.most_common(3)]
        return [
            *reasons,
            {**reason("no_shared_language", languages=", ".join(helpful)), "languages": helpful},
        ]
    excluded = set(
        MentorshipRequest.objects.filter(declined_for_good(), mentee=user).values_list(
            "mentor_id", flat=True
        )
    ) | set(
        Mentorship.objects.filter(mentee=user, status=Mentorship.Status.ENDED).values_list(
            "mentor_id", flat=True
        )
    )
    if not set(sharing) - excluded:
        return [*reasons, reason("all_excluded")]
    if len(set(sharing) - excluded) > listed:
        reasons.append(reason("below_min_score", min_score=settings.MATCHING_MIN_SCORE))
    return reasons


def _mentor_reasons(user: User, listed: int) -> list[dict[str, Any]]:
    profile = MentorProfile.objects.filter(user=user).first()
    if profile is None:
        return [reason("no_profile")]
    if not profile.approved:
        return [reason("awaiting_approval")]
    reasons = []
    if _pending(profile):
        reasons.append(reason("pending_refresh"))
    if profile.away_until is not None:
        return [*reasons, reason("away", away_until=profile.away_until.isoformat())]
    if profile.paused_at is not None:
        return [*reasons, reason("paused")]
    if not profile.accepting:
        return [*reasons, reason("not_accepting")]
    active = Mentorship.objects.filter(mentor=user, status=Mentorship.Status.ACTIVE).count()
    if active >= profile.capacity:
        return [*reasons, reason("no_free_capacity", subject="You have")]
    if not listed:
        reasons.append(reason("no_mentees_matched"))
    return reasons


def next_best_mentors(
    *, mentee_ids: Iterable[int], limit: int = 3
) -> dict[int, list[tuple[int, str]]]:
    """Each mentee's best stored matches (rank order) with a matchable, accepting mentor who has
    a free place and no request pending or just expired from them: `(mentor id, name)`, at most
    `limit` each, in one query."""
    ids = sorted(set(mentee_ids))
    if not ids:
        return {}
    asked = MentorshipRequest.objects.filter(
        mentee_id=OuterRef("mentee_id"),
        mentor_id=OuterRef("mentor_id"),
        status__in=[MentorshipRequest.Status.PENDING, MentorshipRequest.Status.EXPIRED],
    )
    rows = (
        Match.objects.filter(
            mentee_id__in=ids,
            mentor_id__in=_available_mentors().values("user_id"),
        )
        .exclude(Exists(asked))
        .order_by("mentee_id", "rank", "mentor_id")
        .values_list("mentee_id", "mentor_id", "mentor__name")
    )
    best: dict[int, list[tuple[int, str]]] = {}
    for mentee_id, mentor_id, name in rows:
        chosen = best.setdefault(mentee_id, [])
        if len(chosen) < limit:
            chosen.append((mentor_id, name))
    return best
