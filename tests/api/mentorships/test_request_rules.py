"""Rules added after review: no second try after an ended mentorship, approval to accept, and a
status filter that names a real status."""

import pytest

from mentorship.mentorships.models import Mentorship
from mentorship.profiles.models import MentorProfile
from tests.mentorships.builders import make_mentorship, make_request

REQUESTS = "/api/v1/mentorship-requests"


@pytest.mark.django_db
def test_a_mentee_cannot_request_a_mentor_whose_mentorship_with_them_ended(
    mentee_client, mentee, mentor
):
    make_mentorship(mentee=mentee, mentor=mentor, status=Mentorship.Status.ENDED)

    response = mentee_client.post(REQUESTS, {"mentor": mentor.pk, "message": "Again?"})

    assert response.status_code == 409
    assert response.json()["code"] == "ended_before"


@pytest.mark.django_db
def test_a_mentor_whose_approval_was_withdrawn_cannot_accept(mentor_client, mentee, mentor):
    request = make_request(mentee=mentee, mentor=mentor)
    MentorProfile.objects.filter(user=mentor).update(approved=False)

    response = mentor_client.post(f"{REQUESTS}/{request.pk}/accept")

    assert response.status_code == 409
    assert response.json()["code"] == "not_approved"
    assert not Mentorship.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", [REQUESTS, "/api/v1/mentorships"])
def test_an_unknown_status_filter_is_a_400_naming_it(mentee_client, url):
    response = mentee_client.get(url, {"status": "lost"})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["status"]
