"""Staff and a paused mentor in the admin: the pause is lifted by an audited action, and the
mentor's page shows their response record."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from mentorship.mentorships.models import MentorshipRequest
from mentorship.mentorships.services import request_create
from mentorship.profiles.models import MentorProfile
from tests.factories import StaffFactory
from tests.mentorships.builders import make_request
from tests.mentorships.responsiveness import emails

CHANGELIST = "/admin/profiles/mentorprofile/"

pytestmark = pytest.mark.django_db


def test_staff_lift_a_pause_in_the_admin_and_the_entry_names_them(
    client, make_mentor, make_mentee, mailoutbox, django_capture_on_commit_callbacks
):
    staff = StaffFactory()
    paused, other = make_mentor(name="Paused"), make_mentor(name="Other")
    MentorProfile.objects.filter(user=paused).update(paused_at=timezone.now())
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST, {"action": "lift_pause", "_selected_action": [paused.pk, other.pk]}
        )

    assert response.status_code == 302
    assert MentorProfile.objects.get(user=paused).paused_at is None
    assert len(emails(mailoutbox, to=paused, subject="Your pause is lifted")) == 1
    assert emails(mailoutbox, to=other) == []
    (entry,) = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(MentorProfile), object_pk=str(paused.pk)
    )
    assert entry.actor == staff
    assert entry.changes["paused_at"][1] is None
    # Back in matching: a mentee may ask them again.
    request = request_create(mentee=make_mentee(), mentor_id=paused.pk, message="")
    assert request.status == MentorshipRequest.Status.PENDING


def test_the_mentor_page_in_the_admin_shows_the_response_record(client, make_mentor, make_mentee):
    mentor = make_mentor()
    make_request(mentee=make_mentee(), mentor=mentor, status=MentorshipRequest.Status.ACCEPTED)
    make_request(mentee=make_mentee(), mentor=mentor, status=MentorshipRequest.Status.EXPIRED)
    client.force_login(StaffFactory())

    page = client.get(f"{CHANGELIST}{mentor.pk}/change/")

    assert page.status_code == 200
    assert "1 answered (1 accepted, 0 declined), 1 expired" in page.content.decode()
    assert "expiry rate 50%" in page.content.decode()
