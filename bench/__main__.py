"""`python -m bench [engine|pipeline]`: one JSON line per figure on stdout, progress on stderr.

- `engine` (default when no argument): the pure engine and assignment figures.
- `pipeline`: the end-to-end run on PostgreSQL and Redis (needs `DATABASE_URL` and `REDIS_URL`).
- with no argument: `engine`, then `pipeline` when both URLs are set.

`BENCH_SCALE=small` runs a quick version of each.
"""

import os
import sys

from bench import engine, pipeline


def run() -> int:
    which = sys.argv[1:2]
    if which == ["pipeline"]:
        return pipeline.main()
    if which and which[0] != "engine":
        return engine.main(sys.argv[1:])
    status = engine.main([])
    if (
        not which
        and os.environ.get("DATABASE_URL", "").startswith("postgres")
        and os.environ.get("REDIS_URL")
    ):
        status = status or pipeline.main()
    return status


if __name__ == "__main__":
    sys.exit(run())
