"""The skill gap: what a mentee lacks for their target role, raised by what postings ask for."""

import pytest

from mentorship.core.errors import NotFoundError
from mentorship.profiles.gap import gap_items, gap_priorities
from mentorship.profiles.selectors import skill_gap
from mentorship.profiles.services import job_description_create, mentee_profile_save
from mentorship.taxonomy.models import Role, RoleRequirement, Skill
from tests.factories import MenteeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_role():
    """A hand-made role: SQL core (level 3), Python core (level 3), Git nice to have (level 2)."""
    role = Role.objects.create(slug="analyst", name="Analyst")
    skills = {
        slug: Skill.objects.create(slug=slug, name=name, category="tools")
        for slug, name in [
            ("sql", "SQL"),
            ("python", "Python"),
            ("git", "Git"),
            ("docker", "Docker"),
        ]
    }
    RoleRequirement.objects.create(role=role, skill=skills["sql"], importance=3, level=3)
    RoleRequirement.objects.create(role=role, skill=skills["python"], importance=3, level=3)
    RoleRequirement.objects.create(role=role, skill=skills["git"], importance=1, level=2)
    return role


def make_mentee(skills):
    user = MenteeFactory()
    mentee_profile_save(
        user=user,
        partial=False,
        data={
            "target_role": Role.objects.get(slug="analyst"),
            "timezone": "Etc/UTC",
            "weekly_hours": 10,
            "languages": ["en"],
            "skills": [
                {"skill": Skill.objects.get(slug=slug), "level": level} for slug, level in skills
            ],
        },
    )
    return user


def missing(gap):
    return [(entry.skill.slug, entry.current_level, entry.priority) for entry in gap.missing]


def test_coverage_is_the_importance_weighted_share_of_requirements_met(small_role):
    user = make_mentee([("sql", 3), ("git", 2), ("python", 1)])

    gap = skill_gap(user=user)

    assert gap.target_role == "analyst"
    assert gap.coverage == round(4 / 7, 3)
    assert missing(gap) == [("python", 1, round(3 * 2 / 3, 3))]


def test_a_mentee_with_nothing_misses_everything_core_first(small_role):
    gap = skill_gap(user=make_mentee([]))

    assert gap.coverage == 0
    assert missing(gap) == [("python", 0, 3.0), ("sql", 0, 3.0), ("git", 0, 1.0)]


def test_job_descriptions_raise_the_priority_of_what_they_ask_for(small_role):
    user = make_mentee([])
    job_description_create(user=user, title="A", company="", text="We use SQL every day.")
    job_description_create(user=user, title="B", company="", text="SQL and Docker, please.")

    gap = skill_gap(user=user)

    by_skill = {entry.skill.slug: entry for entry in gap.missing}
    assert by_skill["sql"].demand == 1.0
    assert by_skill["sql"].priority == 9.0
    assert by_skill["python"].demand == 0.0
    assert gap.missing[0].skill.slug == "sql"
    # Docker is not a requirement of the role, but half of the postings ask for it.
    assert (by_skill["docker"].importance, by_skill["docker"].demand) == (1, 0.5)


def test_a_mentee_without_a_profile_has_no_gap(db):
    with pytest.raises(NotFoundError):
        skill_gap(user=MenteeFactory())


def test_the_matching_features_read_the_same_gap_as_the_api():
    """`gap_priorities` (what the matching features load) is `gap_items` without the objects."""
    cases = [
        {"requirements": [(1, 3, 3), (2, 3, 3), (3, 1, 2)], "levels": {1: 3, 2: 1},
         "mentions": {}, "job_count": 0},
        {"requirements": [(1, 3, 3), (2, 5, 4), (3, 1, 2)], "levels": {2: 2, 9: 1},
         "mentions": {2: 2, 9: 1, 7: 3, 8: 0}, "job_count": 3},
        {"requirements": [], "levels": {}, "mentions": {4: 1}, "job_count": 7},
    ]  # fmt: skip
    for case in cases:
        expected = [
            (item.skill_id, item.required_level, item.priority) for item in gap_items(**case)
        ]
        assert sorted(gap_priorities(**case)) == sorted(expected)
        assert expected, "every case has a gap"
