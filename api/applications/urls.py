from django.urls import path

from api.applications import views

urlpatterns = [
    path("applications", views.ApplicationListView.as_view(), name="application-list"),
    path(
        "applications/<id:application_id>",
        views.ApplicationDetailView.as_view(),
        name="application-detail",
    ),
    path(
        "applications/<id:application_id>/interviews",
        views.InterviewListView.as_view(),
        name="application-interviews",
    ),
    path(
        "applications/<id:application_id>/comments",
        views.ApplicationCommentView.as_view(),
        name="application-comments",
    ),
    path("me/hired", views.HiredView.as_view(), name="me-hired"),
]
