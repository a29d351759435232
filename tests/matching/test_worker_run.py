"""A full matching run on Redis, spread as a group of chunk tasks over a real worker process."""

import pytest

from mentorship.matching.models import Match, MatchRun
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.matching.builders import make_mentee, make_mentor
from tests.polling import wait_for


@pytest.mark.services
def test_a_run_requested_through_the_api_is_done_by_the_worker(celery_worker, client_for, staff):
    taxonomy_import(data=reference_taxonomy())
    mentees = [make_mentee(role="data-scientist", skills={"python": 2}) for _ in range(5)]
    for role in ("data-scientist", "data-engineer", "data-analyst"):
        # Each has worked as a data scientist too: every pair is acceptable.
        make_mentor(
            roles=("data-scientist", role), skills={"python": 4, "pandas": 4, "sql": 4}, capacity=2
        )

    response = client_for(staff).post("/api/v1/admin/matching-runs")
    assert response.status_code == 202

    def finished():
        run = MatchRun.objects.get(pk=response.json()["id"])
        return run if run.status in ("done", "failed") else None

    run = wait_for(finished, timeout=60)
    assert run is not None, "the run did not finish"
    assert (run.status, run.error) == ("done", "")
    assert run.chunks_total == 3  # 5 mentees in chunks of 2 (the worker's MATCHING_CHUNK_SIZE)
    assert run.chunks_done == 3
    assert Match.objects.count() == run.matches_written == 15
    assert Match.objects.filter(suggested=True).count() == run.suggestions == 5
    assert set(Match.objects.values_list("mentee", flat=True)) == {m.pk for m in mentees}
