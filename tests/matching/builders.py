"""Hand-made mentees and mentors with profiles, for matching tests (the shipped taxonomy)."""

from mentorship.profiles.models import MenteeProfile, MenteeSkill, MentorProfile, MentorSkill
from mentorship.taxonomy.models import Background, Role, Skill
from tests.factories import MenteeFactory, MentorFactory


def make_mentee(
    *,
    role: str,
    skills: dict[str, int] | None = None,
    background: str | None = None,
    timezone: str = "Europe/London",
    languages: tuple[str, ...] = ("en",),
    **user,
):
    person = MenteeFactory(**user)
    profile = MenteeProfile.objects.create(
        user=person,
        target_role=Role.objects.get(slug=role),
        background=Background.objects.get(slug=background) if background else None,
        timezone=timezone,
        weekly_hours=10,
        languages=list(languages),
    )
    for slug, level in (skills or {}).items():
        MenteeSkill.objects.create(profile=profile, skill=Skill.objects.get(slug=slug), level=level)
    return person


def make_mentor(
    *,
    roles: tuple[str, ...],
    skills: dict[str, int] | None = None,
    background: str | None = None,
    timezone: str = "Europe/London",
    languages: tuple[str, ...] = ("en",),
    capacity: int = 3,
    approved: bool = True,
    accepting: bool = True,
    **user,
):
    person = MentorFactory(**user)
    profile = MentorProfile.objects.create(
        user=person,
        background=Background.objects.get(slug=background) if background else None,
        timezone=timezone,
        languages=list(languages),
        capacity=capacity,
        approved=approved,
        accepting=accepting,
    )
    profile.roles.set(Role.objects.filter(slug__in=roles))
    for slug, level in (skills or {}).items():
        MentorSkill.objects.create(profile=profile, skill=Skill.objects.get(slug=slug), level=level)
    return person
