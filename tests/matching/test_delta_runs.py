"""A run writes only the rows that changed, and stores exactly what a run from scratch stores."""

from datetime import UTC, datetime

import numpy as np
import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from mentorship.matching import features
from mentorship.matching.models import Match, MatchRun, MatchRunChunk, MatchRunRecord
from mentorship.matching.runs import match_chunk_score, match_run_plan
from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.profiles.models import JobDescription, MenteeProfile, MenteeSkill, MentorProfile
from mentorship.taxonomy.models import Skill
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.matching.builders import make_mentee, make_mentor

ROLES = ("data-scientist", "data-engineer", "data-analyst")


@pytest.fixture(autouse=True)
def pool(db):
    taxonomy_import(data=reference_taxonomy())
    mentees = [
        make_mentee(role=ROLES[index % 3], skills={"python": 1 + index % 3, "sql": 1})
        for index in range(12)
    ]
    mentors = [
        make_mentor(
            roles=(ROLES[index % 3], ROLES[(index + 1) % 3]),
            skills={"python": 4, "sql": 3 + index % 3, "pandas": 2 + index % 4},
            capacity=1 + index % 2,
        )
        for index in range(6)
    ]
    return mentees, mentors


def run_all() -> MatchRun:
    call_command("run_matching", verbosity=0)
    return MatchRun.objects.latest("id")


def table() -> list[tuple]:
    return list(
        Match.objects.order_by("mentee_id", "rank", "mentor_id").values_list(
            "mentee_id",
            "mentor_id",
            "rank",
            "score",
            "components",
            "explanation_codes",
            "suggested",
        )
    )


def from_scratch() -> list[tuple]:
    """The table a run stores with no stored matches and no earlier run to compare against."""
    Match.objects.all().delete()
    MatchRun.objects.all().delete()
    run = run_all()
    assert run.record.baseline_id is None
    return table()


def test_a_run_with_nothing_changed_writes_nothing():
    first = run_all()
    before = table()

    again = run_all()

    assert again.record.baseline_id == first.pk  # it compared against the first run's record
    assert first.matches_written == len(before) > 0
    assert (again.matches_written, again.matches_unchanged) == (0, len(before))
    assert (first.mentees_rescored, again.mentees_rescored) == (12, 0)  # nobody scored again
    assert table() == before


def test_only_the_newest_run_keeps_its_record_and_the_next_run_compares_against_it():
    first, second, third = run_all(), run_all(), run_all()

    assert not MatchRunRecord.objects.filter(run__in=[first, second]).exists()
    assert not MatchRunChunk.objects.filter(run__in=[first, second], mentees__isnull=False)
    assert third.record.baseline_id == second.pk
    fourth = run_all()
    assert (fourth.record.baseline_id, fourth.mentees_rescored, fourth.matches_written) == (
        third.pk,
        0,
        0,
    )


def _listed_mentor(mentee) -> int:
    return Match.objects.filter(mentee=mentee, rank=1).values_list("mentor_id", flat=True)[0]


