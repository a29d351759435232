from django.urls import path

from api.matching import views

urlpatterns = [
    path("matches", views.MatchListView.as_view(), name="match-list"),
    path("admin/matching-runs", views.MatchRunListView.as_view(), name="matching-run-list"),
    path(
        "admin/matching-runs/<id:run_id>",
        views.MatchRunDetailView.as_view(),
        name="matching-run-detail",
    ),
]
