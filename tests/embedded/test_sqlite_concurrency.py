"""SQLite takes concurrent writes from gunicorn's threads and the worker: 20 people signing up, then
logging in, then writing their profile, each 20 at the same moment, all succeed.

gunicorn runs 2 processes of 10 threads, so that all 20 requests are in the database at once,
while the worker delivers the welcome emails and re-scores the new profiles on the same file.
"""

from bench.embedded import concurrent_writes

CLIENTS = 20


def test_twenty_simultaneous_sign_ups_logins_and_profile_writes_all_succeed(embedded):
    web = {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "10"}
    with embedded.processes("web", "worker", **web) as running:
        outcomes = concurrent_writes(running, clients=CLIENTS, prefix="writer")
        log = running.output()
    stored = embedded.call("users_count", prefix="writer")

    assert outcomes["signups"].statuses == [201] * CLIENTS, log
    assert outcomes["logins"].statuses == [200] * CLIENTS, log
    assert outcomes["profile_writes"].statuses == [201] * CLIENTS, log
    assert stored == CLIENTS