# Changes a run must catch up with however they were made: none of these touches the mentee's
# profile row, and some bypass the services (and so every refresh) altogether.
CHANGES = {
    "a mentee's skill added behind the services' back": lambda mentees, mentors: (
        MenteeSkill.objects.create(
            profile=MenteeProfile.objects.get(user=mentees[0]),
            skill=Skill.objects.get(slug="pandas"),
            level=3,
        )
    ),
    "a mentor's skill level edited in place": lambda mentees, mentors: (
        MentorProfile.objects.get(user=mentors[1])
        .skill_levels.filter(skill__slug="sql")
        .update(level=1)
    ),
    "a mentor's seat taken": lambda mentees, mentors: Mentorship.objects.create(
        mentee=mentees[5], mentor_id=_listed_mentor(mentees[5])
    ),
    "a mentorship ended (the pair is excluded)": lambda mentees, mentors: Mentorship.objects.create(
        mentee=mentees[2],
        mentor_id=_listed_mentor(mentees[2]),
        status=Mentorship.Status.ENDED,
        ended_at=timezone.now(),
    ),
    "a request declined": lambda mentees, mentors: MentorshipRequest.objects.create(
        mentee=mentees[3],
        mentor_id=_listed_mentor(mentees[3]),
        status=MentorshipRequest.Status.DECLINED,
        decline_code=MentorshipRequest.DeclineCode.SKILLS_MISMATCH,
    ),
    "a mentor unapproved": lambda mentees, mentors: MentorProfile.objects.filter(
        user=mentors[2]
    ).update(approved=False),
    "a mentor who stopped accepting": lambda mentees, mentors: MentorProfile.objects.filter(
        user=mentors[3]
    ).update(accepting=False),
    "a mentor moved to another continent": lambda mentees, mentors: MentorProfile.objects.filter(
        user=mentors[4]
    ).update(timezone="Asia/Tokyo"),
    "a new mentor, the best there is": lambda mentees, mentors: make_mentor(
        roles=ROLES, skills={"python": 5, "sql": 5, "pandas": 5}, capacity=4
    ),
    "a mentee hired": lambda mentees, mentors: MenteeProfile.objects.filter(user=mentees[1]).update(
        hired_at=timezone.now()
    ),
    "a mentee's stored match deleted by hand": lambda mentees, mentors: Match.objects.filter(
        mentee=mentees[6], rank=1
    ).delete(),
    "a skill renamed in the taxonomy": lambda mentees, mentors: Skill.objects.filter(
        slug="python"
    ).update(slug="python-3"),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_whatever_changed_a_run_stores_what_a_run_from_scratch_stores(pool, change):
    """A run re-scores only the mentees a change can reach (`delta`) and leaves the rest as the
    run before stored them: the table it leaves is the one a run from scratch leaves."""
    mentees, mentors = pool
    run_all()
    run_all()  # a run with a baseline: it records its mentees' features (PostgreSQL), reused now
    before = table()
    CHANGES[change](mentees, mentors)
    changed = table()

    nightly = run_all()
    after = table()

    assert before != after or before != changed  # the change moves a list, or a row it repairs
    assert nightly.mentees_rescored > 0 or len(after) < len(changed)  # or a list emptied
    assert nightly.matches_written + nightly.matches_unchanged == len(after)
    assert after == from_scratch()


def test_a_run_across_a_daylight_saving_change_stores_what_a_run_from_scratch_stores(pool):
    """London moves an hour on 29 March 2026 and New York does not: overlaps change overnight
    without a profile changing."""
    for _ in range(3):
        make_mentor(roles=ROLES, skills={"python": 5, "sql": 4}, timezone="America/New_York")
    with time_machine.travel(datetime(2026, 3, 28, 12, tzinfo=UTC), tick=False):
        run_all()
        run_all()  # its features recorded: the offsets are worked out again on the day
        before = table()
    with time_machine.travel(datetime(2026, 3, 30, 12, tzinfo=UTC), tick=False):
        nightly = run_all()
        after = table()
        assert nightly.record.baseline_id is not None
        assert after == from_scratch()
    assert after != before


def test_a_run_after_changes_writes_only_them_and_stores_what_a_run_from_scratch_stores(pool):
    mentees, mentors = pool
    run_all()
    # Changes the refreshes did not see (say the broker was down): a mentee learned a skill and
    # a mentor lost one; the run must catch both up.
    profile = MenteeProfile.objects.get(user=mentees[0])
    MenteeSkill.objects.create(profile=profile, skill=Skill.objects.get(slug="pandas"), level=3)
    MentorProfile.objects.get(user=mentors[0]).skill_levels.filter(skill__slug="sql").delete()
    stored_before = len(table())

    delta = run_all()
    after_delta = table()

    assert 0 < delta.matches_written < stored_before
    assert delta.matches_written + delta.matches_unchanged == len(after_delta)
    assert after_delta == from_scratch()


@pytest.mark.parametrize("baseline", [True, False], ids=["with a baseline", "from scratch"])
def test_a_chunk_cut_short_and_retried_leaves_the_table_a_clean_run_leaves(
    settings, monkeypatch, baseline
):
    """From scratch a chunk is written batch by batch (three of four mentees here, each its own
    transaction), and is killed after the first; with a baseline it is killed at its first write
    (on PostgreSQL, where the baseline recorded its features, the chunk is one batch)."""
    settings.MATCHING_BATCH_SIZE = 4
    run_all()
    run_all()  # a baseline with features (PostgreSQL)
    MentorProfile.objects.filter(user__in=MentorProfile.objects.values("user")[:1]).update(
        capacity=5
    )
    if not baseline:
        MatchRunRecord.objects.all().delete()
    run = MatchRun.objects.create()
    [chunk] = match_run_plan(run_id=run.pk)
    assert (run.record.baseline_id is not None) == baseline
    crash_at = 1 if baseline else 2

    import mentorship.matching.store as store

    real, calls = store.matches_replace, []

    def crash(**kwargs):
        calls.append(1)
        if len(calls) == crash_at:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr("mentorship.matching.scoring.matches_replace", crash)
    with pytest.raises(RuntimeError):
        match_chunk_score(run_id=run.pk, chunk=chunk)
    monkeypatch.undo()
    match_chunk_score(run_id=run.pk, chunk=chunk)
    retried = [row[:5] for row in table()]  # suggestions come with the run's finish

    assert retried == [row[:5] for row in from_scratch()]


def beyond_rows() -> list[tuple]:
    return list(
        Match.objects.filter(rank=2)
        .order_by("mentee_id")
        .values_list("id", "mentee_id", "mentor_id", "computed_at", "suggested")
    )


def test_suggestions_from_beyond_the_lists_are_left_alone_when_nothing_changed(settings):
    settings.MATCHING_TOP_K = 1  # lists of one: most suggestions come from the fill rounds
    run_all()
    beyond = beyond_rows()
    before = table()

    again = run_all()

    assert beyond
    assert all(row[4] for row in beyond)
    assert again.matches_written == 0
    assert beyond_rows() == beyond  # the same rows (ids), not deleted and written again
    assert table() == before == from_scratch()


def test_a_run_after_changes_brings_the_suggestions_from_beyond_the_lists_to_a_clean_run(
    settings, pool
):
    settings.MATCHING_TOP_K = 1
    _, mentors = pool
    run_all()
    beyond = {row[1:3] for row in beyond_rows()}
    # A mentor fills up and another takes more mentees: the fill rounds place differently.
    MentorProfile.objects.filter(user=mentors[1]).update(capacity=5)
    MentorProfile.objects.filter(user=mentors[2]).update(accepting=False)

    run_all()
    after_delta = table()

    assert {row[1:3] for row in beyond_rows()} != beyond
    assert Match.objects.filter(rank__gt=1, suggested=False).count() == 0
    assert after_delta == from_scratch()


def features_recorded(run: MatchRun) -> bool:
    return all(chunk.features is not None for chunk in run.chunks.all())


def test_a_run_from_scratch_records_no_features_and_a_run_with_a_baseline_does(pool):
    first, second = run_all(), run_all()

    assert not any(chunk.features for chunk in first.chunks.all())  # bound by its writes
    assert features_recorded(second) == (connection.vendor == "postgresql")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="fingerprints are PostgreSQL's")
