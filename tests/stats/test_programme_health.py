"""`GET /api/v1/admin/stats`: every figure of a small pool worked out by hand (`pool.py`)."""

import pytest

from tests.stats.pool import WINDOW, make_pool

pytestmark = pytest.mark.django_db

URL = "/api/v1/admin/stats"


STEPS = ("signed_up", "profile_complete", "matched", "requested", "accepted", "active", "hired")


def _funnel(*counts, conversions, shares):
    return [
        {"step": step, "count": count, "conversion": conversion, "share_of_signed_up": share}
        for step, count, conversion, share in zip(STEPS, counts, conversions, shares, strict=True)
    ]


def _between(*pairs):
    return [
        {"from_step": STEPS[i], "to_step": STEPS[i + 1], "count": count, "median_days": days}
        for i, (count, days) in enumerate(pairs)
    ]


def _side(count, average, **distribution):
    return {
        "count": count,
        "average": average,
        "distribution": {str(r): distribution.get(f"r{r}", 0) for r in range(1, 6)},
    }


NOTHING_BETWEEN = _between(*[(0, None)] * 6)

OVERALL = {
    # Cohort A, B, C, D: D has no profile, C never requested, B was never accepted.
    "funnel": _funnel(
        4,
        3,
        3,
        2,
        1,
        1,
        1,
        conversions=[None, 0.75, 1.0, 0.6667, 0.5, 1.0, 1.0],
        shares=[1.0, 0.75, 0.75, 0.5, 0.25, 0.25, 0.25],
    ),
    # sign-up -> profile: A 0.5, B 1, C 2; profile -> matched: A 0.5, B 2 (its request), C 1;
    # matched -> requested: A 1, B 0; then A alone: 1, 7 (first check-in), 10 (hired).
    "days_between_steps": _between((3, 1.0), (3, 1.0), (2, 0.5), (1, 1.0), (1, 7.0), (1, 10.0)),
    # Hired in November: A (20 days after sign-up, 17 after the start) and E (45 and 43).
    "time_to_hire": {
        "hired": 2,
        "median_days_from_sign_up": 32.5,
        "p90_days_from_sign_up": 42.5,
        "hired_after_a_mentorship": 2,
        "median_days_from_first_mentorship": 30.0,
        "p90_days_from_first_mentorship": 40.4,
    },
    # Answered in November: F 6 h, A 12 h, B 24 h (F's "away" decline is not the mentor's, nor
    # F's cancelled or pending ones; E's answer was in October); B's second request expired on
    # 15 November.
    "mentor_response": {
        "answered": 3,
        "median_hours": 12.0,
        "p90_hours": 21.6,
        "expired": 1,
        "expiry_rate": 0.25,
    },
    # Weeks starting in November: A submitted + missed, E submitted + missed, F missed + open.
    "checkins": {"submitted": 2, "missed": 3, "open": 1, "submission_rate": 0.4},
    # E flagged on 10 November (cleared since); F flagged in October and still open.
    "stalled": {"flagged": 1, "open_now": 1},
    # In November: mentees A 5 and F 2, A's mentor 4 (E's 1 was in October).
    "ratings": {"by_mentees": _side(2, 3.5, r5=1, r2=1), "by_mentors": _side(1, 4.0, r4=1)},
}

ANALYST = {
    "target_role": "data-analyst",
    "name": "Data analyst",
    "funnel": _funnel(
        1,
        1,
        1,
        0,
        0,
        0,
        0,
        conversions=[None, 1.0, 1.0, 0.0, None, None, None],
        shares=[1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0],
    ),
    "days_between_steps": _between((1, 2.0), (1, 1.0), *[(0, None)] * 4),
    "time_to_hire": {
        "hired": 0,
        "median_days_from_sign_up": None,
        "p90_days_from_sign_up": None,
        "hired_after_a_mentorship": 0,
        "median_days_from_first_mentorship": None,
        "p90_days_from_first_mentorship": None,
    },
    "mentor_response": {
        "answered": 1,
        "median_hours": 6.0,
        "p90_hours": 6.0,
        "expired": 0,
        "expiry_rate": 0.0,
    },
    "checkins": {"submitted": 0, "missed": 1, "open": 1, "submission_rate": 0.0},
    "stalled": {"flagged": 0, "open_now": 1},
    "ratings": {"by_mentees": _side(1, 2.0, r2=1), "by_mentors": _side(0, None)},
}

