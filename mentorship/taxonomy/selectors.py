"""Reads of the taxonomy, and resolution of what people type into taxonomy rows."""

from django.db.models import Prefetch, Q, QuerySet

from mentorship.taxonomy.extraction import SkillMatcher
from mentorship.taxonomy.models import Background, Role, RoleRequirement, Skill


def role_list() -> QuerySet[Role]:
    requirements = RoleRequirement.objects.select_related("skill").order_by(
        "-importance", "skill__name"
    )
    return Role.objects.prefetch_related(Prefetch("requirements", queryset=requirements))


def skill_list(*, search: str = "") -> QuerySet[Skill]:
    """Skills whose name, slug or an alias contains `search` (case-insensitive)."""
    skills = Skill.objects.prefetch_related("aliases")
    search = search.strip()
    if search:
        matching = Q(name__icontains=search) | Q(slug__icontains=search.replace(" ", "-"))
        alias_matches = Skill.objects.filter(aliases__name__icontains=search).values("pk")
        skills = skills.filter(matching | Q(pk__in=alias_matches))
    return skills


def background_list() -> QuerySet[Background]:
    return Background.objects.all()


def skill_matcher(*, include_slugs: bool = False) -> SkillMatcher:
    """A matcher over every skill's name and aliases (and slugs, to resolve API input)."""
    names: dict[str, list[str]] = {}
    for skill in Skill.objects.prefetch_related("aliases"):
        names[skill.slug] = [skill.name, *(alias.name for alias in skill.aliases.all())]
        if include_slugs:
            names[skill.slug].append(skill.slug)
    return SkillMatcher(names)
