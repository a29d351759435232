"""`manage.py open_checkins`: the weekly check-in sweep in the foreground (beat runs it hourly)."""

from django.core.management.base import BaseCommand

from mentorship.progress.sweep import open_weekly_checkins


class Command(BaseCommand):
    help = "Open this week's check-ins, remind, mark missed, flag stalls, send digests."

    def handle(self, *args, **options) -> None:
        report = open_weekly_checkins()
        self.stdout.write(
            f"Opened {report.opened}, reminded {report.reminded}, missed {report.missed}, "
            f"stalled {report.stalled}, digests {report.digests}, follow-ups "
            f"{report.follow_ups} in {report.seconds:.1f} s."
        )
