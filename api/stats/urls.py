from django.urls import path

from api.stats import views

urlpatterns = [
    path("admin/stats", views.StatsView.as_view(), name="stats"),
    path("admin/stats.csv", views.StatsCsvView.as_view(), name="stats-csv"),
]
