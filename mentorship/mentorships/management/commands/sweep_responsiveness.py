"""`manage.py sweep_responsiveness`: the responsiveness sweep in the foreground (beat runs it
hourly)."""

from django.core.management.base import BaseCommand

from mentorship.mentorships.responsiveness import responsiveness_sweep


class Command(BaseCommand):
    help = "Remind mentors, expire unanswered requests, pause, bring back from away, tell staff."

    def handle(self, *args, **options) -> None:
        report = responsiveness_sweep()
        self.stdout.write(
            f"Declined for away {report.declined_away}, reminded {report.reminded}, "
            f"expired {report.expired}, paused {report.paused}, back from away "
            f"{report.returned}, staff digests {report.staff_digests} in {report.seconds:.1f} s."
        )
