"""`manage.py load_taxonomy`: create the shipped roles, skills, backgrounds and templates."""

from django.core.management.base import BaseCommand

from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import


class Command(BaseCommand):
    help = "Load the shipped taxonomy (idempotent; never overwrites rows staff have edited)."

    def handle(self, *args, **options) -> None:
        created = taxonomy_import(data=reference_taxonomy())
        summary = ", ".join(f"{count} {kind}" for kind, count in created.items())
        self.stdout.write(f"Taxonomy loaded: created {summary}.")
