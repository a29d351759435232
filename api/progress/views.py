"""Projects, milestones, comments, progress (JSON and SVG), experiments and weekly check-ins."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import request_user
from api.permissions import IsMentee, IsMentor
from api.progress.serializers import (
    CheckInSerializer,
    CheckInSubmitSerializer,
    CommentInputSerializer,
    CommentSerializer,
    ExperimentInputSerializer,
    ExperimentSerializer,
    FeedbackSerializer,
    MilestoneCreateSerializer,
    MilestoneSerializer,
    MilestoneUpdateSerializer,
    ProgressSerializer,
    ProjectInputSerializer,
    ProjectSerializer,
)
from api.throttling import ScopedRateThrottle
from mentorship.applications.selectors import job_search_weeks
from mentorship.core.errors import ValidationError
from mentorship.progress import checkins, projects, selectors
from mentorship.progress.chart import progress_svg
from mentorship.progress.models import CheckIn


class ProjectListView(ListAPIView):
    serializer_class = ProjectSerializer

    def get_permissions(self):
        return [IsMentee()] if self.request.method == "POST" else super().get_permissions()

    def get_queryset(self):
        return selectors.project_list(user=request_user(self.request))

    @extend_schema(request=ProjectInputSerializer, responses={201: ProjectSerializer})
    def post(self, request: Request) -> Response:
        serializer = ProjectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project = projects.project_create(
            mentee=request_user(request),
            title=data["title"],
            problem_statement=data["problem_statement"],
            dataset=data["dataset"],
            start_date=data.get("start_date"),
        )
        project = selectors.project_get(user=request_user(request), project_id=project.pk)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailView(APIView):
    http_method_names = ["get", "patch", "delete", "options"]

    @extend_schema(responses={200: ProjectSerializer})
    def get(self, request: Request, project_id: int) -> Response:
        project = selectors.project_get(user=request_user(request), project_id=project_id)
        return Response(ProjectSerializer(project).data)

    @extend_schema(request=ProjectInputSerializer, responses={200: ProjectSerializer})
    def patch(self, request: Request, project_id: int) -> Response:
        project = selectors.project_get(
            user=request_user(request), project_id=project_id, write=True
        )
        serializer = ProjectInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        projects.project_update(project=project, data=serializer.validated_data)
        project = selectors.project_get(user=request_user(request), project_id=project_id)
        return Response(ProjectSerializer(project).data)

    @extend_schema(
        responses={204: None},
        description="Deletes the project with its milestones, experiments and comments. The "
        "weekly check-ins stay (they belong to the mentorship); their milestone_updates entries "
        "that named this project's milestones are removed.",
    )
    def delete(self, request: Request, project_id: int) -> Response:
        project = selectors.project_get(
            user=request_user(request), project_id=project_id, write=True
        )
        projects.project_delete(project=project)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProjectArchiveView(APIView):
    @extend_schema(
        request=None,
        responses={200: ProjectSerializer},
        description="The owner archives the project: it stays readable and nothing changes it "
        "until it is restored. Idempotent.",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = selectors.project_get(
            user=request_user(request), project_id=project_id, write=True
        )
        projects.project_archive(project=project)
        project = selectors.project_get(user=request_user(request), project_id=project_id)
        return Response(ProjectSerializer(project).data)


class ProjectRestoreView(APIView):
    @extend_schema(
        request=None,
        responses={200: ProjectSerializer},
        description="The owner makes an archived project the active one again; a 409 "
        "(active_project_exists) while another project is active. Idempotent.",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project = selectors.project_get(
            user=request_user(request), project_id=project_id, write=True
        )
        projects.project_restore(project=project)
        project = selectors.project_get(user=request_user(request), project_id=project_id)
        return Response(ProjectSerializer(project).data)


class MilestoneListView(APIView):
    @extend_schema(request=MilestoneCreateSerializer, responses={201: MilestoneSerializer})
    def post(self, request: Request, project_id: int) -> Response:
        project = selectors.project_get(
            user=request_user(request), project_id=project_id, write=True
        )
        serializer = MilestoneCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = projects.milestone_add(project=project, **serializer.validated_data)
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)


class MilestoneDetailView(APIView):
    http_method_names = ["patch", "delete", "options"]

    @extend_schema(request=MilestoneUpdateSerializer, responses={200: MilestoneSerializer})
    def patch(self, request: Request, project_id: int, milestone_id: int) -> Response:
        project = selectors.project_get(
            user=request_user(request), project_id=project_id, write=True
        )
        milestone = selectors.milestone_get(project=project, milestone_id=milestone_id)
        serializer = MilestoneUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        milestone = projects.milestone_update(milestone=milestone, data=serializer.validated_data)
        return Response(MilestoneSerializer(milestone).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, project_id: int, milestone_id: int) -> Response:
        project = selectors.project_get(
            user=request_user(request), project_id=project_id, write=True
        )
        milestone = selectors.milestone_get(project=project, milestone_id=milestone_id)
        projects.milestone_delete(milestone=milestone)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentListView(APIView):
    @extend_schema(responses={200: CommentSerializer(many=True)})
    def get(self, request: Request, project_id: int) -> Response:
        project = selectors.project_get(user=request_user(request), project_id=project_id)
        comments = project.comments.select_related("author")
        return Response(CommentSerializer(comments, many=True).data)

    @extend_schema(request=CommentInputSerializer, responses={201: CommentSerializer})
    def post(self, request: Request, project_id: int) -> Response:
        project = selectors.project_get(user=request_user(request), project_id=project_id)
        serializer = CommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = projects.comment_add(
            project=project, author=request_user(request), body=serializer.validated_data["body"]
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class ProgressView(APIView):
    @extend_schema(responses={200: ProgressSerializer})
    def get(self, request: Request, project_id: int) -> Response:
        project = selectors.project_get(user=request_user(request), project_id=project_id)
        return Response(ProgressSerializer(selectors.project_progress(project=project)).data)


class JSONErrorsOnly(BaseContentNegotiation):
    """The chart answers SVG itself; anything raised on the way is answered as JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ProgressChartView(APIView):
    content_negotiation_class = JSONErrorsOnly
    throttle_classes = [*APIView.throttle_classes, ScopedRateThrottle]
    throttle_scope = "chart"  # rendering is the most expensive read

    @extend_schema(
        responses={(200, "image/svg+xml"): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="Milestones planned vs done per week, and hours logged, as an SVG chart",
    )
    def get(self, request: Request, project_id: int) -> HttpResponse:
        project = selectors.project_get(user=request_user(request), project_id=project_id)
        data = selectors.progress_chart_data(project=project)
        svg = progress_svg(data, title=f"{project.title}: progress by week")
        return HttpResponse(svg, content_type="image/svg+xml")  # no-store: `api.caching`


class ExperimentListView(APIView):
    @extend_schema(responses={200: ExperimentSerializer(many=True)})
    def get(self, request: Request, project_id: int) -> Response:
        project = selectors.project_get(user=request_user(request), project_id=project_id)
        views = selectors.experiment_list(project=project)
        return Response(ExperimentSerializer(views, many=True).data)

    @extend_schema(request=ExperimentInputSerializer, responses={201: ExperimentSerializer})
    def post(self, request: Request, project_id: int) -> Response:
        project = selectors.project_get(
            user=request_user(request), project_id=project_id, write=True
        )
        serializer = ExperimentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        experiment = projects.experiment_create(
            project=project,
            name=data["name"],
            params=data["params"],
            metric=data["metric"],
            reference_id=data.get("reference"),
        )
        view = next(
            v for v in selectors.experiment_list(project=project) if v.experiment == experiment
        )
        return Response(ExperimentSerializer(view).data, status=status.HTTP_201_CREATED)


class CheckInListView(ListAPIView):
    serializer_class = CheckInSerializer

    def get_queryset(self):
        value = self.request.query_params.get("status")
        known = [choice for choice, _ in CheckIn.Status.choices]
        if value is not None and value not in known:
            raise ValidationError(
                "Unknown status.", fields={"status": f"Use one of: {', '.join(known)}."}
            )
        return selectors.checkin_list(user=request_user(self.request), status=value)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        weeks = job_search_weeks(
            weeks=[(checkin.mentorship.mentee_id, checkin.week_start) for checkin in page or []]
        )
        serializer = self.get_serializer(
            page, many=True, context={**self.get_serializer_context(), "job_search": weeks}
        )
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=[c for c, _ in CheckIn.Status.choices])]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CheckInDetailView(APIView):
    @extend_schema(responses={200: CheckInSerializer})
    def get(self, request: Request, checkin_id: int) -> Response:
        checkin = selectors.checkin_get(user=request_user(request), checkin_id=checkin_id)
        return Response(CheckInSerializer(checkin).data)


class CheckInSubmitView(APIView):
    permission_classes = [IsMentee]

    @extend_schema(request=CheckInSubmitSerializer, responses={200: CheckInSerializer})
    def post(self, request: Request, checkin_id: int) -> Response:
        serializer = CheckInSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        checkins.checkin_submit(
            checkin_id=checkin_id, by=request_user(request), data=serializer.validated_data
        )
        checkin = selectors.checkin_get(user=request_user(request), checkin_id=checkin_id)
        return Response(CheckInSerializer(checkin).data)


class CheckInFeedbackView(APIView):
    permission_classes = [IsMentor]

    @extend_schema(request=FeedbackSerializer, responses={200: CheckInSerializer})
    def post(self, request: Request, checkin_id: int) -> Response:
        serializer = FeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        checkins.checkin_feedback(
            checkin_id=checkin_id,
            by=request_user(request),
            comment=serializer.validated_data["comment"],
        )
        checkin = selectors.checkin_get(user=request_user(request), checkin_id=checkin_id)
        return Response(CheckInSerializer(checkin).data)
