"""Ranked, explained matches for mentees and mentors; matching runs for staff."""

import hashlib
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import request_user
from api.matching.serializers import (
    MatchFilterSerializer,
    MatchRunCreatedSerializer,
    MatchRunInputSerializer,
    MatchRunSerializer,
    MatchSerializer,
    match_page_data,
)
from api.pagination import PageNumberPagination
from api.permissions import IsStaff
from api.throttling import ScopedRateThrottle
from mentorship.matching import runs, selectors
from mentorship.matching.cache import page_keys, page_read, page_store
from mentorship.matching.wording import Reader


class MatchPagination(PageNumberPagination):
    """Pages of matches with `reasons`: why the list is empty or shorter than k.

    The `next` and `previous` links carry only the known parameters, in their normal form
    (`known_query`, set by the view), so a cached page is the same whatever else the query held.
    """

    known_query: dict[str, str] | None = None

    def _link(self, page_number: int | None) -> str:
        request = self.request
        assert request is not None  # noqa: S101 (links are built while paginating a request)
        url = request.build_absolute_uri(request.path)
        query = dict(self.known_query or {})
        if page_number is not None:
            query[self.page_query_param] = str(page_number)
        return f"{url}?{urlencode(query)}" if query else url

    def get_next_link(self) -> str | None:
        page = self.page
        if self.known_query is None or page is None or not page.has_next():
            return super().get_next_link()
        return self._link(page.next_page_number())

    def get_previous_link(self) -> str | None:
        page = self.page
        if self.known_query is None or page is None or not page.has_previous():
            return super().get_previous_link()
        previous = page.previous_page_number()
        return self._link(None if previous == 1 else previous)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["reasons"] = {
            "type": "array",
            "description": "Present when the list holds fewer than k matches: why, as codes "
            "(no_profile, hired, awaiting_approval, away (with away_until), paused, "
            "not_accepting, no_approved_mentors, "
            "no_shared_language (with the languages that would help), no_free_capacity, "
            "below_min_score, all_excluded, pending_refresh, no_mentees_matched) with a "
            "message.",
            "items": {
                "type": "object",
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                "required": ["code", "message"],
                "additionalProperties": True,
            },
        }
        return paginated


