"""Ranked, explained matches for mentees and mentors; matching runs for staff."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.matching.serializers import (
    MatchFilterSerializer,
    MatchRunCreatedSerializer,
    MatchRunSerializer,
    MatchSerializer,
)
from api.permissions import IsStaff
from api.throttling import ScopedRateThrottle
from mentorship.matching import selectors, services


class MatchListView(ListAPIView):
    """A mentee's mentors, or a mentor's mentees, best first, with why."""

    serializer_class = MatchSerializer

    def get_queryset(self):
        filters = MatchFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.match_list(
            user=self.request.user, min_score=filters.validated_data.get("min_score")
        )

    @extend_schema(
        parameters=[OpenApiParameter("min_score", float, description="Only scores >= this (0..1)")]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MatchRunListView(ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = MatchRunSerializer
    throttle_scope = "matching_run"  # a full run is minutes of work for every worker

    def get_throttles(self):
        throttles = super().get_throttles()
        return [*throttles, ScopedRateThrottle()] if self.request.method == "POST" else throttles

    def get_queryset(self):
        return selectors.match_run_list()

    @extend_schema(request=None, responses={202: MatchRunCreatedSerializer})
    def post(self, request: Request) -> Response:
        run = services.match_run_start(by=request.user)
        return Response(MatchRunCreatedSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class MatchRunDetailView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={200: MatchRunSerializer})
    def get(self, request: Request, run_id: int) -> Response:
        return Response(MatchRunSerializer(selectors.match_run_get(run_id=run_id)).data)
