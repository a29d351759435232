"""Two worker processes on the matching queue share one run, and store what one worker stores."""

import pytest

from mentorship.matching.models import Match, MatchRun, MatchRunChunk
from mentorship.matching.runs import match_run_start
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.conftest import running_workers
from tests.matching.builders import make_mentee, make_mentor
from tests.polling import wait_for

ROLES = ("data-scientist", "data-engineer", "data-analyst", "machine-learning-engineer")


def run_and_wait(staff) -> MatchRun:
    from django.db import transaction

    with transaction.atomic():
        run = match_run_start(by=staff)
    done = wait_for(
        lambda: MatchRun.objects.filter(pk=run.pk, status__in=["done", "failed"]).first(), 90
    )
    assert done is not None, "the run did not finish"
    assert done.status == "done", done.error
    return done


def stored() -> list[tuple]:
    return list(
        Match.objects.order_by("mentee_id", "rank").values_list(
            "mentee_id", "mentor_id", "rank", "score", "suggested"
        )
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_workers_share_a_run_and_store_what_one_worker_stores(database_url, tmp_path, staff):
    taxonomy_import(data=reference_taxonomy())
    for index in range(24):
        make_mentee(role=ROLES[index % 4], skills={"python": 1 + index % 3, "sql": 2})
    for index in range(8):
        make_mentor(
            roles=(ROLES[index % 4],),
            skills={"python": 4, "sql": 3 + index % 3, "pandas": 4, "apache-spark": 3},
            capacity=1 + index % 3,
        )

    # One worker writing on its own connection, batch after batch; then two workers, each
    # writing every mentee's batch on a connection of its own, two connections each.
    inline = {"MATCHING_WRITE_CONNECTIONS": "0"}
    with running_workers(1, database_url, tmp_path, env=inline):
        alone = run_and_wait(staff)
    single = stored()
    parallel = {"MATCHING_WRITE_CONNECTIONS": "2", "MATCHING_BATCH_SIZE": "1"}
    with running_workers(2, database_url, tmp_path, env=parallel) as names:
        shared = run_and_wait(staff)

    assert alone.chunks_total == shared.chunks_total == 12  # 24 mentees, chunks of 2
    workers = set(MatchRunChunk.objects.filter(run=shared).values_list("worker", flat=True))
    assert workers == set(names), "both workers scored chunks"
    assert stored() == single
