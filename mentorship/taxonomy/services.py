"""Writes for the taxonomy: loading the reference data shipped in `data/taxonomy.json`."""

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from mentorship.taxonomy.models import (
    Background,
    MilestoneTemplate,
    Role,
    RoleRequirement,
    Skill,
    SkillAlias,
)

REFERENCE_DATA = Path(__file__).resolve().parent / "data" / "taxonomy.json"


def reference_taxonomy() -> dict[str, Any]:
    return json.loads(REFERENCE_DATA.read_text(encoding="utf-8"))


@transaction.atomic
def taxonomy_import(*, data: dict[str, Any]) -> dict[str, int]:
    """Create every shipped row that is missing; returns how many rows of each kind were created.

    Idempotent, and it never overwrites: a row that exists (matched by slug, or by role and
    skill/key) is left as staff last edited it, so running it on every start is safe.
    """
    created = dict.fromkeys(
        ["skills", "aliases", "backgrounds", "roles", "requirements", "milestones"], 0
    )
    skills: dict[str, Skill] = {skill.slug: skill for skill in Skill.objects.all()}
    taken_aliases = set(SkillAlias.objects.values_list("name", flat=True))
    for entry in data["skills"]:
        skill = skills.get(entry["slug"])
        if skill is None:
            skill = Skill.objects.create(
                slug=entry["slug"], name=entry["name"], category=entry["category"]
            )
            skills[skill.slug] = skill
            created["skills"] += 1
        for alias in entry.get("aliases", []):
            if alias not in taken_aliases:
                SkillAlias.objects.create(skill=skill, name=alias)
                taken_aliases.add(alias)
                created["aliases"] += 1

    for entry in data["backgrounds"]:
        _, was_created = Background.objects.get_or_create(
            slug=entry["slug"], defaults={"name": entry["name"]}
        )
        created["backgrounds"] += was_created

    for entry in data["roles"]:
        role, was_created = Role.objects.get_or_create(
            slug=entry["slug"],
            defaults={"name": entry["name"], "description": entry.get("description", "")},
        )
        created["roles"] += was_created
        for requirement in entry["requirements"]:
            _, was_created = RoleRequirement.objects.get_or_create(
                role=role,
                skill=skills[requirement["skill"]],
                defaults={"importance": requirement["importance"], "level": requirement["level"]},
            )
            created["requirements"] += was_created
        for milestone in entry["milestones"]:
            _, was_created = MilestoneTemplate.objects.get_or_create(
                role=role,
                key=milestone["key"],
                defaults={
                    "title": milestone["title"],
                    "description": milestone.get("description", ""),
                    "due_offset_days": milestone["due_offset_days"],
                },
            )
            created["milestones"] += was_created
    return created
