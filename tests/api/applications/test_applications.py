"""POST/GET /applications, GET/PATCH /applications/{id}, POST .../interviews: the history of
dated events, every transition of the status and every refusal."""

import pytest

from mentorship.applications.models import JobApplication
from mentorship.profiles.services import job_description_create
from tests.api.applications.helpers import (
    APPLICATION_FIELDS,
    APPLICATIONS,
    apply,
    at_status,
    days_ago,
    statuses,
    url,
)
from tests.api.progress.helpers import TODAY, assert_error, assert_invalid

STATUSES = ["applied", "screening", "interviewing", "offer", "accepted", "rejected", "withdrawn"]
OPEN = {"applied", "screening", "interviewing", "offer"}
NEXT = {"applied": "screening", "screening": "interviewing", "interviewing": "offer"}
# (offer -> accepted is the hire: tests/api/applications/test_hire.py)


def test_an_application_is_logged_with_its_first_event(mentee_client, mentee):
    body = apply(mentee_client, company="Acme", job_url="https://acme.example/jobs/1")

    assert set(body) == APPLICATION_FIELDS
    assert body["mentee"] == mentee.pk
    assert (body["company"], body["role"], body["role_slug"]) == (
        "Acme",
        "Data scientist",
        "data-scientist",
    )
    assert body["status"] == "applied"
    assert statuses(body) == [(None, "applied", days_ago(10))]
    assert mentee_client.get(url(body["id"])).json() == body


def test_a_role_outside_the_taxonomy_is_kept_as_free_text(mentee_client):
    body = apply(mentee_client, role="Analytics engineer (dbt)")

    assert (body["role"], body["role_slug"]) == ("Analytics engineer (dbt)", None)


def test_an_application_points_at_one_of_the_mentees_job_descriptions(
    mentee_client, mentee, stranger
):
    own = job_description_create(user=mentee, title="DS", company="Acme", text="Python and SQL")
    theirs = job_description_create(user=stranger, title="DA", company="Initech", text="SQL")

    assert apply(mentee_client, job_description=own.pk)["job_description"] == own.pk
    refused = mentee_client.post(
        APPLICATIONS,
        {"company": "X", "role": "r", "applied_on": days_ago(1), "job_description": theirs.pk},
        format="json",
    )
    assert_invalid(refused, "job_description")


@pytest.mark.parametrize(
    ("applied_on", "why"),
    [((TODAY.replace(day=5)).isoformat(), "in the future"), ("2020-01-01", "Not before")],
)
def test_applied_on_in_the_future_or_too_old_is_a_400(mentee_client, applied_on, why):
    response = mentee_client.post(
        APPLICATIONS, {"company": "Acme", "role": "x", "applied_on": applied_on}, format="json"
    )

    body = assert_invalid(response, "applied_on")
    assert why in body["fields"]["applied_on"][0]
    assert not JobApplication.objects.exists()


def test_an_application_logged_at_a_later_stage_has_both_steps(mentee_client):
    body = apply(mentee_client, status="interviewing", status_on=days_ago(3))

    assert body["status"] == "interviewing"
    assert statuses(body) == [
        (None, "applied", days_ago(10)),
        ("applied", "interviewing", days_ago(3)),
    ]


def test_a_later_stage_dated_before_applied_on_is_a_400(mentee_client):
    response = mentee_client.post(
        APPLICATIONS,
        {
            "company": "Acme",
            "role": "x",
            "applied_on": days_ago(3),
            "status": "screening",
            "status_on": days_ago(5),
        },
        format="json",
    )

    assert_invalid(response, "status_on")


def test_the_forward_path_is_a_dated_history(mentee_client):
    application = apply(mentee_client, applied_on=days_ago(20))
    for status, day in (("screening", 15), ("interviewing", 10), ("offer", 2)):
        response = mentee_client.patch(
            url(application["id"]),
            {"status": status, "status_on": days_ago(day), "notes": f"now {status}"},
            format="json",
        )
        assert response.status_code == 200, response.content

    body = response.json()
    assert body["status"] == "offer"
    assert body["status_changed_on"] == days_ago(2)
    assert statuses(body) == [
        (None, "applied", days_ago(20)),
        ("applied", "screening", days_ago(15)),
        ("screening", "interviewing", days_ago(10)),
        ("interviewing", "offer", days_ago(2)),
    ]
    assert [event["notes"] for event in body["events"]][1:] == [
        "now screening",
        "now interviewing",
        "now offer",
    ]


def test_a_change_without_a_date_is_dated_today(mentee_client):
    application = apply(mentee_client)

    body = mentee_client.patch(url(application["id"]), {"status": "screening"}).json()

    assert statuses(body)[-1] == ("applied", "screening", TODAY.isoformat())


def _cases() -> list:
    cases = []
    for current in STATUSES:
        for wanted in STATUSES:
            if current == wanted or wanted == "accepted":
                continue
            legal = NEXT.get(current) == wanted or (
                current in OPEN and wanted in {"rejected", "withdrawn"}
            )
            cases.append(pytest.param(current, wanted, legal, id=f"{current}->{wanted}"))
    return cases


@pytest.mark.parametrize(("current", "wanted", "legal"), _cases())
def test_every_transition_is_allowed_or_a_409_naming_both_statuses(
    mentee_client, current, wanted, legal
):
    application = apply(mentee_client)
    at_status(application["id"], current)

    response = mentee_client.patch(url(application["id"]), {"status": wanted}, format="json")

    if legal:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == wanted
        assert statuses(response.json())[-1] == (current, wanted, TODAY.isoformat())
    else:
        body = assert_error(response, 409, "illegal_transition")
        assert current in body["detail"]
        assert wanted in body["detail"]
        assert JobApplication.objects.get(pk=application["id"]).status == current
        assert len(mentee_client.get(url(application["id"])).json()["events"]) == 1


