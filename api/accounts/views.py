"""Registration, login, logout and the caller's own account."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.accounts.serializers import (
    LoginSerializer,
    RegisterSerializer,
    TokenSerializer,
    UserSerializer,
)
from api.authentication import request_user
from api.throttling import ScopedRateThrottle
from mentorship.accounts import services


class RegisterView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(
        operation_id="auth_register",
        request=RegisterSerializer,
        responses={201: UserSerializer},
        auth=[],
        summary="Sign up as a mentee or a mentor",
    )
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        operation_id="auth_login",
        request=LoginSerializer,
        responses={200: TokenSerializer},
        auth=[],
        summary="Exchange email and password for an expiring bearer token",
    )
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = services.auth_login(**serializer.validated_data)
        return Response(TokenSerializer(issued).data)


class LogoutView(APIView):
    @extend_schema(
        operation_id="auth_logout",
        request=None,
        responses={204: None},
        summary="Revoke the token this request was made with",
    )
    def post(self, request: Request) -> Response:
        services.auth_logout(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutEverywhereView(APIView):
    @extend_schema(
        operation_id="auth_logout_all",
        request=None,
        responses={204: None},
        summary="Revoke every token of the caller",
    )
    def post(self, request: Request) -> Response:
        services.auth_logout_everywhere(user=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    http_method_names = ["get", "patch", "options"]

    @extend_schema(operation_id="me_retrieve", responses={200: UserSerializer})
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request_user(request)).data)

    @extend_schema(
        operation_id="me_update",
        request=UserSerializer,
        responses={200: UserSerializer},
        summary="Change your display name (email and role are read-only)",
    )
    def patch(self, request: Request) -> Response:
        serializer = UserSerializer(request_user(request), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data.get("name", request_user(request).name)
        user = services.user_update(user=request_user(request), name=name)
        return Response(UserSerializer(user).data)
