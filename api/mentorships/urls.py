from django.urls import path

from api.mentorships import views

urlpatterns = [
    path(
        "mentorship-requests",
        views.MentorshipRequestListView.as_view(),
        name="mentorship-request-list",
    ),
    path(
        "mentorship-requests/<id:request_id>/accept",
        views.RequestAcceptView.as_view(),
        name="mentorship-request-accept",
    ),
    path(
        "mentorship-requests/<id:request_id>/decline",
        views.RequestDeclineView.as_view(),
        name="mentorship-request-decline",
    ),
    path(
        "mentorship-requests/<id:request_id>/cancel",
        views.RequestCancelView.as_view(),
        name="mentorship-request-cancel",
    ),
    path("mentorships", views.MentorshipListView.as_view(), name="mentorship-list"),
    path(
        "mentorships/<id:mentorship_id>/end",
        views.MentorshipEndView.as_view(),
        name="mentorship-end",
    ),
    path(
        "mentorships/<id:mentorship_id>/feedback",
        views.MentorshipFeedbackView.as_view(),
        name="mentorship-feedback",
    ),
    path("me/feedback", views.FeedbackDueView.as_view(), name="me-feedback"),
]
