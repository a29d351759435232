"""Reads of the taxonomy, and resolution of what people type into taxonomy rows."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import connection
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


@dataclass(frozen=True)
class TaxonomyNames:
    """Display names by slug, for putting codes that name roles, skills and backgrounds into
    words; a slug without a row (deleted since) reads as itself."""

    roles: Mapping[str, str] = field(default_factory=dict)
    skills: Mapping[str, str] = field(default_factory=dict)
    backgrounds: Mapping[str, str] = field(default_factory=dict)

    def role(self, slug: str) -> str:
        return self.roles.get(slug, slug)

    def skill(self, slug: str) -> str:
        return self.skills.get(slug, slug)

    def background(self, slug: str) -> str:
        return self.backgrounds.get(slug, slug)


def taxonomy_names(
    *, roles: Iterable[str] = (), skills: Iterable[str] = (), backgrounds: Iterable[str] = ()
) -> TaxonomyNames:
    """The names of these slugs, in one plain SQL query (none when no slug is asked for): every
    match page asks, and building the ORM's union of three cost more than running it."""
    wanted = {"role": sorted(set(roles)), "skill": sorted(set(skills))}
    wanted["background"] = sorted(set(backgrounds))
    if not any(wanted.values()):
        return TaxonomyNames()
    models: dict[str, type[Role] | type[Skill] | type[Background]] = {
        "role": Role,
        "skill": Skill,
        "background": Background,
    }
    quote = connection.ops.quote_name
    parts, params = [], []
    for kind, slugs in wanted.items():
        if slugs:
            marks = ", ".join(["%s"] * len(slugs))
            table = quote(models[kind]._meta.db_table)
            # kind and table are this module's own names; the slugs are parameters
            parts.append(f"SELECT '{kind}', slug, name FROM {table} WHERE slug IN ({marks})")  # noqa: S608
            params.extend(slugs)
    found: dict[str, dict[str, str]] = {kind: {} for kind in models}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for kind, slug, name in cursor.fetchall():
            found[kind][slug] = name
    return TaxonomyNames(
        roles=found["role"], skills=found["skill"], backgrounds=found["background"]
    )
