"""Matching on the database: ranking stories, runs in chunks, refreshes after profile changes."""

import pytest
from django.core.management import call_command
from django.db import connection

from mentorship.matching.models import Match, MatchRun
from mentorship.matching.refresh import matches_refresh_mentees, matches_refresh_mentor
from mentorship.matching.runs import (
    match_chunk_score,
    match_run_finish,
    match_run_plan,
    match_run_start,
)
from mentorship.matching.wording import names_for, render
from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.profiles.models import MentorProfile
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.matching.builders import make_mentee, make_mentor

SPARK_KAFKA = {"apache-spark": 4, "kafka": 4, "sql": 4, "hadoop": 3, "python": 4}


@pytest.fixture(autouse=True)
def taxonomy(db):
    taxonomy_import(data=reference_taxonomy())


def ranked(mentee) -> list[int]:
    return list(
        Match.objects.filter(mentee=mentee).order_by("rank").values_list("mentor", flat=True)
    )


def run_all() -> MatchRun:
    call_command("run_matching", verbosity=0)
    return MatchRun.objects.latest("id")


def test_a_future_data_engineer_gets_the_data_engineer_who_knows_spark_and_kafka_first(settings):
    settings.MATCHING_MIN_SCORE = 0.0  # every mentor listed, to see the order
    mentee = make_mentee(role="data-engineer", skills={"python": 3}, background="physics")
    engineer = make_mentor(roles=("data-engineer",), skills=SPARK_KAFKA)
    analyst = make_mentor(roles=("data-analyst",), skills={"sql": 5, "tableau": 5, "excel": 5})
    researcher = make_mentor(
        roles=("machine-learning-researcher",), skills={"pytorch": 5, "research": 5}
    )

    run_all()

    assert ranked(mentee) == [engineer.pk, analyst.pk, researcher.pk]
    best = Match.objects.get(mentee=mentee, mentor=engineer)
    codes = best.explanation_codes
    assert codes[0] == {"code": "worked_in_role", "role": "data-engineer"}
    assert codes[1]["code"] == "covers_gap"
    assert "apache-spark" in codes[1]["skills"]
    assert {"code": "hours_overlap", "hours": 9} in codes
    sentences = render(codes, reader="mentee", names=names_for([codes]))
    assert sentences[0] == "Has worked as a data engineer"
    assert sentences[1].startswith("Covers ")
    assert "Apache Spark" in sentences[1]
    assert "9 hours of overlap in your working day" in sentences
    assert best.components["role_fit"] == 1.0
    assert best.suggested


def test_mentors_under_the_floor_are_neither_listed_nor_suggested(settings):
    mentee = make_mentee(role="data-engineer", skills={"python": 3}, background="physics")
    engineer = make_mentor(roles=("data-engineer",), skills=SPARK_KAFKA)
    make_mentor(roles=("machine-learning-researcher",), skills={"pytorch": 5, "research": 5})

    run_all()

    assert ranked(mentee) == [engineer.pk]
    assert Match.objects.filter(mentee=mentee, score__lt=settings.MATCHING_MIN_SCORE).count() == 0


def test_hard_filters_are_never_scored_around():
    mentee = make_mentee(role="data-scientist", languages=("fr",))
    speaks_french = make_mentor(roles=("data-scientist",), languages=("fr", "en"))
    make_mentor(roles=("data-scientist",), languages=("de",))
    make_mentor(roles=("data-scientist",), languages=("fr",), approved=False)
    make_mentor(roles=("data-scientist",), languages=("fr",), accepting=False)
    declined = make_mentor(roles=("data-scientist",), languages=("fr",))
    MentorshipRequest.objects.create(mentee=mentee, mentor=declined, status="declined")

    run_all()

    assert ranked(mentee) == [speaks_french.pk]


def test_a_run_in_chunks_equals_a_run_in_one_piece(settings):
    mentees = [
        make_mentee(role=role, skills={"python": 2})
        for role in ("data-scientist", "data-engineer", "data-analyst", "machine-learning-engineer")
    ] * 1
    for index, role in enumerate(("data-scientist", "data-engineer", "data-analyst")):
        make_mentor(roles=(role,), skills={"python": 3 + index % 2, "sql": 4}, capacity=1)
    settings.MATCHING_CHUNK_SIZE = 1000
    run_all()
    whole = {m.pk: ranked(m) for m in mentees}
    scores = sorted(Match.objects.values_list("mentee", "mentor", "score"))

    settings.MATCHING_CHUNK_SIZE = 1
    run = run_all()

    assert run.chunks_total == len(mentees)
    assert {m.pk: ranked(m) for m in mentees} == whole
    assert sorted(Match.objects.values_list("mentee", "mentor", "score")) == scores

    settings.MATCHING_CHUNK_SIZE, settings.MATCHING_BATCH_SIZE = 1000, 1  # a batch per mentee
    run = run_all()

    # Nothing changed since the run before: every row confirmed, none written.
    assert (run.chunks_total, run.matches_written, run.matches_unchanged) == (1, 0, len(scores))
    assert {m.pk: ranked(m) for m in mentees} == whole
    assert sorted(Match.objects.values_list("mentee", "mentor", "score")) == scores


def test_a_run_records_its_progress_and_the_suggestions_respect_capacity():
    for _ in range(4):
        make_mentee(role="data-scientist")
    make_mentor(roles=("data-scientist",), capacity=1)
    make_mentor(roles=("data-scientist",), capacity=2)

    run = run_all()

    assert (run.status, run.mentees_total, run.mentors_total) == ("done", 4, 2)
    assert run.chunks_done == run.chunks_total == 1
    assert run.matches_written == 8
    assert run.suggestions == 3
    assert Match.objects.filter(suggested=True).count() == 3
    assert run.finished_at >= run.started_at


