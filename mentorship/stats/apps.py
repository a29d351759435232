from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "mentorship.stats"
    label = "stats"
    verbose_name = "Programme health"
