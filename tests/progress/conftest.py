"""Fixtures for the weekly check-in sweep tests: people with projects, and a sweep at a given time.

Everything here is named `sweep_*` and nothing is autouse, so other progress tests are unaffected.
"""

from collections.abc import Callable
from datetime import datetime

import pytest
import time_machine

from mentorship.mentorships.models import Mentorship
from mentorship.progress.projects import project_create
from mentorship.progress.sweep import SweepReport, open_weekly_checkins
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.matching.builders import make_mentee, make_mentor

ROLE = "data-scientist"


def _email(name: str) -> str:
    return f"{name.lower().replace(' ', '.')}@example.org"


@pytest.fixture
def sweep_taxonomy(db) -> None:
    """The shipped taxonomy: roles and their milestone templates (six for a data scientist)."""
    taxonomy_import(data=reference_taxonomy())


@pytest.fixture
def sweep_mentor(sweep_taxonomy) -> Callable[..., object]:
    """An approved data-science mentor called `name`, emailed at `name@example.org`.

    Mentorships are created directly, so the mentor's capacity does not limit them."""

    def make(name: str):
        return make_mentor(roles=(ROLE,), name=name, email=_email(name))

    return make


@pytest.fixture
def sweep_mentorship(sweep_taxonomy) -> Callable[..., Mentorship]:
    """An active mentorship of a new mentee (in time zone `zone`) who has one project.

    The mentorship starts now (`timezone.now()`, so travel in time first to choose when).
    """

    def make(*, mentee: str, zone: str, mentor) -> Mentorship:
        person = make_mentee(role=ROLE, timezone=zone, name=mentee, email=_email(mentee))
        project_create(
            mentee=person,
            title=f"{mentee}'s churn model",
            problem_statement="Which subscribers leave, and why.",
            dataset="Scraped public reviews",
            start_date=None,
        )
        return Mentorship.objects.create(mentee=person, mentor=mentor)

    return make


@pytest.fixture
def sweep_at(django_capture_on_commit_callbacks) -> Callable[[datetime], SweepReport]:
    """Run the sweep with the clock stopped at `moment`; the emails it queues are delivered."""

    def run(moment: datetime) -> SweepReport:
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return open_weekly_checkins()

    return run