@pytest.mark.parametrize("current", ["applied", "screening", "interviewing", "rejected"])
def test_accepted_only_follows_an_offer(mentee_client, current):
    application = apply(mentee_client)
    at_status(application["id"], current)

    response = mentee_client.patch(url(application["id"]), {"status": "accepted"}, format="json")

    assert_error(response, 409, "illegal_transition")


def test_sending_the_current_status_back_changes_nothing(mentee_client):
    application = apply(mentee_client)

    response = mentee_client.patch(
        url(application["id"]), {"status": "applied", "company": "Acme Corp"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["company"] == "Acme Corp"
    assert len(response.json()["events"]) == 1


@pytest.mark.parametrize(
    ("status_on", "why"),
    [
        (TODAY.replace(day=5).isoformat(), "in the future"),
        (days_ago(11), "Not before"),  # applied ten days ago
    ],
)
def test_a_change_dated_in_the_future_or_before_applied_on_is_a_400(mentee_client, status_on, why):
    application = apply(mentee_client)

    response = mentee_client.patch(
        url(application["id"]), {"status": "screening", "status_on": status_on}, format="json"
    )

    body = assert_invalid(response, "status_on")
    assert why in body["fields"]["status_on"][0]
    assert JobApplication.objects.get(pk=application["id"]).status == "applied"


def test_a_change_dated_before_the_last_change_is_a_400(mentee_client):
    application = apply(mentee_client)
    mentee_client.patch(url(application["id"]), {"status": "screening", "status_on": days_ago(3)})

    response = mentee_client.patch(
        url(application["id"]), {"status": "interviewing", "status_on": days_ago(5)}
    )

    assert_invalid(response, "status_on")


def test_editing_the_facts_keeps_the_history(mentee_client):
    application = apply(mentee_client)

    response = mentee_client.patch(
        url(application["id"]),
        {"company": "Acme Labs", "role": "machine-learning-engineer", "applied_on": days_ago(12)},
        format="json",
    )

    body = response.json()
    assert (body["company"], body["role_slug"], body["applied_on"]) == (
        "Acme Labs",
        "machine-learning-engineer",
        days_ago(12),
    )
    assert statuses(body) == [(None, "applied", days_ago(12))]
    assert body["status_changed_on"] == days_ago(12)


def test_applied_on_cannot_move_after_a_later_step(mentee_client):
    application = apply(mentee_client)
    mentee_client.post(
        url(application["id"], "interviews"), {"kind": "phone", "happened_on": days_ago(8)}
    )

    response = mentee_client.patch(url(application["id"]), {"applied_on": days_ago(7)})

    body = assert_invalid(response, "applied_on")
    assert "first step" in body["fields"]["applied_on"][0]
    assert mentee_client.get(url(application["id"])).json()["applied_on"] == days_ago(10)


@pytest.mark.parametrize("field", ["status_changed_on", "mentee", "events", "role_slug", "id"])
def test_derived_fields_cannot_be_written(mentee_client, field):
    application = apply(mentee_client)

    response = mentee_client.patch(url(application["id"]), {field: 1}, format="json")

    assert_invalid(response, field)


def test_an_unknown_status_is_a_400(mentee_client):
    application = apply(mentee_client)

    assert_invalid(mentee_client.patch(url(application["id"]), {"status": "ghosted"}), "status")


# --- interviews -----------------------------------------------------------------------------


def test_interviews_are_events_with_a_date_kind_and_notes(mentee_client):
    application = apply(mentee_client)

    response = mentee_client.post(
        url(application["id"], "interviews"),
        {"kind": "technical", "happened_on": days_ago(2), "notes": "SQL window functions"},
        format="json",
    )

    assert response.status_code == 201, response.content
    [interview] = [
        event
        for event in mentee_client.get(url(application["id"])).json()["events"]
        if event["kind"] == "interview"
    ]
    assert (interview["interview_kind"], interview["happened_on"], interview["notes"]) == (
        "technical",
        days_ago(2),
        "SQL window functions",
    )


@pytest.mark.parametrize("kind", ["phone", "technical", "take_home", "onsite", "final"])
def test_every_interview_kind_is_accepted(mentee_client, kind):
    application = apply(mentee_client)

    response = mentee_client.post(
        url(application["id"], "interviews"), {"kind": kind, "happened_on": days_ago(1)}
    )

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "coffee", "happened_on": days_ago(1)}, "kind"),
        ({"kind": "phone", "happened_on": TODAY.replace(day=5).isoformat()}, "happened_on"),
        ({"kind": "phone", "happened_on": days_ago(11)}, "happened_on"),
        ({"kind": "phone"}, "happened_on"),
    ],
)
def test_an_interview_with_a_bad_kind_or_date_is_a_400(mentee_client, body, field):
    application = apply(mentee_client)

    assert_invalid(mentee_client.post(url(application["id"], "interviews"), body), field)


@pytest.mark.parametrize("closed", ["accepted", "rejected", "withdrawn"])
def test_an_interview_on_a_closed_application_is_a_409(mentee_client, closed):
    application = apply(mentee_client)
    at_status(application["id"], closed)

    response = mentee_client.post(
        url(application["id"], "interviews"), {"kind": "phone", "happened_on": days_ago(1)}
    )

    assert_error(response, 409, "closed")


def test_the_list_is_paginated_newest_application_first(mentee_client):
    for days in (9, 3, 6):
        apply(mentee_client, applied_on=days_ago(days), company=f"C{days}")

    page = mentee_client.get(APPLICATIONS, {"page_size": 2}).json()

    assert page["count"] == 3
    assert [item["company"] for item in page["results"]] == ["C3", "C6"]
    assert page["next"]
