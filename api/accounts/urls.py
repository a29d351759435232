from django.urls import path

from api.accounts import views

urlpatterns = [
    path("auth/register", views.RegisterView.as_view(), name="auth-register"),
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all", views.LogoutEverywhereView.as_view(), name="auth-logout-all"),
    path("me", views.MeView.as_view(), name="me"),
]
