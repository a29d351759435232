"""Matching: mentors ranked and explained for every mentee, and one suggested mentor each.

A full run reads one way: `runs` (start, plan, chunk, finish: the only module that enqueues
matching work) -> `tasks` -> `scoring`, which for each batch of mentees loads the arrays
(`features`), ranks them (`engine`), explains each pair as codes (`explanations`) and writes the
matches (`store`); the run's last chunk calls `suggestions`, the stable assignment
(`assignment`) over the stored lists. `refresh` re-scores what one profile change touches;
`subscribers` react to what profiles and mentorships announce; `wording` puts explanation codes
into words for each reader; `selectors` are the reads; `cache` versions the cached match pages.

`engine` and `assignment` are pure NumPy/SciPy/Python: they import nothing from Django, so they
are unit-tested and benchmarked without a database and run in any Celery worker.
"""
