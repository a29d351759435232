"""`manage.py run_matching`: a full matching run in the foreground, with a progress bar."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from mentorship.matching import runs
from mentorship.matching.models import MatchRun

BAR_WIDTH = 40


class Command(BaseCommand):
    help = "Re-score every mentee against every mentor and propose one mentor each (no worker)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--mode",
            choices=MatchRun.Mode.values,
            default=None,
            help="How to suggest (default: MATCHING_ASSIGNMENT_MODE).",
        )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        run = MatchRun.objects.create(mode=options["mode"] or settings.MATCHING_ASSIGNMENT_MODE)
        try:
            chunks = runs.match_run_plan(run_id=run.pk)
            for done, chunk in enumerate(chunks, start=1):
                runs.match_chunk_score(run_id=run.pk, chunk=chunk)
                self._progress(done, len(chunks))
            runs.match_run_finish(run_id=run.pk)
        except Exception as error:
            runs.match_run_fail(run_id=run.pk, error=f"{type(error).__name__}: {error}")
            raise
        run.refresh_from_db()
        self.stdout.write(
            f"\nRun {run.pk} {run.status}: {run.mentees_total} mentees ({run.mentees_rescored} "
            f"re-scored), {run.mentors_total} mentors, {run.matches_written} matches, "
            f"{run.suggestions} suggestions in {time.perf_counter() - started:.1f} s."
        )

    def _progress(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total} chunks", ending="")
        self.stdout.flush()
