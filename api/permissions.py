"""Role permissions: endpoints that belong to mentees, mentors or staff only."""

from rest_framework.permissions import BasePermission


class IsMentee(BasePermission):
    message = "Only mentees can do this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_mentee)


class IsMentor(BasePermission):
    message = "Only mentors can do this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_mentor)


class IsStaff(BasePermission):
    message = "Only staff can do this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)
