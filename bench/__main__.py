"""`python -m bench`: one JSON line per figure on stdout, progress on stderr.

`BENCH_SCALE=small python -m bench` runs a quick version (5,000 mentees x 500 mentors).
"""

import sys

from bench.engine import main

if __name__ == "__main__":
    sys.exit(main())
