"""Registration, login, logout, passwords, email verification and change, and the caller's own
account: leaving it, exporting it, and which emails it gets (and the no-login unsubscribe)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from api.accounts.serializers import (
    AcceptedSerializer,
    AccountDeleteSerializer,
    AccountExportSerializer,
    EmailChangeAcceptedSerializer,
    EmailChangeSerializer,
    LoginSerializer,
    NotificationPreferencesSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    RegisterSerializer,
    TokenInputSerializer,
    TokenSerializer,
    UnsubscribedSerializer,
    UserSerializer,
)
from api.authentication import request_user
from api.parsers import JSONParser
from api.serializers import NoFieldsSerializer
from api.throttling import ScopedRateThrottle
from mentorship.accounts import deletion, selectors, services
from mentorship.core.errors import ValidationError
from mentorship.notifications import preferences

RESET_ACCEPTED = (
    "If an account has this address, a link to choose a new password is on its way to it."
)


def client_address(request: Request) -> str:
    """The caller's address as the throttles see it (`NUM_PROXIES` decides which header)."""
    return BaseThrottle().get_ident(request) or "unknown"


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
        summary="Sign up as a mentee or a mentor (a verification link is emailed)",
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
        description="After `LOGIN_FAILURE_LIMIT` failures for one account from one address, that "
        "pair is refused for a while even with the right password: a 429 `locked_out` with "
        "`Retry-After`.",
    )
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = services.auth_login(**serializer.validated_data, client=client_address(request))
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


class PasswordChangeView(APIView):
    throttle_scope = "password_check"

    def get_throttles(self):
        return [*super().get_throttles(), ScopedRateThrottle()]

    @extend_schema(
        operation_id="auth_password_change",
        request=PasswordChangeSerializer,
        responses={204: None},
        summary="Change your password: every other token is revoked, this one stays",
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_change(
            user=request_user(request), token=request.auth, **serializer.validated_data
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "password_reset"

    @extend_schema(
        operation_id="auth_password_reset",
        request=PasswordResetSerializer,
        responses={202: AcceptedSerializer},
        auth=[],
        summary="Email a single-use reset link (the same answer whether or not the address has "
        "an account)",
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_request(email=serializer.validated_data["email"])
        return Response({"detail": RESET_ACCEPTED}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_password_reset_confirm",
        request=PasswordResetConfirmSerializer,
        responses={204: None},
        auth=[],
        summary="Set a new password with the emailed token: every token is revoked, lockouts "
        "lifted",
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_confirm(**serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VerifyEmailView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_verify_email",
        request=TokenInputSerializer,
        responses={200: UserSerializer},
        auth=[],
        summary="Confirm an address with the emailed token (the sign-up address, or a new one "
        "asked for with POST /me/email, which then replaces the old)",
    )
    def post(self, request: Request) -> Response:
        serializer = TokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.email_verify(token=serializer.validated_data["token"])
        return Response(UserSerializer(user).data)


class VerifyEmailResendView(APIView):
    throttle_scope = "verify_email_resend"

    def get_throttles(self):
        return [*super().get_throttles(), ScopedRateThrottle()]

    @extend_schema(
        operation_id="auth_verify_email_resend",
        request=None,
        responses={202: AcceptedSerializer},
        summary="Email a new verification link to your address",
    )
    def post(self, request: Request) -> Response:
        NoFieldsSerializer.check(request.data)
        services.email_verification_resend(user=request_user(request))
        return Response(
            {"detail": "A new verification link is on its way."}, status=status.HTTP_202_ACCEPTED
        )


class MeView(APIView):
    http_method_names = ["get", "patch", "delete", "options"]
    throttle_scope = "password_check"

    def get_throttles(self):
        throttles = super().get_throttles()
        return [*throttles, ScopedRateThrottle()] if self.request.method == "DELETE" else throttles

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

    @extend_schema(
        operation_id="me_destroy",
        request=AccountDeleteSerializer,
        responses={204: None},
        summary="Leave: your account and your data are erased (see the README's account "
        "lifecycle); your address can sign up again",
    )
    def delete(self, request: Request) -> Response:
        serializer = AccountDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deletion.account_delete(
            user=request_user(request), password=serializer.validated_data["password"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeEmailView(APIView):
    throttle_scope = "password_check"

    def get_throttles(self):
        return [*super().get_throttles(), ScopedRateThrottle()]

    @extend_schema(
        operation_id="me_email_change",
        request=EmailChangeSerializer,
        responses={202: EmailChangeAcceptedSerializer},
        summary="Move your account to another address: it replaces the old one once confirmed "
        "with the link sent to it (POST /auth/verify-email)",
    )
    def post(self, request: Request) -> Response:
        serializer = EmailChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        address = services.email_change_request(
            user=request_user(request), **serializer.validated_data
        )
        return Response(
            {
                "detail": "Confirm the new address with the link sent to it.",
                "new_email": address,
            },
            status=status.HTTP_202_ACCEPTED,
        )


class MeExportView(APIView):
    throttle_scope = "export"

    def get_throttles(self):
        return [*super().get_throttles(), ScopedRateThrottle()]

    @extend_schema(
        operation_id="me_export",
        responses={200: AccountExportSerializer},
        summary="Everything the service holds about you, as one JSON document",
    )
    def get(self, request: Request) -> Response:
        return Response(selectors.account_export(user=request_user(request)))


class MeNotificationsView(APIView):
    http_method_names = ["get", "patch", "options"]

    @extend_schema(
        operation_id="me_notifications_retrieve",
        responses={200: NotificationPreferencesSerializer},
        summary="Which emails you get: one switch per category",
    )
    def get(self, request: Request) -> Response:
        found = preferences.preferences_get(user_id=request_user(request).pk)
        return Response(NotificationPreferencesSerializer(found).data)

    @extend_schema(
        operation_id="me_notifications_update",
        request=NotificationPreferencesSerializer,
        responses={200: NotificationPreferencesSerializer},
        summary="Turn categories of email on or off (security emails stay on)",
    )
    def patch(self, request: Request) -> Response:
        serializer = NotificationPreferencesSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {
            name: value for name, value in serializer.validated_data.items() if name != "security"
        }
        updated = preferences.preferences_update(user_id=request_user(request).pk, changes=changes)
        return Response(NotificationPreferencesSerializer(updated).data)


class UnsubscribeView(APIView):
    """The one-click unsubscribe of RFC 8058: mail clients post `List-Unsubscribe=One-Click`
    as a form to the header's URL, a front end posts from its page; the body is not read."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        operation_id="unsubscribe",
        request=None,
        parameters=[
            OpenApiParameter(
                "token",
                str,
                required=True,
                description="The token of the email's unsubscribe link or `List-Unsubscribe` "
                "header.",
            )
        ],
        responses={200: UnsubscribedSerializer},
        auth=[],
        summary="Turn off the category of email the signed token names (no login needed)",
    )
    def post(self, request: Request) -> Response:
        token = request.query_params.get("token", "")
        if not token:
            raise ValidationError("Invalid input.", fields={"token": "This parameter is required."})
        updated = preferences.unsubscribe(token=token)
        return Response(UnsubscribedSerializer(updated).data)