SCIENTIST = {
    "target_role": "data-scientist",
    "name": "Data scientist",
    "funnel": _funnel(
        2,
        2,
        2,
        2,
        1,
        1,
        1,
        conversions=[None, 1.0, 1.0, 1.0, 0.5, 1.0, 1.0],
        shares=[1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5],
    ),
    "days_between_steps": _between((2, 0.75), (2, 1.25), (2, 0.5), (1, 1.0), (1, 7.0), (1, 10.0)),
    "time_to_hire": OVERALL["time_to_hire"],
    "mentor_response": {
        "answered": 2,
        "median_hours": 18.0,
        "p90_hours": 22.8,
        "expired": 1,
        "expiry_rate": 0.3333,
    },
    "checkins": {"submitted": 2, "missed": 2, "open": 0, "submission_rate": 0.5},
    "stalled": {"flagged": 1, "open_now": 0},
    "ratings": {"by_mentees": _side(1, 5.0, r5=1), "by_mentors": _side(1, 4.0, r4=1)},
}

NO_PROFILE = {
    "target_role": None,
    "name": "No mentee profile",
    "funnel": _funnel(
        1,
        0,
        0,
        0,
        0,
        0,
        0,
        conversions=[None, 0.0, None, None, None, None, None],
        shares=[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ),
    "days_between_steps": NOTHING_BETWEEN,
    "time_to_hire": ANALYST["time_to_hire"],
    "mentor_response": {
        "answered": 0,
        "median_hours": None,
        "p90_hours": None,
        "expired": 0,
        "expiry_rate": None,
    },
    "checkins": {"submitted": 0, "missed": 0, "open": 0, "submission_rate": None},
    "stalled": {"flagged": 0, "open_now": 0},
    "ratings": {"by_mentees": _side(0, None), "by_mentors": _side(0, None)},
}


def test_every_figure_of_a_hand_computed_pool(client_for, staff):
    make_pool()

    response = client_for(staff).get(URL, {"from": WINDOW[0], "to": WINDOW[1]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["from"], body["to"]) == WINDOW
    assert body["overall"] == OVERALL
    assert body["by_target_role"] == [ANALYST, SCIENTIST, NO_PROFILE]


def test_the_same_pool_seen_through_october_only(client_for, staff):
    make_pool()

    body = client_for(staff).get(URL, {"from": "2026-10-01", "to": "2026-10-31"}).json()

    overall = body["overall"]
    assert [step["count"] for step in overall["funnel"]] == [1, 1, 1, 1, 1, 1, 1]  # E
    assert overall["time_to_hire"]["hired"] == 0  # E was hired in November
    assert overall["mentor_response"] == {
        "answered": 1,  # E's request, answered in 6 h
        "median_hours": 6.0,
        "p90_hours": 6.0,
        "expired": 0,
        "expiry_rate": 0.0,
    }
    assert overall["checkins"]["submitted"] == 1  # E's week of 26 October
    assert overall["stalled"] == {"flagged": 1, "open_now": 1}  # F's flag of 20 October
    assert overall["ratings"]["by_mentees"]["count"] == 1
    assert [group["target_role"] for group in body["by_target_role"]] == [
        "data-analyst",
        "data-scientist",
    ]  # nobody without a profile in October


def test_an_empty_programme_has_zeros_and_no_medians(client_for, staff):
    body = client_for(staff).get(URL).json()

    assert [step["count"] for step in body["overall"]["funnel"]] == [0] * 7
    assert body["overall"]["time_to_hire"]["median_days_from_sign_up"] is None
    assert body["overall"]["mentor_response"]["expiry_rate"] is None
    assert body["by_target_role"] == []
