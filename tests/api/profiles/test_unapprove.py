"""POST /api/v1/admin/mentors/{id}/unapprove {reason}: the mentor's pending requests are declined
with the reason, mentees no longer see or are matched with them, and they are emailed."""

import pytest

from mentorship.matching.models import Match
from mentorship.mentorships.models import MentorshipRequest
from tests.security.world import load_taxonomy, new_mentee, new_mentor, run_matching

pytestmark = pytest.mark.django_db


def test_unapproving_declines_hides_and_tells(
    client_for, staff, mailoutbox, django_capture_on_commit_callbacks
):
    load_taxonomy()
    mentee, mentor = new_mentee("Hopeful Mentee"), new_mentor("Dubious Mentor")
    run_matching()
    assert Match.objects.filter(mentee=mentee, mentor=mentor).exists()
    pending = MentorshipRequest.objects.create(mentee=mentee, mentor=mentor, message="Hi")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(
            f"/api/v1/admin/mentors/{mentor.pk}/unapprove", {"reason": "Profile under review"}
        )

    assert response.status_code == 200
    assert response.json()["approved"] is False
    pending.refresh_from_db()
    assert pending.status == MentorshipRequest.Status.DECLINED
    assert pending.reason == "Profile under review"
    assert client_for(mentee).get(f"/api/v1/mentors/{mentor.pk}").status_code == 404
    assert not Match.objects.filter(mentor=mentor).exists(), "matching re-scored without them"
    to_mentor = [message for message in mailoutbox if message.to == [mentor.email]]
    assert "Profile under review" in to_mentor[0].body
    to_mentee = [message for message in mailoutbox if message.to == [mentee.email]]
    assert "Profile under review" in to_mentee[0].body


def test_only_staff_unapprove_and_a_reason_is_required(client_for, staff, mentee):
    load_taxonomy()
    mentor = new_mentor("Some Mentor")
    url = f"/api/v1/admin/mentors/{mentor.pk}/unapprove"

    assert client_for(mentee).post(url, {"reason": "x"}).status_code == 403
    missing = client_for(staff).post(url, {})
    assert missing.status_code == 400
    assert list(missing.json()["fields"]) == ["reason"]
    assert (
        client_for(staff)
        .post("/api/v1/admin/mentors/999999/unapprove", {"reason": "x"})
        .status_code
        == 404
    )
