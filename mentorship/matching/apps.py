from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "mentorship.matching"
    label = "matching"
    verbose_name = "Matching"
