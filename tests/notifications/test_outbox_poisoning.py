"""One bad email never stops the others (issue 13, item 6).

Text that reaches an email header is refused with control characters at the API; a subject built
from older or staff-edited text is made one valid line; and an email that cannot be sent at all
is tried with back-off, given up after `NOTIFICATION_MAX_ATTEMPTS` with its error (re-sendable
in the admin), while the sweep goes on re-sending what is due.
"""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mentorship.notifications.models import Category, Notification
from mentorship.notifications.services import notification_queue, notifications_requeue_pending
from mentorship.progress.models import Project
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.factories import MenteeFactory
from tests.mentorships.builders import make_mentee, make_mentor
from tests.polling import wait_for

INJECTION = "B\r\nX-Injected: 1"
# Every control character class a header must not hold: CR/LF, tab, NUL, DEL, C1 (NEL), and
# the Unicode line and paragraph separators.
CONTROL_TEXTS = [
    INJECTION,
    "Tab\there",
    "Nul\x00l",
    "Del\x7f",
    "Nel\x85x",
    "Line\u2028x",
    "Para\u2029x",
]


def poisoned_row(recipient, key: str) -> Notification:
    """A row that can never be sent: its address holds a line break (written before the rules,
    or by hand), so building the email raises `BadHeaderError` every time."""
    return Notification.objects.create(
        key=key,
        recipient=recipient,
        category=Category.COMMENTS_AND_FEEDBACK,
        subject="A comment",
        body="...",
        to_address="someone@example.org\r\nBcc: everyone@example.org",
    )


