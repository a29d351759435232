from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "mentorship.profiles"
    label = "profiles"
    verbose_name = "Profiles"

    def ready(self) -> None:
        from mentorship.accounts.events import account_deleting, account_exporting
        from mentorship.profiles import subscribers

        account_deleting.connect(subscribers.on_account_deleting, dispatch_uid="profiles.delete")
        account_exporting.connect(subscribers.on_account_exporting, dispatch_uid="profiles.export")
