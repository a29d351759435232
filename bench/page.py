"""One uncached match page: the server's CPU for `GET /api/v1/matches` (20 matches), queries
counted, and where the time goes.

`python -m bench page` (needs `DATABASE_URL` pointing at PostgreSQL): a scratch database
(`<name>_page`, dropped afterwards) with the pipeline benchmark's pool at 4,000 mentees x 400
mentors (`BENCH_SCALE=small`: 2,000 x 200) and a full run with k = 20, so that a mentee's page
holds 20 matches as a mentor's does. Each page is requested through Django's test client with a
bearer token (the whole middleware, authentication, the view, rendering), the match-page cache
off (a dummy cache: every page is computed and rendered, as on a miss), and timed with
`time.process_time` (this process's CPU: Python and the database driver, not PostgreSQL's own
work). Then one pass with the queries counted, and a cProfile of the same pages: the share of
the serializers, the queries, the explanations' wording and taxonomy names, and rendering.

Then the same pages from the configured cache (Redis with `REDIS_URL`), as most requests are
served, with `DEBUG` off as in `bench load`: the CPU of a cached page, and a cProfile of it
(authentication, throttles, the page's cache reads, DRF's dispatch, the whole handler).
"""

import cProfile
import io
import os
import pstats
import statistics
import sys
import time

from bench.pipeline import emit, note, scratch_database, seed

SCALES = {"full": (4_000, 400), "small": (2_000, 200)}
PAGES = 60  # of each side
ROUNDS = 3
CACHED_REPEATS = 5  # a cached page costs little: more of them per round
URL = "/api/v1/matches"


def main() -> int:
    os.environ["MATCHING_TOP_K"] = "20"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    mentees, mentors = SCALES[os.environ.get("BENCH_SCALE", "full")]
    with scratch_database("_page"):
        return _pages(mentees, mentors)


def _clients() -> dict[str, list]:
    from django.db.models import Count
    from django.test import Client
    from knox.models import AuthToken

    from mentorship.accounts.models import User
    from mentorship.matching.models import Match

    full = {}
    for side in ("mentee", "mentor"):
        column = f"{side}_id"
        busy = (
            Match.objects.values(column)
            .annotate(listed=Count("id"))
            .filter(listed__gte=20)
            .order_by(column)
            .values_list(column, flat=True)[:PAGES]
        )
        full[side] = [
            Client(headers={"authorization": f"Bearer {AuthToken.objects.create(user)[1]}"})
            for user in User.objects.filter(pk__in=list(busy)).order_by("pk")
        ]
    return full


def _pages(mentees: int, mentors: int) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from mentorship.celery import app

    app.conf.task_always_eager = True  # nothing goes to a broker here
    seed(mentees, mentors)
    call_command("run_matching", verbosity=0)
    clients = _clients()
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    status = 0
    with override_settings(CACHES=dummy):
        for side, group in clients.items():
            if len(group) < PAGES:
                note(f"only {len(group)} {side}s with 20 matches")
            for client in group:  # warm: connections, URLconf, first queries
                response = client.get(URL)
                if response.status_code != 200 or len(response.json()["results"]) != 20:
                    note(f"{side} page: {response.status_code}, not 20 matches")
                    status = 1
            per_page = []
            for _ in range(ROUNDS):
                started = time.process_time()
                for client in group:
                    client.get(URL)
                per_page.append((time.process_time() - started) / len(group) * 1000)
            best = min(per_page)
            note(f"{side} page CPU per round: " + ", ".join(f"{v:.2f}" for v in per_page) + " ms")
            emit(f"page_{side}_matches_20_cpu_ms", best, "ms", "<= 10")
            with CaptureQueriesContext(connection) as queries:
                group[0].get(URL)
            emit(f"page_{side}_matches_20_queries", len(queries), "queries", "")
            note(f"{side} page queries: " + " | ".join(q["sql"][:90] for q in queries))
            _profile(side, group)
            wall = []
            for client in group:
                started = time.perf_counter()
                client.get(URL)
                wall.append((time.perf_counter() - started) * 1000)
            emit(f"page_{side}_matches_20_wall_median_ms", statistics.median(wall), "ms", "")
    with override_settings(DEBUG=False):  # as gunicorn serves them in `bench load`
        for side, group in clients.items():
            _cached(side, group)
    return status


def _cached(side: str, group: list) -> None:
    """A page served from the cache: its CPU per request, and where that goes."""
    from django.core.cache import cache

    cache.clear()
    for client in group:  # each page computed once and cached
        client.get(URL)
    per_page = []
    for _ in range(ROUNDS):
        started = time.process_time()
        for _ in range(CACHED_REPEATS):
            for client in group:
                client.get(URL)
        per_page.append((time.process_time() - started) / len(group) / CACHED_REPEATS * 1000)
    note(f"{side} cached page CPU per round: " + ", ".join(f"{v:.3f}" for v in per_page) + " ms")
    emit(f"page_{side}_matches_20_cached_cpu_ms", min(per_page), "ms", "")
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(CACHED_REPEATS):
        for client in group:
            client.get(URL)
    profiler.disable()
    _shares(
        f"{side} cached page",
        pstats.Stats(profiler),
        {
            "authentication": ("perform_authentication", "rest_framework/views.py"),
            "throttles": ("check_throttles", "rest_framework/views.py"),
            "the view (list)": ("list", "api/matching/views.py"),
            "page cache reads": ("page_read", "mentorship/matching/cache.py"),
            "content negotiation": ("perform_content_negotiation", "rest_framework/views.py"),
            "DRF dispatch": ("dispatch", "rest_framework/views.py"),
            "Django handler (whole request)": ("get_response", "django/core/handlers/base.py"),
        },
    )
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(60)
    print(out.getvalue(), file=sys.stderr)


def _profile(side: str, group: list) -> None:
    """Where a page's time goes: cumulative CPU of the parts, as shares of the whole."""
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for client in group:
        client.get(URL)
    profiler.disable()
    stats = pstats.Stats(profiler)
    parts = {
        "queries (execute + fetch)": ("execute", "django/db/backends/utils.py"),
        "model instances": ("from_db", "django/db/models/base.py"),
        "serializers": ("to_representation", "api/matching/serializers.py"),
        "wording": ("render", "mentorship/matching/wording.py"),
        "taxonomy names": ("names_for", "mentorship/matching/wording.py"),
        "JSON rendering": ("render", "rest_framework/renderers.py"),
        "list reasons": ("match_list_reasons", "mentorship/matching/selectors.py"),
        "authentication": ("authenticate", "knox/auth.py"),
    }
    _shares(f"{side} page", stats, parts)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
    print(out.getvalue(), file=sys.stderr)


def _shares(what: str, stats: pstats.Stats, parts: dict[str, tuple[str, str]]) -> None:
    """Each part's cumulative CPU as a share of the whole profile."""
    total = stats.total_tt  # type: ignore[attr-defined]
    for label, (function, path) in parts.items():
        seconds = sum(
            entry[3]
            for (filename, _, name), entry in stats.stats.items()  # type: ignore[attr-defined]
            if name == function and filename.endswith(path)
        )
        note(f"{what} profile: {label}: {seconds / total:.0%}")


if __name__ == "__main__":
    sys.exit(main())