def sweep_at(moment, django_capture_on_commit_callbacks) -> int:
    with (
        time_machine.travel(moment, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        return notifications_requeue_pending()


# --- text that reaches a header is refused at the API ------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", CONTROL_TEXTS)
def test_a_name_with_control_characters_is_refused_and_nothing_is_written(client_for, name):
    person = MenteeFactory(name="Ada")

    response = client_for(person).patch("/api/v1/me", {"name": name}, format="json")

    assert response.status_code == 400, response.json()
    assert list(response.json()["fields"]) == ["name"]
    person.refresh_from_db()
    assert person.name == "Ada"


@pytest.mark.django_db
def test_signing_up_with_a_name_that_injects_a_header_is_refused(api_client):
    response = api_client.post(
        "/api/v1/auth/register",
        {"email": "x@example.org", "password": "a-long-passphrase", "name": INJECTION},
        format="json",
    )

    assert response.status_code == 400
    assert "name" in response.json()["fields"]
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_a_name_in_any_script_with_inner_spaces_is_accepted(client_for):
    person = MenteeFactory()

    response = client_for(person).patch("/api/v1/me", {"name": "Zoë  李 O'Brien"}, format="json")

    assert response.status_code == 200
    assert response.json()["name"] == "Zoë  李 O'Brien"


@pytest.mark.django_db
def test_a_project_title_with_control_characters_is_refused_on_create_and_on_change(client_for):
    taxonomy_import(data=reference_taxonomy())
    from tests.matching import builders

    mentee = builders.make_mentee(role="data-scientist")
    client = client_for(mentee)
    body = {"title": INJECTION, "problem_statement": "Who churns", "dataset": "Reviews"}

    created = client.post("/api/v1/projects", body, format="json")
    assert created.status_code == 400
    assert list(created.json()["fields"]) == ["title"]
    assert not Project.objects.exists()

    project = client.post("/api/v1/projects", {**body, "title": "Churn"}, format="json")
    assert project.status_code == 201
    changed = client.patch(
        f"/api/v1/projects/{project.json()['id']}", {"title": "A\nB"}, format="json"
    )
    assert changed.status_code == 400
    assert list(changed.json()["fields"]) == ["title"]
    assert Project.objects.get().title == "Churn"


# --- subjects can never be invalid -------------------------------------------------------------


@pytest.mark.django_db
def test_a_name_from_before_the_rule_still_gives_a_deliverable_one_line_subject(
    client_for, mailoutbox, django_capture_on_commit_callbacks
):
    """The issue's attack, with the name already stored (before the rule, or set by staff)."""
    mentee = make_mentee(name=INJECTION)
    mentor = make_mentor()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(mentee).post(
            "/api/v1/mentorship-requests", {"mentor": mentor.pk}, format="json"
        )

    assert response.status_code == 201, response.json()
    (email,) = mailoutbox
    assert email.to == [mentor.email]
    assert email.subject == "B X-Injected: 1 asked you to be their mentor"
    assert "X-Injected" not in email.message()  # no header of that name
    assert Notification.objects.get(recipient=mentor).sent_at is not None


@pytest.mark.django_db
def test_a_stored_subject_too_long_or_with_line_breaks_is_sent_as_one_line(
    mentee, mailoutbox, django_capture_on_commit_callbacks
):
    """Rows written before the rule: the subject is made valid when the email is built."""
    legacy = Notification.objects.create(
        key="legacy", recipient=mentee, category=Category.SECURITY, subject="x", body="Hi"
    )
    Notification.objects.filter(pk=legacy.pk).update(subject="Hello\r\nBcc: a@b.test")
    with django_capture_on_commit_callbacks(execute=True):
        long_one = notification_queue(
            key="long",
            recipient=mentee,
            category=Category.SECURITY,
            subject="word " * 100,
            body="Hi",
        )
    sweep_at(timezone.now() + timedelta(minutes=6), django_capture_on_commit_callbacks)

    subjects = sorted(email.subject for email in mailoutbox)
    assert subjects[0] == "Hello Bcc: a@b.test"
    assert len(subjects[1]) == 200
    assert subjects[1].endswith("…")
    long_one.refresh_from_db()
    assert long_one.sent_at is not None


# --- a row that cannot be sent is retried, then given up; the others go on ---------------------


@pytest.mark.django_db
def test_a_poisoned_row_fails_is_backed_off_and_the_healthy_row_is_delivered(
    mentee, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFICATION_RETRY_SECONDS = 300
    poisoned = poisoned_row(mentee, "poisoned")
    healthy = notification_queue(  # its enqueue is lost (Redis down): only the sweep sends it
        key="welcome", recipient=mentee, category=Category.SECURITY, subject="Welcome", body="Hi"
    )

    start = timezone.now()
    assert sweep_at(start + timedelta(minutes=6), django_capture_on_commit_callbacks) == 2

    healthy.refresh_from_db()
    poisoned.refresh_from_db()
    assert healthy.sent_at is not None
    assert [email.subject for email in mailoutbox] == ["Welcome"]
    assert poisoned.sent_at is None
    assert poisoned.attempts == 1
    assert poisoned.last_error.startswith("BadHeaderError: ")
    # Backed off: not due at the next sweep, due after its delay (5 minutes, then 10, ...).
    assert poisoned.next_attempt_at == start + timedelta(minutes=11)
    assert sweep_at(start + timedelta(minutes=10), django_capture_on_commit_callbacks) == 0
    assert sweep_at(start + timedelta(minutes=11), django_capture_on_commit_callbacks) == 1
    poisoned.refresh_from_db()
    assert poisoned.attempts == 2
    assert poisoned.next_attempt_at == start + timedelta(minutes=21)


@pytest.mark.django_db
def test_after_max_attempts_the_row_is_failed_and_never_taken_again(
    mentee, client_for, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    poisoned = poisoned_row(mentee, "poisoned")
    moment = timezone.now()

    for _ in range(3):
        moment += timedelta(days=1)  # past any back-off
        assert sweep_at(moment, django_capture_on_commit_callbacks) == 1

    poisoned.refresh_from_db()
    assert poisoned.attempts == 3
    assert poisoned.failed_at is not None
    assert poisoned.next_attempt_at is None
    assert "BadHeaderError" in poisoned.last_error
    assert sweep_at(moment + timedelta(days=30), django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []
    # The person's export says so.
    (email,) = client_for(mentee).get("/api/v1/me/export").json()["emails"]
    assert (email["failed"], email["sent_at"]) == (True, None)


@pytest.mark.django_db
def test_a_thousand_poisoned_rows_do_not_stop_a_lost_welcome_email(
    mentee, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    """The issue's scenario, scaled down: the sweep takes 10 at a time and 40 older rows can
    never be sent. The welcome email, lost while Redis was down, goes out within a few sweeps."""
    monkeypatch.setattr("mentorship.notifications.services.REQUEUE_BATCH_SIZE", 10)
    for number in range(40):
        poisoned_row(mentee, f"comment:{number}")
    moment = timezone.now() + timedelta(seconds=1)
    with time_machine.travel(moment, tick=False):
        welcome = notification_queue(
            key="welcome", recipient=mentee, category=Category.SECURITY, subject="Hi", body="Hi"
        )

    sweeps = 0
    while Notification.objects.get(pk=welcome.pk).sent_at is None and sweeps < 10:
        moment += timedelta(minutes=5)  # beat runs the sweep every five minutes
        sweep_at(moment, django_capture_on_commit_callbacks)
        sweeps += 1

    assert [email.subject for email in mailoutbox] == ["Hi"]
    assert sweeps <= 5, sweeps
    assert not Notification.objects.filter(key__startswith="comment:", sent_at__isnull=False)


# --- staff see failed emails and re-send them ----------------------------------------------------


@pytest.mark.django_db
def test_staff_see_the_failed_email_with_its_error_and_re_send_it(
    client, staff, mentee, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    poisoned = poisoned_row(mentee, "poisoned")
    sweep_at(timezone.now() + timedelta(minutes=6), django_capture_on_commit_callbacks)
    client.force_login(staff)
    changelist = reverse("admin:notifications_notification_changelist")

    listed = client.get(changelist, {"status": "failed"})

    assert listed.status_code == 200
    assert "poisoned" in listed.text
    assert "BadHeaderError" in listed.text
    assert "poisoned" not in client.get(changelist, {"status": "sent"}).text

    # Staff correct the address (in the database: the outbox admin is read-only) and re-send.
    Notification.objects.filter(pk=poisoned.pk).update(to_address="someone@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(
            changelist, {"action": "resend", "_selected_action": [poisoned.pk]}, follow=True
        )

    assert resent.status_code == 200
    assert "Re-sending 1 failed email(s)." in resent.text
    poisoned.refresh_from_db()
    assert poisoned.sent_at is not None
    assert poisoned.failed_at is None
    assert [email.to for email in mailoutbox] == [["someone@example.org"]]


# --- the same with a real worker on PostgreSQL and Redis ------------------------------------------


@pytest.mark.services
def test_a_real_worker_delivers_the_healthy_row_beside_a_poisoned_one(
    transactional_db, database_url, tmp_path
):
    from tests.conftest import running_workers

    mentee = MenteeFactory()
    poisoned = poisoned_row(mentee, "poisoned")
    healthy = Notification.objects.create(  # queued while the broker was down: never enqueued
        key="welcome", recipient=mentee, category=Category.SECURITY, subject="Welcome", body="Hi"
    )
    mail = tmp_path / "mail"
    # A file backend builds every message, so the poisoned one really fails on the worker.
    with running_workers(1, database_url, tmp_path, env={"EMAIL_URL": f"filemail://{mail}"}):
        assert notifications_requeue_pending(due_by=timezone.now() + timedelta(minutes=6)) == 2

        def both_tried() -> bool:
            healthy.refresh_from_db()
            poisoned.refresh_from_db()
            return healthy.sent_at is not None and poisoned.attempts == 1

        assert wait_for(both_tried, timeout=30), (healthy.sent_at, poisoned.attempts)

    assert poisoned.sent_at is None
    assert poisoned.last_error.startswith("BadHeaderError: ")
    assert poisoned.next_attempt_at is not None
    assert poisoned.next_attempt_at > timezone.now()
    # The file backend opens a file before it builds a message: the poisoned one leaves it empty.
    written = [text for text in (path.read_text() for path in mail.iterdir()) if text]
    assert len(written) == 1
    assert "Subject: Welcome" in written[0]
