from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "mentorship.progress"
    label = "progress"
    verbose_name = "Progress"

    def ready(self) -> None:
        from mentorship.accounts.events import account_deleting, account_exporting
        from mentorship.applications.events import application_rejected
        from mentorship.mentorships.events import mentorship_ended
        from mentorship.progress import subscribers, tasks  # noqa: F401 (tasks: registered)

        mentorship_ended.connect(subscribers.on_mentorship_ended, dispatch_uid="progress.ended")
        application_rejected.connect(
            subscribers.on_application_rejected, dispatch_uid="progress.application_rejected"
        )
        account_deleting.connect(subscribers.on_account_deleting, dispatch_uid="progress.delete")
        account_exporting.connect(subscribers.on_account_exporting, dispatch_uid="progress.export")
