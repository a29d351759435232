"""Fixtures for the mentorship service tests: the builders, as fixtures."""

import pytest

from tests.mentorships import builders


@pytest.fixture
def make_mentor(db):
    return builders.make_mentor


@pytest.fixture
def make_mentee(db):
    return builders.make_mentee
