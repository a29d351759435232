"""Fixtures for the mentorship endpoints: profiled mentees and mentors, and their clients.

`mentee` and `mentor` are overridden here to carry a profile (the mentor approved, accepting,
capacity 3); `make_mentee` and `make_mentor` build more of them.
"""

import pytest

from tests.mentorships import builders


@pytest.fixture
def make_mentor(db):
    return builders.make_mentor


@pytest.fixture
def make_mentee(db):
    return builders.make_mentee


@pytest.fixture
def mentee(db):
    return builders.make_mentee()


@pytest.fixture
def mentor(db):
    return builders.make_mentor()


@pytest.fixture
def mentee_client(client_for, mentee):
    return client_for(mentee)


@pytest.fixture
def mentor_client(client_for, mentor):
    return client_for(mentor)
