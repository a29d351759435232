"""Migration progress 0002: each check-in's single feedback becomes the first row of its history,
and every mentee's projects but the newest are archived before one active project is enforced."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("progress", "0001_initial")]
AFTER = [("progress", "0002_lifecycle")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_afterwards(transactional_db):
    """Whatever the test does to the schema, the next test finds the latest one."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_feedback_becomes_history_and_older_projects_are_archived(latest_schema_afterwards):
    old = _migrate(BEFORE)
    user = old.get_model("accounts", "User")
    mentorship_model = old.get_model("mentorships", "Mentorship")
    checkin_model = old.get_model("progress", "CheckIn")
    project_model = old.get_model("progress", "Project")
    mentee = user.objects.create(email="mentee@example.org", role="mentee")
    mentor = user.objects.create(email="mentor@example.org", role="mentor")
    mentorship = mentorship_model.objects.create(mentee=mentee, mentor=mentor)
    given = datetime(2024, 3, 6, 10, tzinfo=UTC)
    opened = datetime(2024, 3, 4, 9, tzinfo=UTC)
    with_feedback = checkin_model.objects.create(
        mentorship=mentorship,
        week_start=date(2024, 3, 4),
        status="submitted",
        opened_at=opened,
        submitted_at=opened,
        feedback="Ship it",
        feedback_at=given,
    )
    without = checkin_model.objects.create(
        mentorship=mentorship, week_start=date(2024, 3, 11), opened_at=opened
    )
    older, newer = (
        project_model.objects.create(
            mentee=mentee, title=title, problem_statement="p", dataset="d", start_date=opened
        )
        for title in ("Older", "Newer")
    )

    new = _migrate(AFTER)

    history = new.get_model("progress", "CheckInFeedback").objects
    assert list(history.values_list("checkin_id", "author_id", "comment", "created_at")) == [
        (with_feedback.pk, mentor.pk, "Ship it", given)
    ]
    assert not history.filter(checkin_id=without.pk).exists()
    archived = dict(new.get_model("progress", "Project").objects.values_list("pk", "archived_at"))
    assert archived[newer.pk] is None
    assert archived[older.pk] is not None

    rolled_back = _migrate(BEFORE).get_model("progress", "CheckIn").objects
    assert rolled_back.get(pk=with_feedback.pk).feedback == "Ship it"
