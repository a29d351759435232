"""URLs and shortcuts for the job-search tests."""

from datetime import date, timedelta

from mentorship.applications.models import JobApplication
from tests.api.progress.helpers import TODAY

APPLICATIONS = "/api/v1/applications"
HIRED = "/api/v1/me/hired"
APPLICATION_FIELDS = {
    "id",
    "mentee",
    "company",
    "role",
    "role_slug",
    "job_url",
    "job_description",
    "applied_on",
    "status",
    "status_changed_on",
    "events",
    "created_at",
    "updated_at",
}


def days_ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


def url(application_id: int, *parts: str) -> str:
    return "/".join([APPLICATIONS, str(application_id), *parts])


def apply(client, *, company: str = "Acme", applied_on: date | str | None = None, **fields) -> dict:
    """POST an application (ten days ago unless told) and return its body; asserts the 201."""
    body = {
        "company": company,
        "role": "data-scientist",
        "applied_on": str(applied_on or days_ago(10)),
        **fields,
    }
    response = client.post(APPLICATIONS, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def at_status(application_id: int, status: str) -> None:
    """Put an application at `status` directly (the state a test starts from)."""
    JobApplication.objects.filter(pk=application_id).update(status=status)


def statuses(body: dict) -> list[tuple[str, str, str]]:
    """The status history as (from, to, date)."""
    return [
        (event["from_status"], event["to_status"], event["happened_on"])
        for event in body["events"]
        if event["kind"] == "status"
    ]
