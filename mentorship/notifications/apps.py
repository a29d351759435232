from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "mentorship.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # The outbox enqueues its deliveries by task name: register the tasks in every process.
        from mentorship.notifications import tasks  # noqa: F401
