from django.apps import AppConfig


class MentorshipsConfig(AppConfig):
    name = "mentorship.mentorships"
    label = "mentorships"
    verbose_name = "Mentorships"
