from django.urls import path

from api.progress import views

urlpatterns = [
    path("projects", views.ProjectListView.as_view(), name="project-list"),
    path("projects/<id:project_id>", views.ProjectDetailView.as_view(), name="project-detail"),
    path(
        "projects/<id:project_id>/archive",
        views.ProjectArchiveView.as_view(),
        name="project-archive",
    ),
    path(
        "projects/<id:project_id>/restore",
        views.ProjectRestoreView.as_view(),
        name="project-restore",
    ),
    path(
        "projects/<id:project_id>/milestones",
        views.MilestoneListView.as_view(),
        name="milestone-list",
    ),
    path(
        "projects/<id:project_id>/milestones/<id:milestone_id>",
        views.MilestoneDetailView.as_view(),
        name="milestone-detail",
    ),
    path("projects/<id:project_id>/comments", views.CommentListView.as_view(), name="comment-list"),
    path(
        "projects/<id:project_id>/progress", views.ProgressView.as_view(), name="project-progress"
    ),
    path(
        "projects/<id:project_id>/progress.svg",
        views.ProgressChartView.as_view(),
        name="project-progress-chart",
    ),
    path(
        "projects/<id:project_id>/experiments",
        views.ExperimentListView.as_view(),
        name="experiment-list",
    ),
    path("checkins", views.CheckInListView.as_view(), name="checkin-list"),
    path("checkins/<id:checkin_id>", views.CheckInDetailView.as_view(), name="checkin-detail"),
    path(
        "checkins/<id:checkin_id>/submit", views.CheckInSubmitView.as_view(), name="checkin-submit"
    ),
    path(
        "checkins/<id:checkin_id>/feedback",
        views.CheckInFeedbackView.as_view(),
        name="checkin-feedback",
    ),
]
