from django.urls import path

from api.profiles import views

urlpatterns = [
    path("me/mentee-profile", views.MenteeProfileView.as_view(), name="mentee-profile"),
    path("me/mentor-profile", views.MentorProfileView.as_view(), name="mentor-profile"),
    path("me/skill-gap", views.SkillGapView.as_view(), name="skill-gap"),
    path(
        "me/job-descriptions",
        views.JobDescriptionListView.as_view(),
        name="job-description-list",
    ),
    path(
        "me/job-descriptions/<id:job_description_id>",
        views.JobDescriptionDetailView.as_view(),
        name="job-description-detail",
    ),
    path("mentors/<id:mentor_id>", views.MentorPublicView.as_view(), name="mentor-detail"),
    path(
        "admin/mentors/<id:mentor_id>/approve",
        views.MentorApproveView.as_view(),
        name="mentor-approve",
    ),
    path(
        "admin/mentors/<id:mentor_id>/unapprove",
        views.MentorUnapproveView.as_view(),
        name="mentor-unapprove",
    ),
]
