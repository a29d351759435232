"""The job search: applications with their history, interviews, comments, and the hire."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.applications.serializers import (
    ApplicationCommentSerializer,
    ApplicationCreateSerializer,
    ApplicationEventSerializer,
    ApplicationSerializer,
    ApplicationUpdateSerializer,
    HiredInputSerializer,
    HireSerializer,
    InterviewCreateSerializer,
)
from api.authentication import request_user
from api.permissions import IsMentee
from mentorship.applications import selectors, services


def _read(request: Request, application_id: int) -> Response:
    application = selectors.application_get(
        user=request_user(request), application_id=application_id
    )
    return Response(ApplicationSerializer(application).data)


class ApplicationListView(ListAPIView):
    """A mentee's applications, or a mentor's active mentees' (newest first, with history)."""

    serializer_class = ApplicationSerializer

    def get_permissions(self):
        return [IsMentee()] if self.request.method == "POST" else super().get_permissions()

    def get_queryset(self):
        return selectors.application_list(user=request_user(self.request))

    @extend_schema(request=ApplicationCreateSerializer, responses={201: ApplicationSerializer})
    def post(self, request: Request) -> Response:
        serializer = ApplicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        application = services.application_create(
            mentee=request_user(request),
            company=data["company"],
            role=data["role"],
            job_url=data["job_url"],
            job_description_id=data.get("job_description"),
            applied_on=data["applied_on"],
            status=data["status"],
            status_on=data.get("status_on"),
            notes=data["notes"],
        )
        response = _read(request, application.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class ApplicationDetailView(APIView):
    http_method_names = ["get", "patch", "options"]

    @extend_schema(responses={200: ApplicationSerializer})
    def get(self, request: Request, application_id: int) -> Response:
        return _read(request, application_id)

    @extend_schema(request=ApplicationUpdateSerializer, responses={200: ApplicationSerializer})
    def patch(self, request: Request, application_id: int) -> Response:
        selectors.application_get(
            user=request_user(request), application_id=application_id, write=True
        )
        serializer = ApplicationUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.application_update(
            application_id=application_id,
            by=request_user(request),
            data=serializer.validated_data,
        )
        return _read(request, application_id)


class InterviewListView(APIView):
    @extend_schema(request=InterviewCreateSerializer, responses={201: ApplicationEventSerializer})
    def post(self, request: Request, application_id: int) -> Response:
        selectors.application_get(
            user=request_user(request), application_id=application_id, write=True
        )
        serializer = InterviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.interview_add(
            application_id=application_id, by=request_user(request), **serializer.validated_data
        )
        return Response(ApplicationEventSerializer(event).data, status=status.HTTP_201_CREATED)


class ApplicationCommentView(APIView):
    @extend_schema(
        request=ApplicationCommentSerializer, responses={201: ApplicationEventSerializer}
    )
    def post(self, request: Request, application_id: int) -> Response:
        selectors.application_get(user=request_user(request), application_id=application_id)
        serializer = ApplicationCommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.application_comment(
            application_id=application_id,
            by=request_user(request),
            body=serializer.validated_data["body"],
        )
        return Response(ApplicationEventSerializer(event).data, status=status.HTTP_201_CREATED)


class HiredView(APIView):
    """The mentee accepted an offer: the mentorship completes with outcome `hired`, and the
    mentee leaves matching."""

    permission_classes = [IsMentee]

    @extend_schema(request=HiredInputSerializer, responses={200: HireSerializer})
    def post(self, request: Request) -> Response:
        serializer = HiredInputSerializer(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        hire = services.mentee_hire(
            mentee=request_user(request),
            application_id=serializer.validated_data.get("application"),
            on=serializer.validated_data.get("on"),
        )
        return Response(HireSerializer(hire).data)
