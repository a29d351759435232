from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mentorship.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from mentorship.accounts import tasks  # noqa: F401 (registered for beat)
