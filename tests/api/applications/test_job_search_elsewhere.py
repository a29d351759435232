"""The job search beyond its own endpoints: a rejection schedules the follow-up the seeds call
for (the same reminder as a check-in's `rejection_from`), weekly check-ins show the week's
applications and interviews, the mentor's digest counts them, and leaving or exporting covers
them."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from mentorship.applications.models import JobApplication
from mentorship.notifications.models import Notification
from mentorship.progress.models import CheckIn, FollowUpReminder
from mentorship.progress.sweep import open_weekly_checkins
from tests.api.applications.helpers import apply, days_ago, url
from tests.api.progress.helpers import CHECKINS, TODAY
from tests.factories import DEFAULT_PASSWORD


def test_a_rejection_schedules_a_follow_up_sent_three_weeks_later(mentee_client, mentee):
    application = apply(mentee_client, company="Acme")

    mentee_client.patch(url(application["id"]), {"status": "rejected"}, format="json")

    [reminder] = FollowUpReminder.objects.filter(user=mentee)
    assert (reminder.kind, reminder.note) == (FollowUpReminder.Kind.REJECTION, "Acme")
    assert reminder.due_at == timezone.now() + timedelta(days=21)
    open_weekly_checkins(now=timezone.now() + timedelta(days=20))
    assert not Notification.objects.filter(key=f"follow-up:{reminder.pk}").exists()
    open_weekly_checkins(now=timezone.now() + timedelta(days=21, hours=1))
    sent = Notification.objects.get(key=f"follow-up:{reminder.pk}")
    assert sent.recipient_id == mentee.pk
    assert "A while ago Acme told you 'not yet'" in sent.body
    open_weekly_checkins(now=timezone.now() + timedelta(days=28))
    assert Notification.objects.filter(key__startswith="follow-up:").count() == 1


def test_an_application_logged_as_rejected_schedules_the_follow_up_too(mentee_client, mentee):
    apply(mentee_client, company="Initech", status="rejected", status_on=days_ago(2))

    assert list(FollowUpReminder.objects.filter(user=mentee).values_list("note", flat=True)) == [
        "Initech"
    ]


def test_a_withdrawal_schedules_no_follow_up(mentee_client, mentee):
    application = apply(mentee_client)

    mentee_client.patch(url(application["id"]), {"status": "withdrawn"}, format="json")

    assert not FollowUpReminder.objects.filter(user=mentee).exists()


def _week_of_applications(mentee_client) -> None:
    """Last week (Monday 26 February): two applications and an interview; one the week before,
    one this week."""
    apply(mentee_client, company="Before", applied_on=days_ago(13))
    first = apply(mentee_client, company="Acme", applied_on=days_ago(6))
    apply(mentee_client, company="Initech", applied_on=days_ago(4))
    mentee_client.post(
        url(first["id"], "interviews"), {"kind": "phone", "happened_on": days_ago(5)}
    )
    apply(mentee_client, company="Today", applied_on=TODAY)


def test_a_checkin_shows_the_weeks_applications_and_interviews(
    mentee_client, client_for, mentor, mentorship
):
    now = timezone.now()
    for week in (0, 1):
        CheckIn.objects.create(
            mentorship=mentorship,
            week_start=TODAY - timedelta(weeks=week),
            opened_at=now - timedelta(weeks=week),
        )
    _week_of_applications(mentee_client)

    for client in (mentee_client, client_for(mentor)):
        this_week, last_week = client.get(CHECKINS).json()["results"]
        assert [a["company"] for a in last_week["job_search"]["applications"]] == [
            "Acme",
            "Initech",
        ]
        assert [(i["company"], i["kind"]) for i in last_week["job_search"]["interviews"]] == [
            ("Acme", "phone")
        ]
        assert [a["company"] for a in this_week["job_search"]["applications"]] == ["Today"]
        assert this_week["job_search"]["interviews"] == []


def test_the_checkin_list_costs_the_same_queries_for_many_weeks(
    mentee_client, mentorship, django_assert_max_num_queries
):
    now = timezone.now()
    for week in range(12):
        CheckIn.objects.create(
            mentorship=mentorship,
            week_start=TODAY - timedelta(weeks=week),
            opened_at=now - timedelta(weeks=week),
        )
    _week_of_applications(mentee_client)

    # Token, user, count, page, the weeks' applications, their interviews.
    with django_assert_max_num_queries(6):
        body = mentee_client.get(CHECKINS).json()

    assert body["count"] == 12


def test_the_mentors_digest_counts_the_weeks_applications_and_interviews(
    mentee_client, mentor, mentorship
):
    _week_of_applications(mentee_client)

    open_weekly_checkins(now=timezone.now())

    digest = Notification.objects.get(recipient=mentor, key__startswith="digest:")
    assert "Ada: check-in none yet; milestones 0/0 done; this week 3 applications, 1 interview" in (
        digest.body
    )


def test_leaving_erases_the_applications(mentee_client, mentee):
    apply(mentee_client)

    response = mentee_client.delete("/api/v1/me", {"password": DEFAULT_PASSWORD}, format="json")

    assert response.status_code == 204
    assert not JobApplication.objects.filter(mentee=mentee).exists()


def test_the_export_holds_the_applications_with_their_history(
    mentee_client, client_for, mentor, mentorship
):
    application = apply(mentee_client, company="Acme")
    client_for(mentor).post(url(application["id"], "comments"), {"body": "Good luck"})

    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        exported = mentee_client.get("/api/v1/me/export").json()
        written = client_for(mentor).get("/api/v1/me/export").json()

    [row] = exported["job_applications"]
    assert row["company"] == "Acme"
    assert [event["kind"] for event in row["events"]] == ["status", "comment"]
    assert [c["notes"] for c in written["application_comments_written"]] == ["Good luck"]
