"""Routes of the API, version 1: `/api/v1/...`."""

from django.urls import include, path

import api.converters  # noqa: F401 (registers the `id` path converter)

app_name = "api"

# Django tries the patterns in order, so the most read endpoint (`matches`) comes first: its
# routes overlap none of the others (tests/api/test_routes.py), and the cached match page no
# longer tries some forty routes of accounts, taxonomy, profiles and mentorships before its own.
urlpatterns = [
    path("v1/", include("api.matching.urls")),
    path("v1/", include("api.accounts.urls")),
    path("v1/", include("api.taxonomy.urls")),
    path("v1/", include("api.profiles.urls")),
    path("v1/", include("api.mentorships.urls")),
    path("v1/", include("api.progress.urls")),
    path("v1/", include("api.applications.urls")),
    path("v1/", include("api.stats.urls")),
]
