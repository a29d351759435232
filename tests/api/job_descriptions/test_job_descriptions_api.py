"""/api/v1/me/job-descriptions and /api/v1/me/skill-gap: a mentee's postings and what they lack."""

import pytest

from mentorship.profiles.models import JobDescription
from mentorship.profiles.services import MAX_JOB_DESCRIPTIONS
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.factories import MenteeFactory

JOBS = "/api/v1/me/job-descriptions"
GAP = "/api/v1/me/skill-gap"
POSTING = {
    "title": "Junior data engineer",
    "company": "Acme",
    "text": "You will build pipelines with Apache Spark and Kafka, write SQL daily, and deploy "
    "on k8s. Experience with Airflow or dbt is a plus; sparkling personality welcome.",
}


@pytest.fixture(autouse=True)
def taxonomy(db):
    taxonomy_import(data=reference_taxonomy())


@pytest.fixture
def mentee_with_profile(client_for, mentee):
    response = client_for(mentee).put(
        "/api/v1/me/mentee-profile",
        {
            "target_role": "data-engineer",
            "timezone": "Europe/Lisbon",
            "weekly_hours": 8,
            "languages": ["en"],
            "skills": [{"skill": "SQL", "level": 4}],
        },
    )
    assert response.status_code == 201
    return mentee


def test_posting_a_job_description_returns_the_skills_it_mentions(client_for, mentee):
    response = client_for(mentee).post(JOBS, POSTING)

    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "Junior data engineer"
    assert set(body["skills"]) == {"apache-spark", "kafka", "sql", "kubernetes", "airflow", "dbt"}


def test_the_list_shows_only_the_callers_postings(client_for, mentee):
    other = MenteeFactory()
    client_for(other).post(JOBS, {**POSTING, "title": "Theirs"})
    client_for(mentee).post(JOBS, POSTING)

    response = client_for(mentee).get(JOBS)

    assert response.status_code == 200
    assert [job["title"] for job in response.json()["results"]] == ["Junior data engineer"]


def test_another_mentees_posting_is_a_404_to_read_and_to_delete(client_for, mentee):
    theirs = client_for(MenteeFactory()).post(JOBS, POSTING).json()["id"]

    assert client_for(mentee).get(f"{JOBS}/{theirs}").status_code == 404
    assert client_for(mentee).delete(f"{JOBS}/{theirs}").status_code == 404
    assert JobDescription.objects.filter(pk=theirs).exists()


def test_deleting_a_posting_removes_it(client_for, mentee):
    client = client_for(mentee)
    job_id = client.post(JOBS, POSTING).json()["id"]

    assert client.delete(f"{JOBS}/{job_id}").status_code == 204
    assert client.get(f"{JOBS}/{job_id}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**POSTING, "text": "x" * 20_001}, "text"),
        ({"title": "No text"}, "text"),
        ({**POSTING, "title": ""}, "title"),
        ({**POSTING, "skills": ["python"]}, "skills"),
    ],
    ids=["too-long", "missing-text", "blank-title", "skills-are-derived"],
)
def test_bad_postings_are_a_400_naming_the_field(client_for, mentee, body, field):
    response = client_for(mentee).post(JOBS, body)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert not JobDescription.objects.exists()


def test_a_mentee_keeps_a_bounded_number_of_postings(client_for, mentee):
    JobDescription.objects.bulk_create(
        JobDescription(mentee=mentee, title=f"Job {n}", text="SQL")
        for n in range(MAX_JOB_DESCRIPTIONS)
    )

    response = client_for(mentee).post(JOBS, POSTING)

    assert response.status_code == 409
    assert response.json()["code"] == "limit_reached"


@pytest.mark.parametrize("method", ["get", "post"])
def test_mentors_have_no_job_descriptions(client_for, mentor, method):
    assert getattr(client_for(mentor), method)(JOBS, POSTING).status_code == 403


def test_the_list_needs_the_same_queries_for_one_or_many_postings(
    client_for, mentee, django_assert_max_num_queries
):
    client = client_for(mentee)
    for _ in range(12):
        client.post(JOBS, POSTING)

    with django_assert_max_num_queries(5):
        response = client.get(JOBS, {"page_size": 50})

    assert len(response.json()["results"]) == 12


def test_the_skill_gap_lists_what_the_role_and_the_postings_need(client_for, mentee_with_profile):
    client = client_for(mentee_with_profile)
    client.post(JOBS, POSTING)

    response = client.get(GAP)

    assert response.status_code == 200
    body = response.json()
    assert body["target_role"] == "data-engineer"
    assert 0 < body["coverage"] < 1
    missing = [entry["skill"] for entry in body["missing"]]
    assert "sql" not in missing  # held at level 4
    assert missing[:2] == ["apache-spark", "kafka"]  # core and in every posting
    assert "airflow" in missing
    priorities = [entry["priority"] for entry in body["missing"]]
    assert priorities == sorted(priorities, reverse=True)
    assert set(body["missing"][0]) == {
        "skill",
        "name",
        "required_level",
        "current_level",
        "importance",
        "demand",
        "priority",
    }


def test_the_skill_gap_needs_a_profile(client_for, mentee):
    response = client_for(mentee).get(GAP)

    assert response.status_code == 404


def test_mentors_have_no_skill_gap(client_for, mentor):
    assert client_for(mentor).get(GAP).status_code == 403
