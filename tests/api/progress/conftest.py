"""Fixtures for the progress endpoints: the shipped taxonomy, a frozen clock and profiled people.

`mentee` is a data scientist with a profile on the shipped taxonomy (so projects get the role's
milestone template) and `mentor` an approved data science mentor; they are strangers until a
test links them with `mentorship`. The clock stands still on `TODAY` (a Monday, 09:00 UTC), and
tokens do not expire, so a test can travel weeks ahead with the clients it already has.
"""

import pytest

from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.api.progress.helpers import TODAY, activate, make_project, on
from tests.matching import builders


@pytest.fixture(autouse=True)
def taxonomy(db):
    taxonomy_import(data=reference_taxonomy())


@pytest.fixture(autouse=True)
def frozen_today(settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": None}
    with on(TODAY):
        yield


@pytest.fixture
def make_mentee(db):
    def make(role: str = "data-scientist", **fields):
        return builders.make_mentee(role=role, **fields)

    return make


@pytest.fixture
def make_mentor(db):
    def make(roles: tuple[str, ...] = ("data-scientist",), **fields):
        return builders.make_mentor(roles=roles, **fields)

    return make


@pytest.fixture
def mentee(make_mentee):
    return make_mentee()


@pytest.fixture
def mentor(make_mentor):
    return make_mentor()


@pytest.fixture
def mentee_client(client_for, mentee):
    return client_for(mentee)


@pytest.fixture
def mentor_client(client_for, mentor):
    return client_for(mentor)


@pytest.fixture
def mentorship(mentee, mentor):
    """The active mentorship of `mentee` with `mentor`."""
    return activate(mentee, mentor)


@pytest.fixture
def project(mentee):
    """`mentee`'s data science project, started on `TODAY`."""
    return make_project(mentee)
