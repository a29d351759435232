"""Fixtures for the job search: the shipped taxonomy, a frozen clock and the people around one
mentee.

`mentee` (Europe/London, signed up 30 days before `TODAY`) is in an ACTIVE mentorship with
`mentor`; `former_mentor` mentored them before (ended); `stranger` is another mentee,
`unrelated_mentor` an approved mentor nobody is linked to, `staff` a staff member.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from mentorship.mentorships.models import Mentorship
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.api.progress.helpers import TODAY, on
from tests.factories import StaffFactory
from tests.matching import builders


@pytest.fixture(autouse=True)
def taxonomy(db):
    taxonomy_import(data=reference_taxonomy())


@pytest.fixture(autouse=True)
def frozen_today(settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": None}
    with on(TODAY):
        yield


def _mentor(name: str):
    return builders.make_mentor(
        roles=("data-scientist",), skills={"python": 5, "sql": 4}, name=name, capacity=5
    )


@pytest.fixture
def mentee(db):
    person = builders.make_mentee(role="data-scientist", skills={"python": 2}, name="Ada")
    person.date_joined = timezone.now() - timedelta(days=30)
    person.save(update_fields=["date_joined"])
    return person


@pytest.fixture
def mentor(db):
    return _mentor("Grace")


@pytest.fixture
def former_mentor(db, mentee):
    former = _mentor("Alan")
    Mentorship.objects.create(
        mentee=mentee,
        mentor=former,
        status=Mentorship.Status.ENDED,
        ended_at=timezone.now() - timedelta(days=10),
    )
    return former


@pytest.fixture
def mentorship(mentee, mentor):
    return Mentorship.objects.create(mentee=mentee, mentor=mentor)


@pytest.fixture
def stranger(db):
    return builders.make_mentee(role="data-analyst", skills={"sql": 2}, name="Someone else")


@pytest.fixture
def unrelated_mentor(db):
    return _mentor("Barbara")


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def mentee_client(client_for, mentee):
    return client_for(mentee)
