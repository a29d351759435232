from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "mentorship.matching"
    label = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from mentorship.accounts.events import account_deleting, account_exporting
        from mentorship.matching import subscribers, tasks  # noqa: F401 (tasks: registered)
        from mentorship.mentorships import events as mentorship_events
        from mentorship.profiles.events import profile_changed

        profile_changed.connect(subscribers.on_profile_changed, dispatch_uid="matching.profile")
        mentorship_events.mentorship_started.connect(
            subscribers.on_mentorship_changed, dispatch_uid="matching.mentorship_started"
        )
        mentorship_events.mentorship_ended.connect(
            subscribers.on_mentorship_changed, dispatch_uid="matching.mentorship_ended"
        )
        mentorship_events.request_declined.connect(
            subscribers.on_request_declined, dispatch_uid="matching.request_declined"
        )
        mentorship_events.requests_expired.connect(
            subscribers.on_requests_expired, dispatch_uid="matching.requests_expired"
        )
        account_deleting.connect(subscribers.on_account_deleting, dispatch_uid="matching.delete")
        account_exporting.connect(subscribers.on_account_exporting, dispatch_uid="matching.export")
