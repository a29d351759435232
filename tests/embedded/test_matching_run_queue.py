"""A staff matching run does not wait behind bulk work: `make run`'s workers on the embedded default
finish it while the emails queued before it are still being sent.

The `worker` starts sending while the emails are still being queued, so the backlog is larger than
the benchmark's 400: on an idle machine the worker sends about one for every two queued, and 400
left too few behind the run to tell the order apart from a tie.
"""

BACKLOG = 1000


def test_a_run_requested_behind_a_full_email_queue_is_done_before_the_queue_drains(embedded):
    with embedded.processes("worker", "matching"):
        # Given a small pool whose profile writes queued their re-scoring
        pool = embedded.call("seed_pool", mentees=30, mentors=8)
        # When 1,000 emails are queued, and right after them staff request a run
        run_id = embedded.call(
            "run_behind_emails", emails=BACKLOG, batch="backlog", staff=pool["staff"]
        )
        run = embedded.call("run_wait", run_id=run_id, timeout=120)
        emails = embedded.call(
            "emails_wait", batch="backlog", timeout=300, moment=run["finished_at"]
        )

    # Then it is done, every mentee matched, while emails queued before it were still waiting
    assert run["status"] == "done", run
    assert (run["mentees"], run["mentors"]) == (30, 8)
    assert run["matches"] >= 30
    assert emails["waiting_at_moment"] > 0, (run, emails)
    # and the emails were all sent afterwards
    assert emails["sent"] == BACKLOG, emails
