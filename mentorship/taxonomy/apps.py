from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "mentorship.taxonomy"
    label = "taxonomy"
    verbose_name = "Taxonomy"
