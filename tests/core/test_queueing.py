"""Work enqueued by task name: every name the services use is a registered task, and a send
that fails (broker down) is logged, never raised into the request."""

import logging

import pytest

from mentorship.core.queueing import enqueue_on_commit, task_names_unknown
from mentorship.matching import runs
from mentorship.notifications import services as notifications


def test_every_task_name_the_services_enqueue_is_registered():
    names = [*runs.TASK_NAMES, notifications.DELIVER_ONE, notifications.DELIVER_MANY]

    assert task_names_unknown(names) == []
    assert task_names_unknown(["mentorship.matching.tasks.no_such_task"]) == [
        "mentorship.matching.tasks.no_such_task"
    ]


@pytest.mark.django_db
def test_a_send_that_fails_is_logged_and_not_raised(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr("celery.canvas.Signature.apply_async", broker_down)

    with (
        caplog.at_level(logging.ERROR, logger="mentorship.core.queueing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue_on_commit(runs.REFRESH_MENTEE_TASK, 1)

    assert "could not enqueue mentorship.matching.tasks.matches_refresh_mentee" in caplog.text
