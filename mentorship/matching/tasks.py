"""Celery tasks for matching: thin wrappers over the services; each is safe to run twice."""

from celery import group, shared_task
from celery.contrib.django.task import DjangoTask

from mentorship.matching import services

RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 3}


class RunTask(DjangoTask):
    """A task of a run whose last failure (after its retries) marks the run failed."""

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        run_id = kwargs.get("run_id", args[0] if args else None)
        if run_id is not None:
            services.match_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(base=RunTask, **RETRY)
def run_matching(run_id: int) -> int:
    """Plan the run and spread its chunks over the workers as a group; returns the chunk count."""
    chunks = services.match_run_plan(run_id=run_id)
    if not chunks:
        services.match_run_finish(run_id=run_id)
        return 0
    group(
        score_match_chunk.s(run_id, chunk.index, chunk.first_id, chunk.last_id) for chunk in chunks
    ).apply_async()
    return len(chunks)


@shared_task(bind=True, base=RunTask, **RETRY)
def score_match_chunk(self, run_id: int, index: int, first_id: int, last_id: int) -> int:
    chunk = services.ChunkSpec(index=index, first_id=first_id, last_id=last_id)
    written = services.match_chunk_score(
        run_id=run_id, chunk=chunk, worker=self.request.hostname or ""
    )
    services.match_run_finish(run_id=run_id)
    return written


@shared_task(**RETRY)
def refresh_mentee_matches(mentee_id: int) -> int:
    return services.matches_refresh_mentees(mentee_ids=[mentee_id])


@shared_task(**RETRY)
def refresh_mentor_matches(mentor_id: int) -> int:
    return services.matches_refresh_mentor(mentor_id=mentor_id)


@shared_task
def start_nightly_run() -> int:
    return services.match_run_start(by=None).pk


@shared_task
def redispatch_stuck_runs() -> int:
    return services.match_runs_redispatch_stuck()
