"""A mentor's average rating by their mentees: for staff (the selector the stats reuse, the
admin's mentor list and page, the feedback admin), never for mentees."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mentorship.mentorships.feedback import feedback_give
from mentorship.mentorships.models import Mentorship, MentorshipFeedback
from mentorship.mentorships.selectors import RatingSummary, mentor_rating_summary
from tests.factories import StaffFactory
from tests.mentorships.builders import make_mentee, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db


def rated(mentor, mentee_rating: int, mentor_rating: int | None = None) -> Mentorship:
    mentorship = make_mentorship(mentee=make_mentee(), mentor=mentor)
    Mentorship.objects.filter(pk=mentorship.pk).update(
        started_at=timezone.now() - timedelta(days=20)
    )
    feedback_give(
        mentorship_id=mentorship.pk, by=mentorship.mentee, rating=mentee_rating, now=timezone.now()
    )
    if mentor_rating is not None:
        feedback_give(
            mentorship_id=mentorship.pk,
            by=mentor,
            rating=mentor_rating,
            text="The mentee's view of it is not mine",
            now=timezone.now(),
        )
    return mentorship


@pytest.fixture
def mentors():
    ada, bob, cy = make_mentor(name="Ada"), make_mentor(name="Bob"), make_mentor(name="Cy")
    rated(ada, 5, mentor_rating=1)
    rated(ada, 4)
    rated(ada, 4)
    rated(bob, 2)
    return {"ada": ada, "bob": bob, "cy": cy}


def test_the_summary_averages_the_mentees_ratings_only(mentors):
    ada, bob, cy = mentors["ada"], mentors["bob"], mentors["cy"]

    summary = mentor_rating_summary(mentor_ids=[ada.pk, bob.pk, cy.pk])

    assert summary == {
        ada.pk: RatingSummary(average=4.33, count=3),
        bob.pk: RatingSummary(average=2.0, count=1),
        cy.pk: RatingSummary(average=None, count=0),
    }


def test_without_ids_the_summary_has_every_rated_mentor(mentors):
    assert set(mentor_rating_summary()) == {mentors["ada"].pk, mentors["bob"].pk}


def test_the_summary_counts_both_stages(mentors):
    bob = mentors["bob"]
    mentorship = Mentorship.objects.get(mentor=bob)
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=Mentorship.Status.ENDED, ended_at=timezone.now()
    )
    feedback_give(mentorship_id=mentorship.pk, by=mentorship.mentee, rating=4, now=timezone.now())

    assert mentor_rating_summary(mentor_ids=[bob.pk])[bob.pk] == RatingSummary(3.0, 2)


def test_the_summary_is_one_query(mentors, django_assert_num_queries):
    with django_assert_num_queries(1):
        mentor_rating_summary(mentor_ids=[mentor.pk for mentor in mentors.values()])


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(StaffFactory())
    return client


def test_the_admin_lists_each_mentors_average_and_count(admin_client, mentors):
    response = admin_client.get("/admin/profiles/mentorprofile/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Average rating" in page
    assert "Ratings" in page
    assert "4.33" in page
    assert "2.00" in page


def test_the_admin_page_of_a_mentor_shows_the_average(admin_client, mentors):
    profile = mentors["ada"].mentor_profile

    response = admin_client.get(f"/admin/profiles/mentorprofile/{profile.pk}/change/")

    assert response.status_code == 200
    assert "4.33" in response.content.decode()


def test_staff_read_every_rating_in_the_feedback_admin(admin_client, mentors):
    listing = admin_client.get("/admin/mentorships/mentorshipfeedback/?role__exact=mentor")
    assert listing.status_code == 200
    [mentor_feedback] = MentorshipFeedback.objects.filter(role="mentor")
    page = admin_client.get(f"/admin/mentorships/mentorshipfeedback/{mentor_feedback.pk}/change/")
    assert page.status_code == 200
    assert "The mentee&#x27;s view of it is not mine" in page.content.decode()
    assert admin_client.get("/admin/mentorships/mentorshipfeedback/add/").status_code == 403


def test_a_mentee_never_sees_a_rating(client_for, mentors):
    mentee = make_mentee()
    client = client_for(mentee)

    public = client.get(f"/api/v1/mentors/{mentors['ada'].pk}")

    assert public.status_code == 200
    assert "rating" not in public.content.decode()
