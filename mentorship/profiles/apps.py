from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "mentorship.profiles"
    label = "profiles"
    verbose_name = "Profiles"
