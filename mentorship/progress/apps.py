from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "mentorship.progress"
    label = "progress"
    verbose_name = "Progress"