def test_a_run_loads_only_the_mentees_whose_rows_changed_and_reuses_the_others(pool, monkeypatch):
    mentees, _ = pool
    run_all()
    assert features_recorded(run_all())
    # Behind the services' back: no profile row touched, no refresh asked for.
    MenteeSkill.objects.filter(profile__user=mentees[4], skill__slug="python").update(level=3)
    loaded: list[list[int]] = []
    load = features.mentee_batch_load

    def counting_load(*args, **kwargs):
        batch = load(*args, **kwargs)
        loaded.append(batch.ids)
        return batch

    monkeypatch.setattr(features, "mentee_batch_load", counting_load)

    nightly = run_all()
    after = table()

    assert loaded == [[mentees[4].pk]]  # the other eleven came from the record
    assert nightly.mentees_rescored >= 1
    monkeypatch.undo()
    assert after == from_scratch()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="fingerprints are PostgreSQL's")
@pytest.mark.parametrize(
    "edit",
    [
        "skill level",
        "skill removed",
        "skill added",
        "job description",
        "job description's skill",
        "request declined",
        "mentorship ended",
        "time zone",
        "hired",
    ],
)
def test_a_fingerprint_changes_with_any_row_the_features_are_read_from(pool, edit):
    mentees, mentors = pool
    mentee, other = mentees[0], mentees[1]
    posting = JobDescription.objects.create(mentee=mentee, title="Data scientist", text="SQL")
    every = Q(user_id__in=[person.pk for person in mentees])
    before = dict(zip(*features.mentee_fingerprints(every).tolist(), strict=True))
    skills = MenteeSkill.objects.filter(profile__user=mentee)
    {
        "skill level": lambda: skills.filter(skill__slug="sql").update(level=2),
        "skill removed": lambda: skills.filter(skill__slug="sql").delete(),
        "skill added": lambda: MenteeSkill.objects.create(
            profile_id=mentee.pk, skill=Skill.objects.get(slug="pandas"), level=1
        ),
        "job description": lambda: JobDescription.objects.create(
            mentee=mentee, title="Analyst", text="Python"
        ),
        "job description's skill": lambda: posting.skills.add(Skill.objects.get(slug="sql")),
        "request declined": lambda: MentorshipRequest.objects.create(
            mentee=mentee, mentor=mentors[0], status=MentorshipRequest.Status.DECLINED
        ),
        "mentorship ended": lambda: Mentorship.objects.create(
            mentee=mentee,
            mentor=mentors[0],
            status=Mentorship.Status.ENDED,
            ended_at=timezone.now(),
        ),
        "time zone": lambda: MenteeProfile.objects.filter(user=mentee).update(
            timezone="Asia/Tokyo"
        ),
        "hired": lambda: MenteeProfile.objects.filter(user=mentee).update(hired_at=timezone.now()),
    }[edit]()

    after = dict(zip(*features.mentee_fingerprints(every).tolist(), strict=True))

    assert after[mentee.pk] != before[mentee.pk]
    assert {key: value for key, value in after.items() if key != mentee.pk} == {
        key: value for key, value in before.items() if key != mentee.pk
    }
    assert other.pk in after


