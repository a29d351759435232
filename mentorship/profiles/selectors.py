"""Reads for profiles: own profiles, approved mentors' public profiles, and the skill gap."""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Prefetch, Q, QuerySet

from mentorship.accounts.models import User
from mentorship.core.errors import NotFoundError
from mentorship.profiles.gap import coverage, gap_items
from mentorship.profiles.models import (
    JobDescription,
    MenteeProfile,
    MenteeSkill,
    MentorProfile,
    MentorSkill,
)
from mentorship.taxonomy.models import RoleRequirement, Skill


def mentee_profile_get(*, user: User) -> MenteeProfile:
    profile = (
        MenteeProfile.objects.select_related("target_role", "background")
        .prefetch_related(
            Prefetch("skill_levels", queryset=MenteeSkill.objects.select_related("skill"))
        )
        .filter(user=user)
        .first()
    )
    if profile is None:
        raise NotFoundError("You have no mentee profile yet: create it with PUT.")
    return profile


def mentor_matchable(prefix: str = "") -> Q:
    """The one rule for a mentor in matching and open to new requests, as a filter on
    MentorProfile (`prefix` reaches it from another model, e.g. "mentor__mentor_profile__"):
    approved by staff, not away (`away_until`, cleared by the hourly sweep on the date) and not
    paused for letting requests expire. Whether they accept mentees and have a free place is
    scored by the engine (`eligible`), not hidden."""
    return Q(
        **{
            f"{prefix}approved": True,
            f"{prefix}away_until__isnull": True,
            f"{prefix}paused_at__isnull": True,
        }
    )


def _mentor_profiles() -> QuerySet[MentorProfile]:
    return MentorProfile.objects.select_related("user", "background").prefetch_related(
        "roles", Prefetch("skill_levels", queryset=MentorSkill.objects.select_related("skill"))
    )


def mentor_profile_get(*, user: User) -> MentorProfile:
    profile = _mentor_profiles().filter(user=user).first()
    if profile is None:
        raise NotFoundError("You have no mentor profile yet: create it with PUT.")
    return profile


def mentor_public_get(*, mentor_id: int) -> MentorProfile:
    """An approved mentor's profile; an unapproved or unknown one is not found."""
    profile = _mentor_profiles().filter(user_id=mentor_id, approved=True).first()
    if profile is None:
        raise NotFoundError("Not found.")
    return profile


def job_description_list(*, user: User) -> QuerySet[JobDescription]:
    return JobDescription.objects.filter(mentee=user).prefetch_related("skills")


def job_description_get(*, user: User, job_description_id: int) -> JobDescription:
    job = job_description_list(user=user).filter(pk=job_description_id).first()
    if job is None:
        raise NotFoundError("Not found.")
    return job


@dataclass(frozen=True)
class GapEntry:
    skill: Skill
    required_level: int
    current_level: int
    importance: int
    demand: float
    priority: float


@dataclass(frozen=True)
class SkillGap:
    target_role: str
    coverage: float
    missing: list[GapEntry]


def skill_gap(*, user: User) -> SkillGap:
    """What the mentee lacks for their target role, most urgent first (formula: `gap.py`)."""
    profile = mentee_profile_get(user=user)
    levels = {entry.skill_id: entry.level for entry in profile.skill_levels.all()}
    requirements = [
        (skill_id, importance, level)
        for skill_id, importance, level in RoleRequirement.objects.filter(
            role=profile.target_role
        ).values_list("skill_id", "importance", "level")
    ]
    jobs = list(job_description_list(user=user))
    mentions = Counter(skill.pk for job in jobs for skill in job.skills.all())
    items = gap_items(
        requirements=requirements, levels=levels, mentions=mentions, job_count=len(jobs)
    )
    skills = Skill.objects.in_bulk([item.skill_id for item in items])
    missing = [
        GapEntry(
            skill=skills[item.skill_id],
            required_level=item.required_level,
            current_level=item.current_level,
            importance=item.importance,
            demand=item.demand,
            priority=item.priority,
        )
        for item in items
    ]
    missing.sort(key=lambda entry: (-entry.priority, entry.skill.name))
    return SkillGap(
        target_role=profile.target_role.slug,
        coverage=coverage(requirements=requirements, levels=levels),
        missing=missing,
    )


def profiles_export(*, user: User) -> dict[str, Any]:
    """The export's sections held by profiles: the profile with its skills, job descriptions
    and (for a mentee with a profile) the skill gap."""
    mentee = MenteeProfile.objects.filter(user=user).select_related("target_role", "background")
    profile: dict[str, Any] | None = None
    for found in mentee:
        profile = {"kind": "mentee", **_fields(found), "skills": _skills(found.skill_levels)}
    for mentor in _mentor_profiles().filter(user=user):
        profile = {
            "kind": "mentor",
            **_fields(mentor),
            "skills": _skills(mentor.skill_levels),
            "roles": sorted(role.slug for role in mentor.roles.all()),
        }
    gap = None
    if mentee:
        found_gap = skill_gap(user=user)
        gap = {
            "target_role": found_gap.target_role,
            "coverage": found_gap.coverage,
            "missing": [
                {
                    "skill": entry.skill.slug,
                    "required_level": entry.required_level,
                    "current_level": entry.current_level,
                    "priority": entry.priority,
                }
                for entry in found_gap.missing
            ],
        }
    return {
        "profile": profile,
        "skill_gap": gap,
        "job_descriptions": [
            {
                "id": job.pk,
                "title": job.title,
                "company": job.company,
                "text": job.text,
                "skills": sorted(skill.slug for skill in job.skills.all()),
                "created_at": job.created_at,
            }
            for job in job_description_list(user=user)
        ],
    }


def _fields(profile: models.Model) -> dict[str, Any]:
    return {
        field.name: _plain(getattr(profile, field.name))
        for field in profile._meta.concrete_fields
        if field.name != "user"
    }


def _skills(levels: Any) -> list[dict[str, Any]]:
    return [{"skill": level.skill.slug, "level": level.level} for level in levels.all()]


def _plain(value: Any) -> Any:
    """A field's value as JSON: related rows by their slug or id."""
    if isinstance(value, models.Model):
        return getattr(value, "slug", None) or value.pk
    return value
