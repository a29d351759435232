"""GET /api/v1/projects/{id}/progress and /progress.svg: progress computed, never typed in.

Percent done, the overdue milestones, weeks since the start and hours logged in submitted
check-ins; the chart draws milestones planned vs done per week with the hours as bars. Errors on
the chart's URL are answered in the API's JSON error shape, whatever the client accepts.
"""

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from mentorship.progress.models import CheckIn, Milestone
from mentorship.progress.selectors import progress_chart_data
from tests.api.progress.helpers import (
    TODAY,
    activate,
    assert_error,
    end,
    make_project,
    on,
    project_url,
)
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PROGRESS_FIELDS = {
    "percent",
    "done",
    "total",
    "overdue",
    "on_track",
    "weeks_elapsed",
    "hours_logged",
}


def progress_url(project) -> str:
    return project_url(project.pk, "progress")


def chart_url(project) -> str:
    return project_url(project.pk, "progress.svg")


def set_status(project, **statuses: str) -> None:
    """`set_status(project, plan="done")`; keys with dashes are spelled with underscores."""
    now = timezone.now()
    for key, status in statuses.items():
        Milestone.objects.filter(project=project, key=key.replace("_", "-")).update(
            status=status, completed_at=now if status == "done" else None
        )


def checkin(mentorship, week: date, hours: str | None, status: str = "submitted") -> CheckIn:
    return CheckIn.objects.create(
        mentorship=mentorship,
        week_start=week,
        status=status,
        hours_spent=None if hours is None else Decimal(hours),
        opened_at=timezone.now(),
        submitted_at=timezone.now() if status == "submitted" else None,
    )


# --- /progress --------------------------------------------------------------------------------


def test_progress_counts_milestones_done_the_overdue_ones_weeks_and_hours(
    mentee_client, mentee, mentor, make_mentor, make_mentee, mentorship, project
):
    # given: two and a bit weeks in, the plan done, data collection late, cleaning under way
    set_status(project, plan="done", clean_explore="in_progress")
    checkin(mentorship, TODAY, "6.5")
    checkin(mentorship, TODAY + timedelta(weeks=1), "4")
    checkin(mentorship, TODAY + timedelta(weeks=2), None, status="open")
    other = activate(make_mentee(), mentor)
    checkin(other, TODAY, "20")

    # when
    with on(date(2024, 3, 20)):
        response = mentee_client.get(progress_url(project))

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == PROGRESS_FIELDS
    collect = Milestone.objects.get(project=project, key="collect-data")
    assert body == {
        "percent": 17,
        "done": 1,
        "total": 6,
        "overdue": [
            {
                "id": collect.pk,
                "key": "collect-data",
                "title": "Collect the data",
                "due_date": "2024-03-18",
            }
        ],
        "on_track": False,
        "weeks_elapsed": 2,
        "hours_logged": 10.5,
    }


def test_a_new_project_is_on_track_with_nothing_done(mentee_client, project):
    body = mentee_client.get(progress_url(project)).json()

    assert body == {
        "percent": 0,
        "done": 0,
        "total": 6,
        "overdue": [],
        "on_track": True,
        "weeks_elapsed": 0,
        "hours_logged": 0.0,
    }


@pytest.mark.parametrize(("done", "percent"), [(1, 17), (2, 33), (3, 50), (4, 67), (6, 100)])
def test_percent_is_the_rounded_share_of_milestones_done(mentee_client, project, done, percent):
    keys = ["plan", "collect-data", "clean-explore", "model", "deploy", "write-up"][:done]
    Milestone.objects.filter(project=project, key__in=keys).update(status="done")

    body = mentee_client.get(progress_url(project)).json()

    assert (body["percent"], body["done"], body["total"]) == (percent, done, 6)


def test_a_milestone_due_today_is_not_overdue_until_tomorrow(mentee_client, project):
    plan_due = TODAY + timedelta(days=7)

    with on(plan_due):
        on_the_day = mentee_client.get(progress_url(project)).json()
    with on(plan_due + timedelta(days=1)):
        next_day = mentee_client.get(progress_url(project)).json()

    assert (on_the_day["overdue"], on_the_day["on_track"]) == ([], True)
    assert [m["key"] for m in next_day["overdue"]] == ["plan"]
    assert next_day["on_track"] is False


def test_a_late_milestone_in_progress_is_overdue_but_a_late_one_done_is_not(mentee_client, project):
    set_status(project, plan="done", collect_data="in_progress")

    with on(TODAY + timedelta(days=22)):
        body = mentee_client.get(progress_url(project)).json()

    assert [m["key"] for m in body["overdue"]] == ["collect-data", "clean-explore"]


@pytest.mark.parametrize(
    ("today", "weeks"),
    [
        (TODAY - timedelta(days=10), 0),
        (TODAY + timedelta(days=6), 0),
        (TODAY + timedelta(days=7), 1),
    ],
    ids=["before the start", "six days in", "one week in"],
)
def test_weeks_elapsed_counts_whole_weeks_since_the_start(mentee_client, project, today, weeks):
    with on(today):
        body = mentee_client.get(progress_url(project)).json()

    assert body["weeks_elapsed"] == weeks


def test_a_project_without_milestones_is_zero_percent(mentee_client, project):
    project.milestones.all().delete()

    body = mentee_client.get(progress_url(project)).json()

    assert (body["percent"], body["done"], body["total"], body["on_track"]) == (0, 0, 0, True)


