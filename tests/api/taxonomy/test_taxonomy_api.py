"""GET /api/v1/roles, /skills?search=, /backgrounds: for any signed-in user, paginated."""

import pytest

from mentorship.taxonomy.models import Skill
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import


@pytest.fixture(autouse=True)
def taxonomy(db):
    taxonomy_import(data=reference_taxonomy())


@pytest.mark.parametrize("url", ["/api/v1/roles", "/api/v1/skills", "/api/v1/backgrounds"])
def test_taxonomy_needs_a_signed_in_user(api_client, url):
    assert api_client.get(url).status_code == 401


@pytest.mark.parametrize("user", ["mentee", "mentor", "staff"])
def test_roles_come_with_their_requirements(client_for, request, user):
    response = client_for(request.getfixturevalue(user)).get("/api/v1/roles")

    assert response.status_code == 200
    roles = {role["slug"]: role for role in response.json()["results"]}
    assert len(roles) == 5
    scientist = roles["data-scientist"]
    assert scientist["name"] == "Data scientist"
    requirement = next(r for r in scientist["requirements"] if r["skill"] == "scikit-learn")
    assert requirement == {
        "skill": "scikit-learn",
        "skill_name": "scikit-learn",
        "importance": 3,
        "level": requirement["level"],
    }
    assert 1 <= requirement["level"] <= 5


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("torch", "pytorch"),
        ("SKLEARN", "scikit-learn"),
        ("k8s", "kubernetes"),
        ("postgres", "postgresql"),
        ("Scikit", "scikit-learn"),
        ("linear alg", "linear-algebra"),
    ],
)
def test_skill_search_matches_names_and_aliases(client_for, mentee, search, expected):
    response = client_for(mentee).get("/api/v1/skills", {"search": search})

    assert response.status_code == 200
    assert expected in [skill["slug"] for skill in response.json()["results"]]


def test_skill_search_with_no_match_is_an_empty_page(client_for, mentee):
    response = client_for(mentee).get("/api/v1/skills", {"search": "basket weaving"})

    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_skills_are_paginated_with_a_hard_maximum_page_size(client_for, mentee, settings):
    total = Skill.objects.count()

    default = client_for(mentee).get("/api/v1/skills").json()
    huge = client_for(mentee).get("/api/v1/skills", {"page_size": 10_000}).json()

    assert default["count"] == total
    assert len(default["results"]) == settings.REST_FRAMEWORK["PAGE_SIZE"]
    assert len(huge["results"]) == settings.API_MAX_PAGE_SIZE


def test_a_page_past_the_end_is_a_404(client_for, mentee):
    response = client_for(mentee).get("/api/v1/skills", {"page": 999})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_backgrounds_list_where_people_come_from(client_for, mentor):
    response = client_for(mentor).get("/api/v1/backgrounds", {"page_size": 100})

    slugs = {background["slug"] for background in response.json()["results"]}
    assert {"software-engineering", "physics", "academia", "ui-design", "marketing"} <= slugs


@pytest.mark.parametrize("url", ["/api/v1/roles", "/api/v1/skills", "/api/v1/backgrounds"])
def test_list_queries_do_not_grow_with_the_page_size(
    client_for, mentee, url, django_assert_max_num_queries
):
    client = client_for(mentee)
    # auth token, count, page, and one prefetch per nested relation
    with django_assert_max_num_queries(6):
        small = client.get(url, {"page_size": 2})
    with django_assert_max_num_queries(6):
        large = client.get(url, {"page_size": 100})

    assert small.status_code == large.status_code == 200
