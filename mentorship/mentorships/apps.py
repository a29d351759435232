from django.apps import AppConfig


class MentorshipsConfig(AppConfig):
    name = "mentorship.mentorships"
    label = "mentorships"
    verbose_name = "Mentorships"

    def ready(self) -> None:
        from mentorship.accounts.events import account_deleting, account_exporting
        from mentorship.mentorships import subscribers, tasks  # noqa: F401 (tasks: registered)
        from mentorship.profiles.events import mentor_away, mentor_unapproved

        account_deleting.connect(subscribers.on_account_deleting, dispatch_uid="mentorships.delete")
        account_exporting.connect(
            subscribers.on_account_exporting, dispatch_uid="mentorships.export"
        )
        mentor_unapproved.connect(
            subscribers.on_mentor_unapproved, dispatch_uid="mentorships.unapproved"
        )
        mentor_away.connect(subscribers.on_mentor_away, dispatch_uid="mentorships.away")
