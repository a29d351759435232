"""`GET /api/v1/admin/stats` and `.../stats.csv`: who may read them, the window's refusals, and
the CSV's content (the figures themselves: `tests/stats/test_programme_health.py`)."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MenteeFactory, MentorFactory, StaffFactory
from tests.stats.pool import WINDOW, make_pool

pytestmark = pytest.mark.django_db

URLS = ["/api/v1/admin/stats", "/api/v1/admin/stats.csv"]
TODAY = dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize("url", URLS)
def test_an_anonymous_caller_is_unauthorised(api_client, url):
    response = api_client.get(url)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("factory", [MenteeFactory, MentorFactory], ids=["mentee", "mentor"])
def test_mentees_and_mentors_are_refused(client_for, url, factory):
    response = client_for(factory()).get(url)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("url", URLS)
def test_staff_read_them(client_for, url):
    response = client_for(StaffFactory()).get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@time_machine.travel(TODAY, tick=False)
def test_the_window_defaults_to_the_last_90_days(client_for, staff):
    body = client_for(staff).get(URLS[0]).json()

    assert (body["from"], body["to"]) == ("2026-09-05", "2026-12-03")


@time_machine.travel(TODAY, tick=False)
def test_from_alone_runs_to_today_and_to_alone_90_days_back(client_for, staff):
    client = client_for(staff)

    assert client.get(URLS[0], {"from": "2026-11-01"}).json()["to"] == "2026-12-03"
    assert client.get(URLS[0], {"to": "2026-10-31"}).json()["from"] == "2026-08-03"


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-13-01"}, "to"),
        ({"from": "2026-11-30", "to": "2026-11-01"}, "from"),  # from after to
        ({"to": "2026-12-05"}, "to"),  # in the future (tomorrow is still allowed)
        ({"from": "2020-01-01", "to": "2026-12-01"}, "from"),  # more than 1,098 days
        ({"to": "0001-01-02"}, "to"),  # no 90 days before it
        ({"from": "0001-01-01"}, "from"),
        ({"from": "9999-12-31"}, "from"),
    ],
)
def test_a_bad_window_is_a_400_naming_the_field(client_for, staff, url, query, field):
    response = client_for(staff).get(url, query)

    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body["fields"]) == [field]
    assert response["Content-Type"].startswith("application/json")


@time_machine.travel(TODAY, tick=False)
def test_tomorrow_and_the_longest_window_are_accepted(client_for, staff):
    client = client_for(staff)

    assert client.get(URLS[0], {"to": "2026-12-04"}).status_code == 200
    assert client.get(URLS[0], {"from": "2023-12-02", "to": "2026-12-03"}).status_code == 200


def test_the_csv_holds_every_figure_once_per_group(client_for, staff):
    make_pool()

    response = client_for(staff).get(URLS[1], {"from": WINDOW[0], "to": WINDOW[1]})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="programme-health-2026-11-01-2026-11-30.csv"' in response["Content-Disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {(row["from"], row["to"]) for row in rows} == {WINDOW}
    values = {(row["target_role"], row["figure"]): row["value"] for row in rows}
    assert len(values) == len(rows)  # one row per figure and group
    assert {role for role, _ in values} == {"all", "data-analyst", "data-scientist", ""}
    figures = {figure for _, figure in values}
    assert all(
        sum(1 for role, name in values if name == figure) == 4 for figure in figures
    )  # every group has every figure
    assert values[("all", "funnel.signed_up.count")] == "4"
    assert values[("all", "funnel.requested.conversion")] == "0.6667"
    assert values[("all", "funnel.signed_up.conversion")] == ""  # null
    assert values[("all", "days_between_steps.accepted.active.median_days")] == "7.0"
    assert values[("all", "time_to_hire.p90_days_from_sign_up")] == "42.5"
    assert values[("data-scientist", "mentor_response.median_hours")] == "18.0"
    assert values[("all", "mentor_response.expiry_rate")] == "0.25"
    assert values[("data-analyst", "checkins.submission_rate")] == "0.0"
    assert values[("all", "stalled.open_now")] == "1"
    assert values[("", "funnel.signed_up.count")] == "1"
    assert values[("all", "ratings.by_mentees.average")] == "3.5"
    assert values[("all", "ratings.by_mentors.distribution.4")] == "1"


def test_the_csv_and_the_json_say_the_same(client_for, staff):
    make_pool()
    client = client_for(staff)
    query = {"from": WINDOW[0], "to": WINDOW[1]}

    body = client.get(URLS[0], query).json()
    rows = list(csv.DictReader(io.StringIO(client.get(URLS[1], query).content.decode())))

    values = {(row["target_role"], row["figure"]): row["value"] for row in rows}
    time_to_hire = body["by_target_role"][1]["time_to_hire"]
    for key, value in time_to_hire.items():
        assert values[("data-scientist", f"time_to_hire.{key}")] == str(value)


def test_a_report_costs_the_same_queries_for_a_bigger_pool(client_for, staff):
    client = client_for(staff)
    query = {"from": WINDOW[0], "to": WINDOW[1]}
    with CaptureQueriesContext(connection) as empty:
        assert client.get(URLS[0], query).status_code == 200
    make_pool()

    with CaptureQueriesContext(connection) as pool:
        assert client.get(URLS[0], query).status_code == 200

    # The token, the seven statements, the roles (and on PostgreSQL the savepoint and its two
    # settings): none per person.
    assert len(pool.captured_queries) == len(empty.captured_queries) <= 14


def test_reports_are_throttled_per_staff_user(client_for, staff, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "stats": "2/minute",
        },
    }
    client = client_for(staff)

    statuses = [client.get(url).status_code for url in [*URLS, URLS[0]]]

    assert statuses == [200, 200, 429]
    assert client_for(StaffFactory()).get(URLS[1]).status_code == 200
