from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "mentorship.applications"
    label = "applications"
    verbose_name = "Job search"

    def ready(self) -> None:
        from mentorship.accounts.events import account_deleting, account_exporting
        from mentorship.applications import subscribers

        account_deleting.connect(
            subscribers.on_account_deleting, dispatch_uid="applications.delete"
        )
        account_exporting.connect(
            subscribers.on_account_exporting, dispatch_uid="applications.export"
        )
