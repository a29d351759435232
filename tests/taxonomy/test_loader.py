"""The shipped taxonomy loads idempotently and never overwrites what staff edited."""

import pytest
from django.core.management import call_command

from mentorship.taxonomy.models import MilestoneTemplate, Role, RoleRequirement, Skill, SkillAlias
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import

pytestmark = pytest.mark.django_db


def test_loading_creates_the_five_roles_and_over_a_hundred_skills():
    created = taxonomy_import(data=reference_taxonomy())

    assert set(Role.objects.values_list("slug", flat=True)) == {
        "data-engineer",
        "data-analyst",
        "data-scientist",
        "machine-learning-engineer",
        "machine-learning-researcher",
    }
    assert Skill.objects.count() >= 100
    assert created["skills"] == Skill.objects.count()
    assert SkillAlias.objects.get(name="sklearn").skill.slug == "scikit-learn"
    assert list(
        MilestoneTemplate.objects.filter(role__slug="data-scientist").values_list("key", flat=True)
    ) == ["plan", "collect-data", "clean-explore", "model", "deploy", "write-up"]


def test_loading_twice_creates_nothing_the_second_time():
    taxonomy_import(data=reference_taxonomy())
    counts = (Skill.objects.count(), SkillAlias.objects.count(), RoleRequirement.objects.count())

    created = taxonomy_import(data=reference_taxonomy())

    assert set(created.values()) == {0}
    assert (
        Skill.objects.count(),
        SkillAlias.objects.count(),
        RoleRequirement.objects.count(),
    ) == counts


def test_loading_keeps_staff_edits():
    taxonomy_import(data=reference_taxonomy())
    requirement = RoleRequirement.objects.get(role__slug="data-engineer", skill__slug="sql")
    requirement.level = 5
    requirement.save()
    Skill.objects.filter(slug="python").update(name="Python 3")

    taxonomy_import(data=reference_taxonomy())

    requirement.refresh_from_db()
    assert requirement.level == 5
    assert Skill.objects.get(slug="python").name == "Python 3"


def test_the_seed_skills_of_each_role_are_core_requirements():
    taxonomy_import(data=reference_taxonomy())

    def core(role: str) -> set[str]:
        return set(
            RoleRequirement.objects.filter(role__slug=role, importance=3).values_list(
                "skill__slug", flat=True
            )
        )

    assert {"apache-spark", "kafka", "hadoop", "sql"} <= core("data-engineer")
    assert {"python", "sql", "tableau", "excel", "communication"} <= core("data-analyst")
    assert {"python", "scikit-learn", "pandas", "sql"} <= core("data-scientist")


def test_make_run_loads_reference_data_through_one_command(capsys):
    call_command("load_reference_data")

    assert "Taxonomy loaded" in capsys.readouterr().out
    assert Role.objects.count() == 5
