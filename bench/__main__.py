"""`python -m bench [engine|quality|embedded|pipeline|sweep|load]`: one JSON line per figure on
stdout, progress on stderr.

- `engine`: the pure engine and assignment figures.
- `quality`: matching quality on planted pools (placements, blocking pairs, concentration).
- `embedded`: the embedded default (SQLite, filesystem broker, no server) under real use.
- `pipeline`: the end-to-end matching run on PostgreSQL and Redis (`DATABASE_URL`, `REDIS_URL`).
- `sweep`: the weekly check-in sweep over 100,000 mentorships on PostgreSQL.
- `load`: gunicorn under mixed traffic from locust (needs requirements-bench.txt).
- with no argument: `engine`, `quality` and `embedded`, then `pipeline`, `sweep` and `load` when
  both URLs are set.

`BENCH_SCALE=small` runs a quick version of each.
"""

import os
import sys

from bench import embedded, engine, pipeline, quality, sweep


def run() -> int:
    which = sys.argv[1:2]
    if which == ["pipeline"]:
        return pipeline.main()
    if which == ["sweep"]:
        return sweep.main()
    if which == ["quality"]:
        return quality.main()
    if which == ["embedded"]:
        return embedded.main()
    if which == ["load"]:
        from bench import load  # needs requirements-bench.txt

        return load.main()
    if which and which[0] != "engine":
        return engine.main(sys.argv[1:])
    status = engine.main([])
    if not which:
        status = status or quality.main() or embedded.main()
    if (
        not which
        and os.environ.get("DATABASE_URL", "").startswith("postgres")
        and os.environ.get("REDIS_URL")
    ):
        status = status or pipeline.main() or sweep.main()
        from bench import load

        status = status or load.main()
    return status


if __name__ == "__main__":
    sys.exit(run())
