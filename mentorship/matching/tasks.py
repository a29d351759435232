"""Celery tasks for matching: thin wrappers over `runs` and `refresh`; each is safe to run twice.

Task names are the functions they call, and are what `runs` enqueues by.
"""

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from mentorship.matching import refresh, runs

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 3}


class RunTask(DjangoTask):
    """A task of a run whose last failure (after its retries) marks the run failed."""

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        run_id = kwargs.get("run_id", args[0] if args else None)
        if run_id is not None:
            runs.match_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(base=RunTask, **RETRY)
def match_run_execute(run_id: int) -> int:
    """Plan the run and spread its chunks over the workers; returns the chunk count."""
    return runs.match_run_execute(run_id=run_id)


@shared_task(bind=True, base=RunTask, **RETRY)
def match_chunk_score(self, run_id: int, index: int, first_id: int, last_id: int) -> int:
    chunk = runs.ChunkSpec(index=index, first_id=first_id, last_id=last_id)
    written = runs.match_chunk_score(run_id=run_id, chunk=chunk, worker=self.request.hostname or "")
    runs.match_run_finish(run_id=run_id)
    return written


@shared_task(**RETRY)
def matches_refresh_mentee(mentee_id: int) -> int:
    return refresh.matches_refresh_mentees(mentee_ids=[mentee_id])


@shared_task(**RETRY)
def matches_refresh_mentor(mentor_id: int) -> int:
    return refresh.matches_refresh_mentor(mentor_id=mentor_id)


@shared_task
def match_run_start_nightly() -> int:
    return runs.match_run_start(by=None).pk


@shared_task
def match_runs_redispatch_stuck() -> int:
    return runs.match_runs_redispatch_stuck()
