"""Request a mentor; accept, decline or cancel; list and end mentorships; rate them."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import request_user
from api.mentorships.serializers import (
    DeclineSerializer,
    EndSerializer,
    FeedbackDueSerializer,
    FeedbackInputSerializer,
    FeedbackSerializer,
    MentorshipRequestSerializer,
    MentorshipSerializer,
    RequestCreateSerializer,
)
from api.permissions import IsMentee
from api.serializers import NoFieldsSerializer
from mentorship.core.errors import ValidationError
from mentorship.mentorships import feedback, selectors, services
from mentorship.mentorships.models import Mentorship, MentorshipRequest


def _status_filter(choices) -> OpenApiParameter:
    return OpenApiParameter("status", str, enum=[value for value, _ in choices])


def _requested_status(request: Request, choices) -> str | None:
    value = request.query_params.get("status")
    known = [choice for choice, _ in choices]
    if value is not None and value not in known:
        raise ValidationError(
            "Unknown status.", fields={"status": f"Use one of: {', '.join(known)}."}
        )
    return value


class MentorshipRequestListView(ListAPIView):
    serializer_class = MentorshipRequestSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsMentee()]
        return super().get_permissions()

    def get_queryset(self):
        return selectors.request_list(
            user=request_user(self.request),
            status=_requested_status(self.request, MentorshipRequest.Status.choices),
        )

    @extend_schema(parameters=[_status_filter(MentorshipRequest.Status.choices)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=RequestCreateSerializer, responses={201: MentorshipRequestSerializer})
    def post(self, request: Request) -> Response:
        serializer = RequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.request_create(
            mentee=request_user(request),
            mentor_id=serializer.validated_data["mentor"],
            message=serializer.validated_data["message"],
        )
        return Response(MentorshipRequestSerializer(created).data, status=status.HTTP_201_CREATED)


def _request_state(request: Request, request_id: int) -> Response:
    current = selectors.request_list(user=request_user(request)).get(pk=request_id)
    return Response(MentorshipRequestSerializer(current).data)


class RequestAcceptView(APIView):
    """The requested mentor only: to anyone else the request does not exist (404)."""

    @extend_schema(request=None, responses={200: MentorshipRequestSerializer})
    def post(self, request: Request, request_id: int) -> Response:
        NoFieldsSerializer.check(request.data)
        services.request_accept(request_id=request_id, by=request_user(request))
        return _request_state(request, request_id)


class RequestDeclineView(APIView):
    """The requested mentor only: to anyone else the request does not exist (404)."""

    @extend_schema(request=DeclineSerializer, responses={200: MentorshipRequestSerializer})
    def post(self, request: Request, request_id: int) -> Response:
        serializer = DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.request_decline(
            request_id=request_id,
            by=request_user(request),
            code=serializer.validated_data["code"],
            reason=serializer.validated_data["reason"],
        )
        return _request_state(request, request_id)


class RequestCancelView(APIView):
    """The mentee who asked only: to anyone else the request does not exist (404)."""

    @extend_schema(request=None, responses={200: MentorshipRequestSerializer})
    def post(self, request: Request, request_id: int) -> Response:
        NoFieldsSerializer.check(request.data)
        services.request_cancel(request_id=request_id, by=request_user(request))
        return _request_state(request, request_id)


class MentorshipListView(ListAPIView):
    serializer_class = MentorshipSerializer

    def get_queryset(self):
        return selectors.mentorship_list(
            user=request_user(self.request),
            status=_requested_status(self.request, Mentorship.Status.choices),
        )

    @extend_schema(parameters=[_status_filter(Mentorship.Status.choices)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MentorshipEndView(APIView):
    """Either side, with a coded reason; to anyone else the mentorship does not exist (404)."""

    @extend_schema(request=EndSerializer, responses={200: MentorshipSerializer})
    def post(self, request: Request, mentorship_id: int) -> Response:
        serializer = EndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ended = services.mentorship_end(
            mentorship_id=mentorship_id,
            by=request_user(request),
            code=serializer.validated_data["code"],
            reason=serializer.validated_data["reason"],
        )
        return Response(MentorshipSerializer(ended, context={"request": request}).data)


class MentorshipFeedbackView(ListAPIView):
    """GET: the caller's own feedback on the mentorship (staff: both sides'). POST: one side
    rates it at the stage open now. To anyone else the mentorship does not exist (404)."""

    serializer_class = FeedbackSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.feedback_list(
            mentorship_id=self.kwargs["mentorship_id"], user=request_user(self.request)
        )

    @extend_schema(
        request=FeedbackInputSerializer,
        responses={201: FeedbackSerializer},
        description=(
            "A rating from 1 to 5 and optional text, once per side and stage: `two_weeks` "
            "while the mentorship is active and two weeks old, `ended` once it has ended "
            "(409 `feedback_not_open` otherwise, 409 `feedback_exists` for a second one). "
            "Each side reads only its own; staff read both."
        ),
    )
    def post(self, request: Request, mentorship_id: int) -> Response:
        serializer = FeedbackInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        given = feedback.feedback_give(
            mentorship_id=mentorship_id,
            by=request_user(request),
            rating=serializer.validated_data["rating"],
            text=serializer.validated_data["text"],
            stage=serializer.validated_data.get("stage"),
            now=timezone.now(),
        )
        return Response(FeedbackSerializer(given).data, status=status.HTTP_201_CREATED)


class FeedbackDueView(ListAPIView):
    """The ratings the caller is asked for: one item per mentorship and open stage, oldest
    first. Gone once given (POST /mentorships/{id}/feedback)."""

    serializer_class = FeedbackDueSerializer

    def get_queryset(self):
        return selectors.feedback_due(user=request_user(self.request), now=timezone.now())
