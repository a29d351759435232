"""Reads for profiles: own profiles, approved mentors' public profiles, and the skill gap."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from mentorship.accounts.models import User
from mentorship.core.errors import NotFoundError
from mentorship.profiles.models import (
    JobDescription,
    MenteeProfile,
    MenteeSkill,
    MentorProfile,
    MentorSkill,
)
from mentorship.taxonomy.models import RoleRequirement, Skill

# A skill that postings ask for but the role's requirements do not list counts as this.
UNLISTED_IMPORTANCE = 1
UNLISTED_LEVEL = 3


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
    """What the mentee lacks for their target role, most urgent first.

    - `coverage`: the importance-weighted share of the role's requirements met at the required
      level (1.0 when the role lists none).
    - `demand` of a skill: the share of the mentee's job descriptions that mention it.
    - A requirement is missing when the mentee's level is below the required one; a skill the
      postings mention but the role does not list is missing below level 3, at importance 1.
    - `priority = importance * (1 + 2 * demand) * (required - current) / required`: core skills
      first, raised by how often postings ask for them (the seeds' advice), and by how far off
      the mentee is.
    """
    profile = mentee_profile_get(user=user)
    levels = {entry.skill_id: entry.level for entry in profile.skill_levels.all()}
    requirements = list(
        RoleRequirement.objects.filter(role=profile.target_role).select_related("skill")
    )
    jobs = list(job_description_list(user=user))
    mentions = Counter(skill.pk for job in jobs for skill in job.skills.all())
    posted_skills = {skill.pk: skill for job in jobs for skill in job.skills.all()}

    def demand(skill_id: int) -> float:
        return round(mentions[skill_id] / len(jobs), 3) if jobs else 0.0

    def entry(skill: Skill, required: int, importance: int) -> GapEntry:
        current = levels.get(skill.pk, 0)
        share = demand(skill.pk)
        priority = importance * (1 + 2 * share) * (required - current) / required
        return GapEntry(skill, required, current, importance, share, round(priority, 3))

    missing = [
        entry(requirement.skill, requirement.level, requirement.importance)
        for requirement in requirements
        if levels.get(requirement.skill_id, 0) < requirement.level
    ]
    listed = {requirement.skill_id for requirement in requirements}
    missing += [
        entry(skill, UNLISTED_LEVEL, UNLISTED_IMPORTANCE)
        for skill_id, skill in posted_skills.items()
        if skill_id not in listed and levels.get(skill_id, 0) < UNLISTED_LEVEL
    ]
    missing.sort(key=lambda gap: (-gap.priority, gap.skill.name))

    total = sum(requirement.importance for requirement in requirements)
    met = sum(
        requirement.importance
        for requirement in requirements
        if levels.get(requirement.skill_id, 0) >= requirement.level
    )
    coverage = round(met / total, 3) if total else 1.0
    return SkillGap(target_role=profile.target_role.slug, coverage=coverage, missing=missing)
