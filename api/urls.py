"""Routes of the API, version 1: `/api/v1/...`."""

from django.urls import include, path

import api.converters  # noqa: F401 (registers the `id` path converter)

app_name = "api"

urlpatterns = [
    path("v1/", include("api.accounts.urls")),
    path("v1/", include("api.taxonomy.urls")),
    path("v1/", include("api.profiles.urls")),
    path("v1/", include("api.mentorships.urls")),
    path("v1/", include("api.matching.urls")),
    path("v1/", include("api.progress.urls")),
    path("v1/", include("api.applications.urls")),
    path("v1/", include("api.stats.urls")),
]
