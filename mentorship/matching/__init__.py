"""Matching: the scoring engine, the stable assignment, and (later) the match store.

`engine` and `assignment` are pure NumPy/SciPy/Python modules: they import nothing from Django so
that they can be unit-tested and benchmarked without a database, and run in any Celery worker.
"""
