from django.urls import path

from api.taxonomy import views

urlpatterns = [
    path("roles", views.RoleListView.as_view(), name="role-list"),
    path("skills", views.SkillListView.as_view(), name="skill-list"),
    path("backgrounds", views.BackgroundListView.as_view(), name="background-list"),
]
