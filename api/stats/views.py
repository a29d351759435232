"""Programme health for staff: `GET /admin/stats` (JSON) and `GET /admin/stats.csv`."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import IsStaff
from api.progress.views import JSONErrorsOnly
from api.stats.serializers import StatsQuerySerializer, StatsSerializer
from api.throttling import ScopedRateThrottle
from mentorship.stats import export, selectors


def _report(request: Request) -> dict:
    query = StatsQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    window = selectors.stats_window(
        start=query.validated_data.get("from"), end=query.validated_data.get("to")
    )
    return selectors.programme_health(window=window).report


class StatsView(APIView):
    permission_classes = [IsStaff]
    throttle_classes = [*APIView.throttle_classes, ScopedRateThrottle]
    throttle_scope = "stats"  # a report reads the whole programme's history

    @extend_schema(
        parameters=[StatsQuerySerializer],
        responses={200: StatsSerializer},
        summary="Programme health: funnel, time to hire, responsiveness, check-ins, ratings",
    )
    def get(self, request: Request) -> Response:
        return Response(StatsSerializer(_report(request)).data)


class StatsCsvView(APIView):
    permission_classes = [IsStaff]
    content_negotiation_class = JSONErrorsOnly
    throttle_classes = [*APIView.throttle_classes, ScopedRateThrottle]
    throttle_scope = "stats"

    @extend_schema(
        parameters=[StatsQuerySerializer],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
        summary="The programme health report as CSV: one row per figure and target role",
    )
    def get(self, request: Request) -> HttpResponse:
        report = _report(request)
        start, end = report["from"].isoformat(), report["to"].isoformat()
        response = HttpResponse(export.report_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="programme-health-{start}-{end}.csv"'
        )
        return response  # no-store: `api.caching`
