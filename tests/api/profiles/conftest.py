"""Fixtures for the profile endpoints: the reference taxonomy, and valid bodies to start from."""

import pytest

from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import


@pytest.fixture(autouse=True)
def taxonomy(db) -> None:
    """Roles, skills (with aliases) and backgrounds, as shipped."""
    taxonomy_import(data=reference_taxonomy())


@pytest.fixture
def mentee_body() -> dict:
    """A complete, valid mentee profile body for PUT."""
    return {
        "target_role": "data-scientist",
        "background": "physics",
        "skills": [{"skill": "python", "level": 3}, {"skill": "sql", "level": 2}],
        "goals": "Land a first data science job.",
        "timezone": "Europe/Paris",
        "weekly_hours": 6,
        "languages": ["en", "fr"],
    }


@pytest.fixture
def mentor_body() -> dict:
    """A complete, valid mentor profile body for PUT."""
    return {
        "roles": ["data-scientist", "machine-learning-engineer"],
        "skills": [{"skill": "python", "level": 5}, {"skill": "pytorch", "level": 4}],
        "bio": "Ten years of shipping models.",
        "background": "software-engineering",
        "years_experience": 10,
        "timezone": "America/New_York",
        "languages": ["en"],
        "capacity": 3,
        "accepting": True,
    }


@pytest.fixture
def mentee_client(client_for, mentee):
    return client_for(mentee)


@pytest.fixture
def mentor_client(client_for, mentor):
    return client_for(mentor)
