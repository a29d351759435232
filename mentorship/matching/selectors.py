"""Reads for matching: a user's ranked matches, and runs for staff."""

from django.db.models import Prefetch, QuerySet

from mentorship.accounts.models import User
from mentorship.core.errors import NotFoundError
from mentorship.matching.models import Match, MatchRun
from mentorship.profiles.models import MenteeSkill, MentorSkill


def match_list(*, user: User, min_score: float | None = None) -> QuerySet[Match]:
    """A mentee's approved mentors, or a mentor's matched mentees, best first.

    Each side sees the other's public profile only (loaded in a fixed number of queries).
    """
    if user.is_mentee:
        matches = (
            Match.objects.filter(mentee=user, mentor__mentor_profile__approved=True)
            .select_related("mentor", "mentor__mentor_profile__background")
            .prefetch_related(
                "mentor__mentor_profile__roles",
                Prefetch(
                    "mentor__mentor_profile__skill_levels",
                    queryset=MentorSkill.objects.select_related("skill"),
                ),
            )
            .order_by("-score", "mentor_id")
        )
    elif user.is_mentor:
        matches = (
            Match.objects.filter(mentor=user)
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
