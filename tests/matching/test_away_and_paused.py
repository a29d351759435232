"""Matching and responsiveness: a mentor away or paused is scored out of every list (runs and
refreshes alike), and back in when they return, by the sweep or by clearing the date."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from mentorship.matching.models import Match
from mentorship.matching.refresh import matches_refresh_mentor
from mentorship.profiles.models import MentorProfile
from mentorship.profiles.services import mentor_profile_save
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.matching.builders import make_mentee, make_mentor
from tests.mentorships.responsiveness import sweep_at

SPARK_KAFKA = {"apache-spark": 4, "kafka": 4, "sql": 4, "hadoop": 3, "python": 4}
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def taxonomy(db):
    taxonomy_import(data=reference_taxonomy())


def listed(mentee) -> list[int]:
    return list(
        Match.objects.filter(mentee=mentee).order_by("rank").values_list("mentor", flat=True)
    )


@pytest.fixture
def pool():
    mentee = make_mentee(role="data-engineer")
    first = make_mentor(roles=("data-engineer",), skills=SPARK_KAFKA, name="First")
    second = make_mentor(roles=("data-engineer",), skills={"sql": 3}, name="Second")
    return mentee, first, second


@pytest.mark.parametrize(
    "change", [{"away_until": date(2026, 3, 20)}, {"paused_at": NOW}], ids=["away", "paused"]
)
def test_a_run_leaves_an_away_or_paused_mentor_out_of_every_list(pool, change):
    mentee, first, second = pool
    MentorProfile.objects.filter(user=first).update(**change)

    call_command("run_matching", verbosity=0)

    assert listed(mentee) == [second.pk]


def test_going_away_rescores_the_lists_and_the_sweep_brings_the_mentor_back(
    pool, django_capture_on_commit_callbacks
):
    mentee, first, second = pool
    call_command("run_matching", verbosity=0)
    assert listed(mentee) == [first.pk, second.pk]

    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        mentor_profile_save(user=first, data={"away_until": date(2026, 3, 12)}, partial=True)
    assert listed(mentee) == [second.pk]

    sweep_at(datetime(2026, 3, 12, 0, 15, tzinfo=UTC), django_capture_on_commit_callbacks)

    assert listed(mentee) == [first.pk, second.pk]


def test_lifting_a_pause_puts_the_mentor_back_where_they_rank(pool):
    mentee, first, second = pool
    MentorProfile.objects.filter(user=first).update(paused_at=timezone.now())
    call_command("run_matching", verbosity=0)
    assert listed(mentee) == [second.pk]

    MentorProfile.objects.filter(user=first).update(paused_at=None)
    matches_refresh_mentor(mentor_id=first.pk)

    assert listed(mentee) == [first.pk, second.pk]
