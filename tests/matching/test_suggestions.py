"""Suggestions on the database: every seat that can be filled is filled, a suggestion from
outside the top k is listed, a lost suggestion is replaced after commit, and staff may choose
maximum placements."""

import numpy as np
import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from mentorship.matching.features import MenteeBatch, mentee_batch_load
from mentorship.matching.models import Match, MatchRun
from mentorship.matching.snapshot import snapshot_for
from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.mentorships.services import request_accept, request_create, request_decline
from mentorship.profiles.models import MentorProfile
from mentorship.profiles.services import mentor_profile_save
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.matching.builders import make_mentee, make_mentor

SKILLS = {"apache-spark": 4, "kafka": 4, "sql": 4, "python": 4}


@pytest.fixture(autouse=True)
def taxonomy(db):
    taxonomy_import(data=reference_taxonomy())


def run_all(mode: str | None = None) -> MatchRun:
    call_command("run_matching", verbosity=0, **({"mode": mode} if mode else {}))
    return MatchRun.objects.latest("id")


def suggested(mentee) -> int | None:
    return (
        Match.objects.filter(mentee=mentee, suggested=True)
        .values_list("mentor_id", flat=True)
        .first()
    )


def test_a_mentee_whose_top_k_is_full_gets_a_free_mentor_from_further_down(settings):
    settings.MATCHING_TOP_K = 1
    first, second = (make_mentee(role="data-engineer", skills={"python": 2}) for _ in range(2))
    best = make_mentor(roles=("data-engineer",), skills=SKILLS, capacity=1)
    other = make_mentor(roles=("data-engineer",), skills={"sql": 4, "python": 4}, capacity=3)

    run = run_all()

    # Both lists hold only the best mentor (k = 1), who has one seat: the other mentee is
    # suggested the mentor with free seats, listed after the top k, seen by that mentor too.
    assert run.suggestions == 2
    assert run.fill_rounds == 1
    assert {suggested(first), suggested(second)} == {best.pk, other.pk}
    placed_further = first if suggested(first) == other.pk else second
    extra = Match.objects.get(mentee=placed_further, mentor=other)
    assert extra.suggested
    assert extra.rank == 2
    assert extra.explanation_codes[0]["code"] == "worked_in_role"
    assert Match.objects.filter(mentor=other, suggested=True).count() == 1


def test_fewer_seats_than_mentees_fills_every_seat_and_no_more():
    mentees = [make_mentee(role="data-engineer", skills={"python": level}) for level in (1, 2, 3)]
    mentors = [
        make_mentor(roles=("data-engineer",), skills=SKILLS, capacity=1),
        make_mentor(roles=("data-engineer",), skills={"sql": 4, "kafka": 4}, capacity=1),
    ]

    run = run_all()

    assert run.suggestions == 2
    for mentor in mentors:
        assert Match.objects.filter(mentor=mentor, suggested=True).count() == 1
    assert sum(suggested(mentee) is not None for mentee in mentees) == 2


def test_identical_mentors_and_mentees_are_all_placed_and_all_listed(settings):
    settings.MATCHING_TOP_K = 2
    mentees = [make_mentee(role="data-engineer", skills={"python": 2}) for _ in range(6)]
    mentors = [make_mentor(roles=("data-engineer",), skills=SKILLS, capacity=1) for _ in range(6)]

    run = run_all()

    assert run.suggestions == 6
    assert {suggested(mentee) for mentee in mentees} == {mentor.pk for mentor in mentors}
    listed = set(Match.objects.filter(rank__lte=2).values_list("mentor_id", flat=True))
    assert len(listed) >= 4  # ranked by id, the same two mentors filled all six lists


def _language_pinch():
    """Two mentees, two one-seat mentors: the Spanish speaker can only have the first mentor,
    whom the other mentee prefers and who prefers the other mentee."""
    english = make_mentee(
        role="data-engineer", skills={"python": 2}, languages=("en",), background="physics"
    )
    spanish = make_mentee(role="data-engineer", skills={"python": 2}, languages=("es",))
    bilingual = make_mentor(
        roles=("data-engineer",),
        skills=SKILLS,
        capacity=1,
        languages=("en", "es"),
        background="physics",
    )
    anglophone = make_mentor(roles=("data-engineer",), skills={"sql": 4}, capacity=1)
    return english, spanish, bilingual, anglophone


def test_stable_mode_keeps_the_pair_that_both_prefer_and_max_placements_places_both():
    english, spanish, bilingual, anglophone = _language_pinch()

    stable = run_all()
    assert stable.mode == "stable"
    assert (suggested(english), suggested(spanish)) == (bilingual.pk, None)

    most = run_all(mode="max_placements")
    assert most.mode == "max_placements"
    assert most.suggestions == 2
    assert (suggested(english), suggested(spanish)) == (anglophone.pk, bilingual.pk)


def test_a_run_records_how_concentrated_lists_and_suggestions_are():
    for _ in range(4):
        make_mentee(role="data-engineer", skills={"python": 2})
    for capacity in (1, 1, 2, 3):
        make_mentor(roles=("data-engineer",), skills=SKILLS, capacity=capacity)

    run = run_all()

    assert 0 < run.top_mentors_suggestion_share <= 1
    assert 0 < run.top_mentors_suggestion_seat_share <= 1
    assert 0 < run.top_mentors_list_share <= 1
    assert run.top_mentors_list_seat_share is not None


# --- a lost suggestion is replaced after commit ----------------------------------------------


