"""Edges of access around the matrix: tokens that must no longer work, and untrusted text.

- A bearer token stops working when it is revoked (logout, logout everywhere), when it expires,
  and when its user is deactivated: 401, in the error shape.
- Text a user types is data, never markup or code: a project title with characters that mean
  something to the chart renderer (matplotlib's mathtext `$...$`) must still give the owner and
  their mentor a chart, not a 500.
"""

from datetime import timedelta

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.security.world import API, load_taxonomy, new_mentee, new_project


def _bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def _assert_401(response) -> None:
    assert response.status_code == 401, response.content
    assert set(response.json()) == {"detail", "code", "fields"}


def test_a_logged_out_token_is_refused(db, mentee) -> None:
    _, token = AuthToken.objects.create(user=mentee)
    client = _bearer(token)
    assert client.post(f"{API}/auth/logout").status_code == 204

    _assert_401(client.get(f"{API}/me"))


def test_logout_everywhere_revokes_every_token(db, mentee) -> None:
    _, first = AuthToken.objects.create(user=mentee)
    _, second = AuthToken.objects.create(user=mentee)
    assert _bearer(first).post(f"{API}/auth/logout-all").status_code == 204

    _assert_401(_bearer(first).get(f"{API}/me"))
    _assert_401(_bearer(second).get(f"{API}/me"))


def test_logout_revokes_only_that_token(db, mentee, mentor) -> None:
    _, mine = AuthToken.objects.create(user=mentee)
    _, other_session = AuthToken.objects.create(user=mentee)
    _, someone_else = AuthToken.objects.create(user=mentor)
    assert _bearer(mine).post(f"{API}/auth/logout").status_code == 204

    assert _bearer(other_session).get(f"{API}/me").status_code == 200
    assert _bearer(someone_else).get(f"{API}/me").status_code == 200


def test_an_expired_token_is_refused(db, mentee) -> None:
    _, token = AuthToken.objects.create(user=mentee, expiry=timedelta(seconds=-1))

    _assert_401(_bearer(token).get(f"{API}/me"))


def test_a_deactivated_users_token_is_refused(db, mentee) -> None:
    _, token = AuthToken.objects.create(user=mentee)
    mentee.is_active = False
    mentee.save(update_fields=["is_active"])

    _assert_401(_bearer(token).get(f"{API}/me"))


@pytest.mark.parametrize("token", ["", "not-a-token", "0" * 64, "Bearer"])
def test_a_malformed_token_is_refused(db, token: str) -> None:
    _assert_401(_bearer(token).get(f"{API}/me"))


# Titles are plain text in the chart (no mathtext), so dollars never break it.
@pytest.mark.parametrize(
    "title",
    [
        "Earn $5 or $10 a day",
        "Fit a $x^$ curve",
        r"Decay with $\undefinedcmd$",
    ],
)
def test_a_title_with_dollar_signs_still_gets_a_chart(db, client_for, title: str) -> None:
    load_taxonomy()
    mentee = new_mentee("Dollar")
    project = new_project(mentee, title=title)
    client = client_for(mentee)
    client.raise_request_exception = False

    response = client.get(f"{API}/projects/{project.pk}/progress.svg")

    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "image/svg+xml"
