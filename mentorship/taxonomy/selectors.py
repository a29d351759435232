"""Reads of the taxonomy, and resolution of what people type into taxonomy rows."""

from collections.abc import Sequence

from django.db.models import Prefetch, Q, QuerySet

from mentorship.core.errors import ValidationError
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


def skills_resolve(*, names: Sequence[str], field: str) -> list[Skill]:
    """The skills that `names` (names, aliases or slugs, any case) denote, in order.

    Raises `ValidationError` with one message per bad entry, keyed `<field>.<index>.skill`: an
    unknown name lists the closest known names, and a skill named twice is refused.
    """
    matcher = skill_matcher(include_slugs=True)
    errors: dict[str, str] = {}
    slugs: list[str] = []
    for index, name in enumerate(names):
        slug = matcher.resolve(name)
        if slug is None:
            suggestions = matcher.closest(name)
            hint = f" Closest known: {', '.join(suggestions)}." if suggestions else ""
            errors[f"{field}.{index}.skill"] = f"Unknown skill {name!r}.{hint}"
        elif slug in slugs:
            errors[f"{field}.{index}.skill"] = f"{name!r} is listed twice."
        slugs.append(slug or "")
    if errors:
        raise ValidationError("Invalid input.", fields=errors)
    by_slug = Skill.objects.in_bulk(slugs, field_name="slug")
    return [by_slug[slug] for slug in slugs]
