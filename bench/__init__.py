"""Benchmarks: `python -m bench` prints one JSON line per figure (BENCH_SCALE=small: quick run).

No Django import and no database: the matching engine and the assignment are pure functions of
arrays, benchmarked on a seeded synthetic pool (`bench.engine.synthetic_pool`).
"""
