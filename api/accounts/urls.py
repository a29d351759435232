from django.urls import path

from api.accounts import views

urlpatterns = [
    path("auth/register", views.RegisterView.as_view(), name="auth-register"),
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all", views.LogoutEverywhereView.as_view(), name="auth-logout-all"),
    path("auth/password", views.PasswordChangeView.as_view(), name="auth-password"),
    path("auth/password-reset", views.PasswordResetView.as_view(), name="auth-password-reset"),
    path(
        "auth/password-reset/confirm",
        views.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    path("auth/verify-email", views.VerifyEmailView.as_view(), name="auth-verify-email"),
    path(
        "auth/verify-email/resend",
        views.VerifyEmailResendView.as_view(),
        name="auth-verify-email-resend",
    ),
    path("me", views.MeView.as_view(), name="me"),
    path("me/email", views.MeEmailView.as_view(), name="me-email"),
    path("me/export", views.MeExportView.as_view(), name="me-export"),
    path("me/notifications", views.MeNotificationsView.as_view(), name="me-notifications"),
    path("unsubscribe", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
