"""GET /api/v1/me/export: everything held about the caller, as documented, throttled."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from mentorship.progress.checkins import checkin_feedback
from tests.security.world import (
    load_taxonomy,
    new_checkins,
    new_comment,
    new_experiment,
    new_job_description,
    new_mentee,
    new_mentor,
    new_mentorship,
    new_project,
    run_matching,
)

URL = "/api/v1/me/export"

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_rows_the_test_created(client_for, django_capture_on_commit_callbacks):
    load_taxonomy()
    mentee, mentor = new_mentee("Exported Mentee"), new_mentor("Exported Mentor")
    with django_capture_on_commit_callbacks(execute=True):
        project = new_project(mentee, title="Forecasting bikes")
        experiment = new_experiment(project, name="gradient boosting")
        job = new_job_description(mentee, title="Analyst at Initech")
        mentorship = new_mentorship(mentee, mentor)
        new_comment(project, mentee, "Week one done")
        new_comment(project, mentor, "Nice start")
        _, submitted = new_checkins(mentorship)
        checkin_feedback(checkin_id=submitted.pk, by=mentor, comment="Great cleaning work")
        checkin_feedback(checkin_id=submitted.pk, by=mentor, comment="Now a baseline")
    run_matching()

    response = client_for(mentee).get(URL)

    assert response.status_code == 200
    export = response.json()
    assert export["account"]["email"] == mentee.email
    assert export["account"]["email_verified"] is True
    assert export["profile"]["kind"] == "mentee"
    assert {"skill": "python", "level": 3} in export["profile"]["skills"]
    assert export["skill_gap"]["target_role"] == "data-scientist"
    assert [entry["title"] for entry in export["job_descriptions"]] == [job.title]
    assert export["matches"]
    assert export["matches"][0]["mentor"] == mentor.pk
    assert export["matches"][0]["explanation"], "worded for the mentee"
    assert [entry["id"] for entry in export["mentorships"]] == [mentorship.pk]
    assert export["mentorship_requests"][0]["status"] == "accepted"
    (exported_project,) = export["projects"]
    assert exported_project["title"] == "Forecasting bikes"
    assert len(exported_project["milestones"]) == project.milestones.count()
    assert [e["name"] for e in exported_project["experiments"]] == [experiment.name]
    assert [c["body"] for c in exported_project["comments"]] == ["Week one done", "Nice start"]
    (answered,) = [checkin for checkin in export["checkins"] if checkin["id"] == submitted.pk]
    history = answered["feedback_history"]
    assert [entry["comment"] for entry in history] == ["Great cleaning work", "Now a baseline"]
    assert {entry["author"] for entry in history} == {mentor.pk}
    assert all(entry["created_at"] for entry in history)
    assert export["notification_preferences"]["digests"] is True
    assert sorted(email["body"] for email in export["emails"]) == sorted(
        ["Nice start", "Great cleaning work", "Now a baseline"]
    ), "the mentor's comment and each feedback emailed the mentee"
    json.dumps(export, cls=DjangoJSONEncoder)


def test_a_mentor_sees_their_own_export_only(client_for):
    load_taxonomy()
    mentee, mentor = new_mentee("Private Mentee"), new_mentor("Nosy Mentor")
    new_project(mentee, title="Private project")

    export = client_for(mentor).get(URL).json()

    assert export["account"]["email"] == mentor.email
    assert export["profile"]["kind"] == "mentor"
    assert export["projects"] == []
    assert export["skill_gap"] is None
    assert "Private project" not in json.dumps(export)


def test_the_export_is_throttled(client_for, mentee, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "export": "2/hour",
        },
    }
    client = client_for(mentee)

    answers = [client.get(URL).status_code for _ in range(3)]

    assert answers == [200, 200, 429]


def test_anonymous_callers_get_a_401(api_client):
    assert api_client.get(URL).status_code == 401


def test_the_export_is_documented_in_the_schema(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    responses = schema["paths"]["/api/v1/me/export"]["get"]["responses"]
    reference = responses["200"]["content"]["application/json"]["schema"]["$ref"]
    documented = schema["components"]["schemas"][reference.rsplit("/", 1)[1]]["properties"]
    assert {"account", "profile", "matches", "projects", "checkins", "emails"} <= set(documented)
