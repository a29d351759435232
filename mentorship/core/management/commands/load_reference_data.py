"""Load every domain's shipped reference data; each loader is idempotent, so run it at will."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Each domain that ships reference data adds its own loader command here.
REFERENCE_DATA_COMMANDS: tuple[str, ...] = ("load_taxonomy",)


class Command(BaseCommand):
    help = "Load the reference data shipped with the project (idempotent)."

    def handle(self, *args, **options) -> None:
        if not REFERENCE_DATA_COMMANDS:
            self.stdout.write("No reference data to load.")
        for command in REFERENCE_DATA_COMMANDS:
            call_command(command, stdout=self.stdout, stderr=self.stderr)