def test_recorded_features_are_the_features_loaded_with_the_offsets_of_the_day(pool):
    mentees, mentors = pool
    MentorshipRequest.objects.create(
        mentee=mentees[0], mentor=mentors[0], status=MentorshipRequest.Status.DECLINED
    )
    taxonomy = features.taxonomy_index_load()
    pool_now = features.mentor_pool_load(taxonomy)
    every = Q(user_id__in=[person.pk for person in mentees])
    winter = datetime(2026, 1, 15, 12, tzinfo=UTC)
    summer = datetime(2026, 7, 15, 12, tzinfo=UTC)
    loaded = features.mentee_batch_load(taxonomy, pool_now, profiles=every, at=winter)
    prints = np.stack([loaded.arrays.ids, np.arange(len(loaded.arrays))])

    cached = features.features_unpack(
        [features.features_pack(loaded, prints)], taxonomy, pool_now, at=summer
    )
    expected = features.mentee_batch_load(taxonomy, pool_now, profiles=every, at=summer)

    assert np.array_equal(cached.fingerprints, prints)
    got, want = cached.batch.arrays, expected.arrays
    for name in ("ids", "target_role", "background", "utc_offset", "allow_no_overlap"):
        assert np.array_equal(getattr(got, name), getattr(want, name)), name
    for name in ("languages", "gap_weight", "gap_level"):
        assert (getattr(got, name) != getattr(want, name)).nnz == 0, name
    assert np.array_equal(cached.batch.exclusions, expected.exclusions)
    assert cached.batch.exclusions.shape == (1, 2)
    assert not np.array_equal(got.utc_offset, loaded.arrays.utc_offset)  # London in summer
