"""GET/PATCH /api/v1/me/notifications, the unsubscribe link and headers (RFC 8058) on every
email but security ones, POST /api/v1/unsubscribe?token=... without login, and the outbox skipping
what a person turned off."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings

from mentorship.notifications.models import Category, Notification
from mentorship.notifications.services import Draft, notification_queue, notifications_queue_bulk
from tests.api.accounts.links import emailed_token
from tests.factories import MenteeFactory

URL = "/api/v1/me/notifications"
UNSUBSCRIBE = "/api/v1/unsubscribe"
OPTIONAL = ["weekly_reminders", "digests", "request_updates", "comments_and_feedback", "follow_ups"]

pytestmark = pytest.mark.django_db


def _queue(user, category, key="k:1"):
    return notification_queue(
        key=key, recipient=user, category=category, subject="Subject", body="Body"
    )


def test_every_category_is_on_until_turned_off(client_for, mentee):
    client = client_for(mentee)

    assert client.get(URL).json() == {"security": True, **dict.fromkeys(OPTIONAL, True)}
    changed = client.patch(URL, {"digests": False, "follow_ups": False})

    assert changed.status_code == 200
    assert changed.json()["digests"] is False
    assert changed.json()["follow_ups"] is False
    assert client.get(URL).json()["weekly_reminders"] is True


def test_security_emails_cannot_be_turned_off(client_for, mentee):
    response = client_for(mentee).patch(URL, {"security": False})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["security"]


def test_an_unknown_category_is_a_400(client_for, mentee):
    response = client_for(mentee).patch(URL, {"marketing": False})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["marketing"]


def test_an_unsubscribed_category_is_not_sent(
    client_for, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    client_for(mentee).patch(URL, {"comments_and_feedback": False})

    with django_capture_on_commit_callbacks(execute=True):
        _queue(mentee, Category.COMMENTS_AND_FEEDBACK, key="comment:1")
        _queue(mentee, Category.SECURITY, key="reset:1")
        notifications_queue_bulk(
            drafts=[
                Draft(
                    key="digest:1",
                    recipient_id=mentee.pk,
                    category=Category.COMMENTS_AND_FEEDBACK,
                    subject="S",
                    body="B",
                )
            ]
        )

    assert [message.extra_headers.get("List-Unsubscribe") for message in mailoutbox] == [None]
    skipped = Notification.objects.get(key="comment:1")
    assert skipped.suppressed
    assert skipped.sent_at is not None
    assert Notification.objects.get(key="digest:1").suppressed


def test_other_emails_carry_the_link_and_the_one_click_headers(
    api_client, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _queue(mentee, Category.DIGESTS)

    (message,) = mailoutbox
    token = emailed_token(message.body, "unsubscribe")
    header = message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    target = urlsplit(re.fullmatch(r"<(.+)>", header).group(1))
    assert f"{target.scheme}://{target.netloc}" == django_settings.PUBLIC_API_URL
    assert target.path == UNSUBSCRIBE
    assert parse_qs(target.query)["token"] == [token]
    # The mail client's one-click POST: a form body, no login.
    response = api_client.post(
        f"{target.path}?{target.query}",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.json()["digests"] is False
    assert response.json()["weekly_reminders"] is True
    # Idempotent: the same link again is fine.
    assert api_client.post(f"{UNSUBSCRIBE}?token={token}").status_code == 200


def test_security_emails_carry_no_unsubscribe(
    mentee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _queue(mentee, Category.SECURITY)

    assert "List-Unsubscribe" not in mailoutbox[0].extra_headers
    assert "unsubscribe" not in mailoutbox[0].body


@pytest.mark.parametrize("token", ["", "garbage", "eyJ1IjoxLCJjIjoiZGlnZXN0cyJ9.forged"])
def test_a_missing_or_forged_token_is_a_400(api_client, token):
    response = api_client.post(f"{UNSUBSCRIBE}?token={token}")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["token"]


def test_a_token_turns_off_only_its_own_persons_category(
    api_client, client_for, mentee, mailoutbox, django_capture_on_commit_callbacks
):
    other = MenteeFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _queue(mentee, Category.FOLLOW_UPS)
    token = emailed_token(mailoutbox[0].body, "unsubscribe")

    api_client.post(f"{UNSUBSCRIBE}?token={token}")

    assert client_for(other).get(URL).json()["follow_ups"] is True
    assert client_for(mentee).get(URL).json()["follow_ups"] is False