def test_hours_count_from_the_week_the_project_started_in(
    mentee_client, mentee, mentor, mentorship
):
    # given: a project started on a Wednesday; check-ins are for weeks starting on Mondays
    wednesday = TODAY + timedelta(days=2)
    project = make_project(mentee, start_date=wednesday)
    checkin(mentorship, TODAY - timedelta(weeks=1), "5")
    checkin(mentorship, TODAY, "3")
    checkin(mentorship, TODAY + timedelta(weeks=1), "2.5")

    with on(TODAY + timedelta(weeks=2)):
        body = mentee_client.get(progress_url(project)).json()

    assert body["hours_logged"] == 5.5


def test_only_submitted_checkins_count_even_from_an_earlier_mentorship(
    mentee_client, mentee, mentor, make_mentor, project
):
    earlier = end(activate(mentee, make_mentor()))
    checkin(earlier, TODAY, "4")
    current = activate(mentee, mentor)
    checkin(current, TODAY + timedelta(weeks=1), "7", status="missed")
    checkin(current, TODAY + timedelta(weeks=2), "9", status="open")

    with on(TODAY + timedelta(weeks=3)):
        body = mentee_client.get(progress_url(project)).json()

    assert body["hours_logged"] == 4.0


def test_the_active_mentor_reads_the_progress(mentor_client, mentorship, project):
    response = mentor_client.get(progress_url(project))

    assert response.status_code == 200
    assert response.json()["total"] == 6


@pytest.mark.parametrize("who", ["another mentee", "unrelated mentor", "staff"])
def test_progress_is_not_found_for_strangers(client_for, make_mentee, make_mentor, project, who):
    stranger = {"another mentee": make_mentee, "unrelated mentor": make_mentor}.get(
        who, StaffFactory
    )()

    assert_error(client_for(stranger).get(progress_url(project)), 404, "not_found")


# --- /progress.svg ----------------------------------------------------------------------------


def assert_svg(response) -> ET.Element:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)  # noqa: S314 (our own chart, not untrusted input)
    assert root.tag.endswith("svg")
    return root


def test_the_owner_gets_the_chart_as_an_svg_with_the_project_title(
    mentee_client, mentorship, project
):
    set_status(project, plan="done")
    checkin(mentorship, TODAY, "6.5")

    with on(TODAY + timedelta(days=10)):
        response = mentee_client.get(chart_url(project))

    assert_svg(response)
    assert b"Which customers churn: progress by week" in response.content
    assert len(response.content) > 5_000
    assert "no-store" in response["Cache-Control"]  # personal: never kept by a cache


def test_the_active_mentor_gets_the_chart_too(mentor_client, mentorship, project):
    assert_svg(mentor_client.get(chart_url(project)))


def test_the_chart_ignores_what_the_client_accepts(mentee_client, project):
    assert_svg(mentee_client.get(chart_url(project), HTTP_ACCEPT="image/svg+xml"))
    assert_svg(mentee_client.get(chart_url(project), HTTP_ACCEPT="text/html"))


def test_a_title_with_markup_characters_still_makes_a_well_formed_svg(mentee, mentee_client):
    project = make_project(mentee, title='Churn <v2> & "friends" -- take 2')

    assert_svg(mentee_client.get(chart_url(project)))


@pytest.mark.parametrize("accept", [None, "image/svg+xml"])
def test_a_strangers_chart_is_a_404_in_json(client_for, make_mentee, project, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}

    response = client_for(make_mentee()).get(chart_url(project), **headers)

    assert response["Content-Type"] == "application/json"
    assert_error(response, 404, "not_found")


def test_an_anonymous_chart_request_is_a_401_in_json(api_client, project):
    response = api_client.get(chart_url(project), HTTP_ACCEPT="image/svg+xml")

    assert response["Content-Type"] == "application/json"
    assert_error(response, 401, "not_authenticated")


def test_the_chart_data_has_planned_and_done_milestones_and_hours_per_week(
    mentee, mentor, mentorship, project
):
    # given: the plan done on day 5, four hours logged in the first week's check-in
    with on(TODAY + timedelta(days=5)):
        set_status(project, plan="done")
    checkin(mentorship, TODAY, "4")

    data = progress_chart_data(project=project, today=TODAY + timedelta(days=10))

    assert data.weeks == [TODAY + timedelta(weeks=n) for n in range(8)]
    assert data.planned == [0, 1, 2, 3, 4, 5, 6, 6]
    assert data.done == [0, 1, 1, 1, 1, 1, 1, 1]
    assert data.hours == [4.0, 0, 0, 0, 0, 0, 0, 0]


def test_the_chart_reaches_today_when_the_project_runs_late(project):
    late = TODAY + timedelta(weeks=9, days=3)

    data = progress_chart_data(project=project, today=late)

    assert data.weeks[-2] <= late < data.weeks[-1]
    assert data.planned[-1] == 6


def test_a_milestone_due_at_the_end_of_the_calendar_is_refused_or_charted(mentee_client, project):
    mentee_client.raise_request_exception = False
    write_up = Milestone.objects.get(project=project, key="write-up")

    patched = mentee_client.patch(
        project_url(project.pk, "milestones", write_up.pk), {"due_date": "9999-12-31"}
    )

    if patched.status_code == 400:
        assert set(patched.json()["fields"]) == {"due_date"}
    else:
        assert_svg(mentee_client.get(chart_url(project)))
