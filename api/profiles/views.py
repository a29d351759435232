"""The caller's own profile, public mentor profiles, approval, skill gap and job descriptions."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import request_user
from api.permissions import IsMentee, IsMentor, IsStaff
from api.profiles.serializers import (
    JobDescriptionInputSerializer,
    JobDescriptionSerializer,
    MenteeProfileInputSerializer,
    MenteeProfileSerializer,
    MentorProfileInputSerializer,
    MentorProfileSerializer,
    MentorPublicProfileSerializer,
    MentorUnapproveSerializer,
    SkillGapSerializer,
)
from api.throttling import ScopedRateThrottle
from mentorship.mentorships.selectors import ResponseRecord, mentor_response_records
from mentorship.profiles import selectors, services


class _OwnProfileView(APIView):
    """GET, PUT (create or replace) and PATCH (update) of the caller's own profile."""

    http_method_names = ["get", "put", "patch", "options"]
    input_serializer: type
    output_serializer: type

    def get_profile(self, user):
        raise NotImplementedError

    def save_profile(self, **kwargs):
        raise NotImplementedError

    def output_context(self, user) -> dict:
        return {}

    def get(self, request: Request) -> Response:
        user = request_user(request)
        return Response(
            self.output_serializer(self.get_profile(user), context=self.output_context(user)).data
        )

    def put(self, request: Request) -> Response:
        return self._save(request, partial=False)

    def patch(self, request: Request) -> Response:
        return self._save(request, partial=True)

    def _save(self, request: Request, *, partial: bool) -> Response:
        serializer = self.input_serializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        _, created = self.save_profile(
            user=request_user(request), data=serializer.validated_data, partial=partial
        )
        user = request_user(request)
        profile = self.get_profile(user)
        return Response(
            self.output_serializer(profile, context=self.output_context(user)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MenteeProfileView(_OwnProfileView):
    permission_classes = [IsMentee]
    input_serializer = MenteeProfileInputSerializer
    output_serializer = MenteeProfileSerializer

    def get_profile(self, user):
        return selectors.mentee_profile_get(user=user)

    def save_profile(self, **kwargs):
        return services.mentee_profile_save(**kwargs)

    @extend_schema(responses={200: MenteeProfileSerializer})
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        request=MenteeProfileInputSerializer,
        responses={200: MenteeProfileSerializer, 201: MenteeProfileSerializer},
    )
    def put(self, request: Request) -> Response:
        return super().put(request)

    @extend_schema(request=MenteeProfileInputSerializer, responses={200: MenteeProfileSerializer})
    def patch(self, request: Request) -> Response:
        return super().patch(request)


class MentorProfileView(_OwnProfileView):
    permission_classes = [IsMentor]
    input_serializer = MentorProfileInputSerializer
    output_serializer = MentorProfileSerializer
    # Every write re-scores all mentees against this mentor, on the matching workers.
    throttle_scope = "mentor_profile"

    def get_throttles(self):
        throttles = super().get_throttles()
        writes = self.request.method in ("PUT", "PATCH")
        return [*throttles, ScopedRateThrottle()] if writes else throttles

    def get_profile(self, user):
        return selectors.mentor_profile_get(user=user)

    def output_context(self, user) -> dict:
        records = mentor_response_records(mentor_ids=[user.pk])
        return {"response_record": records.get(user.pk, ResponseRecord())}

    def save_profile(self, **kwargs):
        return services.mentor_profile_save(**kwargs)

    @extend_schema(responses={200: MentorProfileSerializer})
    def get(self, request: Request) -> Response:
        return super().get(request)

    @extend_schema(
        request=MentorProfileInputSerializer,
        responses={200: MentorProfileSerializer, 201: MentorProfileSerializer},
    )
    def put(self, request: Request) -> Response:
        return super().put(request)

    @extend_schema(request=MentorProfileInputSerializer, responses={200: MentorProfileSerializer})
    def patch(self, request: Request) -> Response:
        return super().patch(request)


class MentorPublicView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MentorPublicProfileSerializer})
    def get(self, request: Request, mentor_id: int) -> Response:
        profile = selectors.mentor_public_get(mentor_id=mentor_id)
        return Response(MentorPublicProfileSerializer(profile).data)


class MentorApproveView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=None, responses={200: MentorProfileSerializer})
    def post(self, request: Request, mentor_id: int) -> Response:
        approved = services.mentor_approve(mentor_id=mentor_id, by=request_user(request))
        profile = selectors.mentor_profile_get(user=approved.user)
        return Response(MentorProfileSerializer(profile).data)


class MentorUnapproveView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=MentorUnapproveSerializer,
        responses={200: MentorProfileSerializer},
        summary="Withdraw a mentor's approval: hidden from mentees, pending requests declined "
        "with the reason, the mentor emailed",
    )
    def post(self, request: Request, mentor_id: int) -> Response:
        serializer = MentorUnapproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        unapproved = services.mentor_unapprove(
            mentor_id=mentor_id,
            by=request_user(request),
            reason=serializer.validated_data["reason"],
        )
        profile = selectors.mentor_profile_get(user=unapproved.user)
        return Response(MentorProfileSerializer(profile).data)


class SkillGapView(APIView):
    permission_classes = [IsMentee]

    @extend_schema(responses={200: SkillGapSerializer})
    def get(self, request: Request) -> Response:
        return Response(SkillGapSerializer(selectors.skill_gap(user=request_user(request))).data)


class JobDescriptionListView(ListAPIView):
    permission_classes = [IsMentee]
    serializer_class = JobDescriptionSerializer

    def get_queryset(self):
        return selectors.job_description_list(user=request_user(self.request))

    @extend_schema(request=JobDescriptionInputSerializer, responses={201: JobDescriptionSerializer})
    def post(self, request: Request) -> Response:
        serializer = JobDescriptionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = services.job_description_create(
            user=request_user(request), **serializer.validated_data
        )
        job = selectors.job_description_get(user=request_user(request), job_description_id=job.pk)
        return Response(JobDescriptionSerializer(job).data, status=status.HTTP_201_CREATED)


class JobDescriptionDetailView(APIView):
    permission_classes = [IsMentee]

    @extend_schema(responses={200: JobDescriptionSerializer})
    def get(self, request: Request, job_description_id: int) -> Response:
        job = selectors.job_description_get(
            user=request_user(request), job_description_id=job_description_id
        )
        return Response(JobDescriptionSerializer(job).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, job_description_id: int) -> Response:
        services.job_description_delete(
            user=request_user(request), job_description_id=job_description_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