class MatchListView(ListAPIView):
    """A mentee's mentors, or a mentor's mentees, best first, with why; and why a list is short.

    Pages are cached per user and known parameters (`min_score`, `page`, `page_size`, each in
    its normal form: `?min_score=0.50&junk=1` is the page of `?min_score=0.5`; anything else in
    the query is ignored and makes no new key) with the generation and the user's stamp they
    were computed under (`mentorship.matching.cache`), for at most `PAGE_TTL` seconds: the most
    read endpoint does no query beyond authentication until that user's matches, or a profile
    they show, change.
    """

    serializer_class = MatchSerializer
    pagination_class = MatchPagination
    # Every write a page shows invalidates it (see `mentorship.matching.cache`); the TTL only
    # bounds what no event covers, such as a person's display name.
    PAGE_TTL = 300
    # The page's cache keys as the request's throttle read them (`cache_read_ahead`), if it did.
    cache_read: Mapping[str, Any] | None = None

    def list(self, request, *args, **kwargs):
        """The page from the cache as the JSON bytes it was rendered to (no unpickling of nested
        data, no rendering again), or computed from plain rows (`serializers.match_page_data`:
        no model instance, no serializer field per value), rendered once, cached and sent."""
        user = request_user(request)
        paginator = self.paginator
        page_query = self._page_query
        if page_query is None or not isinstance(paginator, MatchPagination):
            return super().list(request, *args, **kwargs)  # an invalid parameter: its error
        query, paginator.known_query = page_query
        cached, slot = page_read(user_id=user.pk, query=query, read=self.cache_read)
        if cached is not None:
            return HttpResponse(cached, content_type="application/json")
        queryset = self.filter_queryset(self.get_queryset())
        reader: Reader = "mentor" if user.is_mentor else "mentee"
        # A mentee's list is short (the top k and at most one suggestion beyond it): read whole,
        # it is counted and paged in memory, one query instead of a count and a page.
        listed = list(queryset) if reader == "mentee" else queryset
        page = self.paginate_queryset(listed)
        rows = list(page if page is not None else listed)
        counterparts = selectors.match_counterparts(
            kind="mentee" if reader == "mentor" else "mentor",
            user_ids=[row["other_id"] for row in rows],
        )
        data = match_page_data(rows, reader=reader, counterparts=counterparts)
        response = self.get_paginated_response(data) if page is not None else Response(data)
        renderer = request.accepted_renderer
        if renderer.media_type != "application/json":  # the browsable API
            return response
        content = renderer.render(response.data, renderer.media_type)
        if slot is not None:
            page_store(slot, content, self.PAGE_TTL)
        return HttpResponse(content, content_type="application/json")

    def cache_read_ahead(self, request: Request) -> Sequence[str]:
        """The cache keys of this request's page, for the throttle to read in its round trip
        (`api.throttling`); none when a parameter is invalid (the error is computed)."""
        page_query = self._page_query
        if page_query is None:
            return []
        return page_keys(user_id=request_user(request).pk, query=page_query[0])

    @cached_property
    def _page_query(self) -> tuple[str, dict[str, str]] | None:
        """(the page's query in the cache key, the parameters its links carry), or None when a
        known parameter is invalid; computed once per request (a view serves one)."""
        normal = self._normal_query(self.request)
        if normal is None:
            return None
        return hashlib.sha256(normal[0].encode()).hexdigest(), normal[1]

    def _normal_query(self, request: Request) -> tuple[str, dict[str, str]] | None:
        """(the page's cache key part, the parameters its links carry), or None when a known
        parameter is invalid. The key holds every known parameter with its effective value."""
        paginator = self.paginator
        if not isinstance(paginator, MatchPagination):
            return None
        min_score = None
        if request.query_params:  # most requests have none: nothing to validate
            filters = MatchFilterSerializer(data=request.query_params)
            if not filters.is_valid():
                return None
            min_score = filters.validated_data.get("min_score")
        page = request.query_params.get(paginator.page_query_param, "1")
        if page not in paginator.last_page_strings:
            try:
                page = str(int(page))
            except ValueError:
                return None
        links: dict[str, str] = {}
        if min_score is not None:
            links["min_score"] = repr(float(min_score))
        page_size = paginator.get_page_size(request)
        if paginator.page_size_query_param in request.query_params:
            links[paginator.page_size_query_param] = str(page_size)
        key = urlencode(
            {"min_score": links.get("min_score", ""), "page": page, "page_size": page_size}
        )
        return key, links

    def get_paginated_response(self, data: Any) -> Response:
        """The page, with `reasons` when the whole list holds fewer than k matches."""
        response = super().get_paginated_response(data)
        page = getattr(self.paginator, "page", None)
        listed = page.paginator.count if page is not None else len(data)
        reasons = selectors.match_list_reasons(user=request_user(self.request), listed=listed)
        if reasons:
            response.data["reasons"] = reasons
        return response

    def get_queryset(self):
        filters = MatchFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.match_page_rows(
            user=request_user(self.request), min_score=filters.validated_data.get("min_score")
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "min_score",
                {"type": "number", "minimum": 0, "maximum": 1},
                description="Only scores >= this (0..1)",
            )
        ]
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

    @extend_schema(request=MatchRunInputSerializer, responses={202: MatchRunCreatedSerializer})
    def post(self, request: Request) -> Response:
        serializer = MatchRunInputSerializer(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        run = runs.match_run_start(
            by=request_user(request), mode=serializer.validated_data.get("mode")
        )
        return Response(MatchRunCreatedSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class MatchRunDetailView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={200: MatchRunSerializer})
    def get(self, request: Request, run_id: int) -> Response:
        return Response(MatchRunSerializer(selectors.match_run_get(run_id=run_id)).data)
