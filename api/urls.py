"""Routes of the API, version 1: `/api/v1/...`."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("v1/", include("api.accounts.urls")),
    path("v1/", include("api.taxonomy.urls")),
    path("v1/", include("api.profiles.urls")),
    path("v1/", include("api.mentorships.urls")),
]