@pytest.fixture
def pinned(db):
    """One mentee suggested the better of two mentors (one seat each)."""
    looking = make_mentee(role="data-engineer", skills={"python": 2})
    best = make_mentor(roles=("data-engineer",), skills=SKILLS, capacity=1)
    backup = make_mentor(roles=("data-engineer",), skills={"sql": 4, "python": 4}, capacity=1)
    run_all()
    assert suggested(looking) == best.pk
    return looking, best, backup


def test_the_suggested_mentor_filling_up_hands_the_mentee_the_next_free_one(
    pinned, django_capture_on_commit_callbacks
):
    looking, best, backup = pinned
    other = make_mentee(role="data-analyst")
    MentorshipRequest.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        request = request_create(mentee=other, mentor_id=best.pk, message="hi")
    with django_capture_on_commit_callbacks(execute=True):
        request_accept(request_id=request.pk, by=best)

    assert suggested(looking) == backup.pk


def test_the_suggested_mentor_stopping_hands_the_mentee_the_next_free_one(
    pinned, django_capture_on_commit_callbacks
):
    looking, best, backup = pinned
    profile = MentorProfile.objects.get(user=best)

    with django_capture_on_commit_callbacks(execute=True):
        mentor_profile_save(user=best, data={"accepting": False}, partial=True)

    profile.refresh_from_db()
    assert not profile.accepting
    assert suggested(looking) == backup.pk
    assert not Match.objects.filter(mentor=best).exists()


def test_a_declined_request_hands_the_mentee_the_next_free_mentor(
    pinned, django_capture_on_commit_callbacks
):
    looking, best, backup = pinned
    with django_capture_on_commit_callbacks(execute=True):
        request = request_create(mentee=looking, mentor_id=best.pk, message="hi")
    with django_capture_on_commit_callbacks(execute=True):
        request_decline(request_id=request.pk, by=best, code="no_capacity", reason="Full this term")

    assert suggested(looking) == backup.pk


def test_the_mentee_starting_a_mentorship_frees_their_suggestion_for_someone_else(
    pinned, django_capture_on_commit_callbacks
):
    looking, best, backup = pinned
    second = make_mentee(role="data-engineer", skills={"python": 2})
    run_all()
    assert {suggested(looking), suggested(second)} == {best.pk, backup.pk}
    holder = looking if suggested(looking) == backup.pk else second
    with django_capture_on_commit_callbacks(execute=True):
        request = request_create(mentee=holder, mentor_id=backup.pk, message="hi")
    with django_capture_on_commit_callbacks(execute=True):
        request_accept(request_id=request.pk, by=backup)

    assert suggested(holder) is None
    assert Match.objects.filter(mentor=backup, suggested=True).count() == 0


def test_batches_joined_for_a_fill_round_are_the_batches_loaded_as_one():
    """The fill rounds score the waiting mentees of several loaded batches in one engine call."""
    mentors = [make_mentor(roles=("data-engineer",), skills=SKILLS) for _ in range(3)]
    mentees = [
        make_mentee(role="data-engineer", skills={"python": 1 + index % 3}) for index in range(6)
    ]
    for mentee, mentor in ((mentees[1], mentors[0]), (mentees[4], mentors[2])):
        Mentorship.objects.create(
            mentee=mentee, mentor=mentor, status=Mentorship.Status.ENDED, ended_at=timezone.now()
        )
    snapshot = snapshot_for(None)

    def load(people) -> MenteeBatch:
        ids = [person.pk for person in people]
        return mentee_batch_load(snapshot.taxonomy, snapshot.pool, profiles=Q(user_id__in=ids))

    joined = MenteeBatch.join([load(mentees[:3]), load(mentees[3:])]).take(np.array([5, 0, 4, 1]))
    whole = load(mentees).take(np.array([5, 0, 4, 1]))

    assert joined.arrays.ids.tolist() == whole.arrays.ids.tolist()
    for name in ("target_role", "background", "utc_offset", "allow_no_overlap"):
        assert getattr(joined.arrays, name).tolist() == getattr(whole.arrays, name).tolist()
    for name in ("languages", "gap_weight", "gap_level"):
        assert (getattr(joined.arrays, name) != getattr(whole.arrays, name)).nnz == 0
    assert sorted(map(tuple, joined.exclusions.tolist())) == sorted(
        map(tuple, whole.exclusions.tolist())
    )
    assert len(joined.exclusions) == 2


def test_suggestions_from_further_down_carry_their_own_pairs_score_components_and_codes(
    settings,
):
    """Several mentees placed by the fill rounds in one batch: each row beyond the top k holds
    what the same pair holds when it is listed (a run with a longer list)."""
    settings.MATCHING_TOP_K = 1
    make_mentor(roles=("data-engineer",), skills=SKILLS, capacity=1)
    for skills in ({"sql": 4}, {"python": 5, "sql": 2}, {"kafka": 3}, {"apache-spark": 2}):
        make_mentor(roles=("data-engineer",), skills=skills, capacity=1)
    for skills in ({"python": 1}, {"python": 3}, {"sql": 1}, {"kafka": 2}, {"sql": 3, "kafka": 1}):
        make_mentee(role="data-engineer", skills=skills)

    run_all()
    beyond = {
        (row.mentee_id, row.mentor_id): (row.score, row.components, row.explanation_codes)
        for row in Match.objects.filter(rank=2, suggested=True)
    }
    settings.MATCHING_TOP_K = 10
    Match.objects.all().delete()
    run_all()
    listed = {
        (row.mentee_id, row.mentor_id): (row.score, row.components, row.explanation_codes)
        for row in Match.objects.all()
    }

    assert len(beyond) >= 3
    assert {pair: listed[pair] for pair in beyond} == beyond