def test_a_chunk_that_runs_twice_writes_and_counts_once(django_capture_on_commit_callbacks):
    make_mentee(role="data-scientist")
    make_mentor(roles=("data-scientist",))
    run = MatchRun.objects.create()
    [chunk] = match_run_plan(run_id=run.pk)

    match_chunk_score(run_id=run.pk, chunk=chunk)
    match_chunk_score(run_id=run.pk, chunk=chunk)
    assert match_run_finish(run_id=run.pk) is True
    assert match_run_finish(run_id=run.pk) is False

    run.refresh_from_db()
    assert (run.chunks_done, run.matches_written, run.status) == (1, 1, "done")
    assert Match.objects.count() == 1


def test_starting_a_run_enqueues_it_after_commit(django_capture_on_commit_callbacks, staff):
    make_mentee(role="data-scientist")
    make_mentor(roles=("data-scientist",))

    with django_capture_on_commit_callbacks(execute=True):
        run = match_run_start(by=staff)

    run.refresh_from_db()
    assert run.status == "done"
    assert Match.objects.count() == 1


def test_a_mentee_refresh_rescored_only_that_mentee():
    changed = make_mentee(role="data-scientist")
    other = make_mentee(role="data-scientist")
    make_mentor(roles=("data-scientist",))
    run_all()
    Match.objects.filter(mentee=other).update(score=0.123)

    matches_refresh_mentees(mentee_ids=[changed.pk])

    assert Match.objects.get(mentee=other).score == pytest.approx(0.123)
    assert Match.objects.get(mentee=changed).score != pytest.approx(0.123)


def test_a_refresh_keeps_the_suggested_mentor_suggested_while_still_matched(settings):
    settings.MATCHING_MIN_SCORE = 0.0
    mentee = make_mentee(role="data-engineer", skills={"python": 2})
    make_mentor(roles=("data-engineer",), skills=SPARK_KAFKA)
    make_mentor(roles=("data-analyst",), skills={"sql": 5})
    run_all()
    suggested = Match.objects.get(mentee=mentee, suggested=True).mentor_id

    written = matches_refresh_mentees(mentee_ids=[mentee.pk])

    assert written == Match.objects.filter(mentee=mentee).count() == 2
    assert list(
        Match.objects.filter(mentee=mentee, suggested=True).values_list("mentor", flat=True)
    ) == [suggested]


def test_a_new_mentor_enters_the_lists_where_they_now_rank(settings):
    settings.MATCHING_TOP_K = 1
    engineer_mentee = make_mentee(role="data-engineer", skills={"python": 2})
    analyst_mentee = make_mentee(role="data-analyst")
    make_mentor(roles=("data-analyst",), skills={"sql": 5, "tableau": 5, "excel": 5})
    run_all()
    newcomer = make_mentor(roles=("data-engineer",), skills=SPARK_KAFKA)

    matches_refresh_mentor(mentor_id=newcomer.pk)

    assert ranked(engineer_mentee) == [newcomer.pk]
    assert ranked(analyst_mentee) != [newcomer.pk]


def test_a_mentor_who_stops_accepting_leaves_every_list(settings):
    settings.MATCHING_MIN_SCORE = 0.0
    mentee = make_mentee(role="data-scientist")
    leaving = make_mentor(roles=("data-scientist",))
    staying = make_mentor(roles=("data-analyst",))
    run_all()
    MentorProfile.objects.filter(user=leaving).update(accepting=False)

    matches_refresh_mentor(mentor_id=leaving.pk)

    assert ranked(mentee) == [staying.pk]


def test_a_mentee_in_an_active_mentorship_takes_no_place_in_the_assignment():
    taken = make_mentee(role="data-engineer", skills={"python": 3})  # the lower id: first choice
    looking = make_mentee(role="data-engineer", skills={"python": 3})
    engineer = make_mentor(roles=("data-engineer",), skills=SPARK_KAFKA, capacity=1)
    Mentorship.objects.create(mentee=taken, mentor=make_mentor(roles=("data-analyst",)))

    run = run_all()

    assert not Match.objects.filter(mentee=taken, suggested=True).exists()
    assert Match.objects.get(mentee=looking, mentor=engineer).suggested
    assert run.suggestions == 1


def stored_matches() -> list[tuple]:
    return list(
        Match.objects.order_by("mentee_id", "rank").values_list(
            "mentee_id",
            "mentor_id",
            "rank",
            "score",
            "components",
            "explanation_codes",
            "suggested",
        )
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="connections of their own")
@pytest.mark.django_db(transaction=True)
def test_batches_written_on_connections_of_their_own_store_what_one_connection_stores(settings):
    settings.MATCHING_MIN_SCORE = 0.0  # every pair stored: four mentors for each of nine mentees
    taxonomy_import(data=reference_taxonomy())
    roles = ("data-scientist", "data-engineer", "data-analyst")
    for index in range(9):
        make_mentee(role=roles[index % 3], skills={"python": 1 + index % 3})
    for index in range(4):
        make_mentor(roles=(roles[index % 3],), skills={"python": 4, "sql": 3 + index % 2})
    settings.MATCHING_BATCH_SIZE = 2  # five batches for the chunk
    settings.MATCHING_WRITE_CONNECTIONS = 0  # written here, in order
    inline = run_all()
    alone = stored_matches()

    Match.objects.all().delete()  # written again from nothing, not confirmed as unchanged
    settings.MATCHING_WRITE_CONNECTIONS = 2
    shared = run_all()

    assert stored_matches() == alone
    assert shared.matches_written == inline.matches_written == len(alone) == 36
    assert shared.chunks_done == shared.chunks_total == 1
