"""A NUL character in input is a 400, never a 500 (found by the fuzzer on PostgreSQL, whose text
and JSON columns cannot hold one; SQLite can, so there these pass either way)."""

import pytest

from mentorship.progress.projects import project_create
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.matching.builders import make_mentee, make_mentor

pytestmark = pytest.mark.django_db

NUL = "\x00"


@pytest.fixture(autouse=True)
def taxonomy():
    taxonomy_import(data=reference_taxonomy())


@pytest.fixture
def mentee():
    return make_mentee(role="data-scientist", skills={"python": 3})


def test_a_skill_search_with_a_nul_is_a_400(client_for, mentee):
    response = client_for(mentee).get("/api/v1/skills", {"search": f"py{NUL}"})

    assert response.status_code == 400
    assert response.json()["fields"] == {"search": ["Null characters are not allowed."]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"background": f"physics{NUL}"}, "background"),
        ({"target_role": f"data-scientist{NUL}"}, "target_role"),
    ],
)
def test_a_mentee_profile_slug_with_a_nul_is_a_400(client_for, mentee, body, field):
    response = client_for(mentee).patch("/api/v1/me/mentee-profile", body, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_a_mentor_role_with_a_nul_is_a_400(client_for):
    mentor = make_mentor(roles=("data-scientist",))

    response = client_for(mentor).patch(
        "/api/v1/me/mentor-profile", {"roles": [f"data-scientist{NUL}"]}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["roles.0"]


@pytest.mark.parametrize("params", [{"lr": f"0.1{NUL}"}, {f"lr{NUL}": 0.1}])
def test_an_experiment_parameter_with_a_nul_is_a_400(client_for, mentee, params):
    project = project_create(
        mentee=mentee,
        title="Churn",
        problem_statement="Who leaves",
        dataset="Reviews",
        start_date=None,
    )
    body = {"name": "baseline", "params": params, "metric": {"name": "auc", "value": 0.7}}

    response = client_for(mentee).post(
        f"/api/v1/projects/{project.pk}/experiments", body, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"].values()) == [["Null characters are not allowed."]]
