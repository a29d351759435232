"""GET /api/v1/matches says why a list is empty or short: a coded reason for each case."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.profiles.models import MenteeProfile, MentorProfile
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.factories import MenteeFactory, MentorFactory
from tests.matching.builders import make_mentee, make_mentor

URL = "/api/v1/matches"
SKILLS = {"apache-spark": 4, "kafka": 4, "sql": 4, "python": 4}


@pytest.fixture(autouse=True)
def taxonomy(db):
    taxonomy_import(data=reference_taxonomy())


def run_all() -> None:
    call_command("run_matching", verbosity=0)


def reasons(client) -> list[str]:
    body = client.get(URL).json()
    return [entry["code"] for entry in body.get("reasons", [])]


def test_a_mentee_without_a_profile_is_told_to_create_one(client_for):
    body = client_for(MenteeFactory()).get(URL).json()

    assert body["count"] == 0
    assert body["reasons"] == [
        {"code": "no_profile", "message": "Create your profile first: matching starts from it."}
    ]


def test_a_mentor_waiting_for_approval_is_told_so(client_for):
    mentor = make_mentor(roles=("data-engineer",), skills=SKILLS, approved=False)

    assert reasons(client_for(mentor)) == ["awaiting_approval"]


def test_before_any_mentor_is_approved_the_mentee_is_told_so(client_for):
    mentee = make_mentee(role="data-engineer")
    make_mentor(roles=("data-engineer",), skills=SKILLS, approved=False)
    run_all()

    assert reasons(client_for(mentee)) == ["no_approved_mentors"]


def test_a_mentee_who_shares_no_language_is_told_which_languages_would_help(client_for):
    mentee = make_mentee(role="data-engineer", languages=("es",))
    make_mentor(roles=("data-engineer",), skills=SKILLS, languages=("en", "fr"))
    run_all()

    [entry] = client_for(mentee).get(URL).json()["reasons"]

    assert entry["code"] == "no_shared_language"
    assert set(entry["languages"]) == {"en", "fr"}
    assert "en" in entry["message"]


def test_when_every_mentor_is_full_the_mentee_is_told_so(client_for):
    mentee = make_mentee(role="data-engineer")
    mentor = make_mentor(roles=("data-engineer",), skills=SKILLS, capacity=1)
    Mentorship.objects.create(mentee=MenteeFactory(), mentor=mentor)
    run_all()

    assert reasons(client_for(mentee)) == ["no_free_capacity"]


def test_mentors_who_declined_or_ended_are_all_there_was(client_for):
    mentee = make_mentee(role="data-engineer")
    declined = make_mentor(roles=("data-engineer",), skills=SKILLS)
    ended = make_mentor(roles=("data-engineer",), skills=SKILLS)
    MentorshipRequest.objects.create(mentee=mentee, mentor=declined, status="declined")
    Mentorship.objects.create(mentee=mentee, mentor=ended, status="ended", ended_at=timezone.now())
    run_all()

    assert reasons(client_for(mentee)) == ["all_excluded"]


def test_mentors_under_the_floor_make_a_short_list(client_for):
    mentee = make_mentee(role="data-engineer", skills={"python": 3})
    make_mentor(roles=("data-engineer",), skills=SKILLS)
    make_mentor(roles=("machine-learning-researcher",), skills={"pytorch": 5})
    run_all()

    body = client_for(mentee).get(URL).json()

    assert body["count"] == 1
    assert [entry["code"] for entry in body["reasons"]] == ["below_min_score"]


def test_a_change_not_scored_yet_is_pending(client_for):
    mentee = make_mentee(role="data-engineer", skills={"python": 3})
    make_mentor(roles=("data-engineer",), skills=SKILLS)
    run_all()
    # The profile changed after the run, and no refresh has scored it yet.
    MenteeProfile.objects.filter(user=mentee).update(
        updated_at=timezone.now() + timedelta(seconds=1)
    )

    assert "pending_refresh" in reasons(client_for(mentee))


def test_a_full_list_carries_no_reasons(client_for, settings):
    settings.MATCHING_TOP_K = 2
    mentee = make_mentee(role="data-engineer", skills={"python": 3})
    for _ in range(3):
        make_mentor(roles=("data-engineer",), skills=SKILLS)
    run_all()

    body = client_for(mentee).get(URL).json()

    assert body["count"] == 2
    assert "reasons" not in body


def test_a_mentor_who_stopped_accepting_is_told_so(client_for):
    mentor = make_mentor(roles=("data-engineer",), skills=SKILLS, accepting=False)
    MentorProfile.objects.filter(user=mentor).update(matched_at=timezone.now())

    assert reasons(client_for(mentor)) == ["not_accepting"]


def test_an_approved_mentor_in_nobodys_list_is_told_so(client_for):
    mentor = make_mentor(roles=("data-engineer",), skills=SKILLS)
    run_all()

    assert reasons(client_for(mentor)) == ["no_mentees_matched"]


def test_staff_get_no_reasons(client_for, staff):
    assert "reasons" not in client_for(staff).get(URL).json()


def test_an_unprofiled_mentor_is_told_to_create_a_profile(client_for):
    assert reasons(client_for(MentorFactory())) == ["no_profile"]
