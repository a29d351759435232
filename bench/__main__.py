"""`python -m bench [engine|quality|embedded|pipeline|sweep|stats|page|load]`: one JSON line per
figure on stdout (`{"name", "value", "unit", "target"}`), progress on stderr.

- `engine`: the pure engine and assignment figures.
- `quality`: matching quality on planted pools (placements, blocking pairs, concentration).
- `embedded`: the embedded default (SQLite, filesystem broker, no server) under real use.
- `pipeline`: the end-to-end matching run on PostgreSQL and Redis (`DATABASE_URL`, `REDIS_URL`):
  from scratch, against the write limit (COPY + engine), and nightly runs after small changes.
- `sweep`: the weekly check-in sweep over 100,000 mentorships on PostgreSQL.
- `stats`: the staff's programme health report over 100,000 mentees with a year of history
  (PostgreSQL).
- `page`: the server's CPU for one uncached match page, queries counted (PostgreSQL).
- `load`: gunicorn under mixed traffic from locust (needs requirements-bench.txt).
- with no argument: every one of them, each in a process of its own (the database ones on a
  scratch database of their own, `<DATABASE_URL's name>_<benchmark>`, dropped afterwards) when
  `DATABASE_URL` names PostgreSQL and `REDIS_URL` is set, else the first three. Exits non-zero
  when any benchmark failed to run, after running the others.

`BENCH_SCALE=small` runs a quick version of each.
"""

import os
import subprocess
import sys
import time

LOCAL = ("engine", "quality", "embedded")
WITH_SERVICES = ("pipeline", "sweep", "stats", "page", "load")


def _one(which: str, argv: list[str]) -> int:
    if which == "pipeline":
        from bench import pipeline

        return pipeline.main()
    if which == "sweep":
        from bench import sweep

        return sweep.main()
    if which == "stats":
        from bench import stats

        return stats.main()
    if which == "quality":
        from bench import quality

        return quality.main()
    if which == "embedded":
        from bench import embedded

        return embedded.main()
    if which == "page":
        from bench import page

        return page.main()
    if which == "load":
        from bench import load  # needs requirements-bench.txt

        return load.main()
    from bench import engine

    return engine.main(argv)


def _all() -> int:
    names = list(LOCAL)
    if os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL"):
        names += WITH_SERVICES
    else:
        print(
            "bench: DATABASE_URL (PostgreSQL) and REDIS_URL not both set: skipping "
            + ", ".join(WITH_SERVICES),
            file=sys.stderr,
            flush=True,
        )
    failed = []
    for name in names:
        started = time.perf_counter()
        print(f"bench: --- {name} ---", file=sys.stderr, flush=True)
        # A process each: Django is set up once per process, on that benchmark's database.
        status = subprocess.call([sys.executable, "-m", "bench", name])  # noqa: S603
        seconds = time.perf_counter() - started
        print(f"bench: {name} exited {status} after {seconds:.0f} s", file=sys.stderr, flush=True)
        if status != 0:
            failed.append(name)
    if failed:
        print(f"bench: FAILED: {', '.join(failed)}", file=sys.stderr, flush=True)
        return 1
    return 0


def run() -> int:
    if not sys.argv[1:]:
        return _all()
    which = sys.argv[1]
    if which in (*LOCAL, *WITH_SERVICES) and which != "engine":
        return _one(which, [])
    return _one("engine", sys.argv[2:] if which == "engine" else sys.argv[1:])


if __name__ == "__main__":
    sys.exit(run())
