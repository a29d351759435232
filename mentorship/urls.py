"""Top-level routes: the admin, the API and its schema and docs, and the health check."""

from django.conf import settings
from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from mentorship.core.health import HealthView
from mentorship.stats.admin import programme_health_view

admin.site.site_header = "Mentorship matching: staff"
admin.site.site_title = "Mentorship staff"
admin.site.index_template = "admin/stats/index.html"  # links the programme health page

urlpatterns = [
    path(
        "admin/programme-health/",
        admin.site.admin_view(programme_health_view),
        name="admin-programme-health",
    ),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/", include("api.urls")),
    path("health/", HealthView.as_view(), name="health"),
]

if settings.BENCH_VIEWS:  # `bench load` only: the baseline of the throughput ratio

    def bare_view(request):
        return JsonResponse({"ok": True})

    urlpatterns.append(path("bench/bare", bare_view))

handler400 = "api.errors.bad_request"
handler403 = "api.errors.permission_denied"
handler404 = "api.errors.not_found"
handler500 = "api.errors.server_error"
