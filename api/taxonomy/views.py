"""Read-only taxonomy lists for any authenticated user."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView

from api.taxonomy.serializers import BackgroundSerializer, RoleSerializer, SkillSerializer
from mentorship.core.errors import ValidationError
from mentorship.taxonomy import selectors


class RoleListView(ListAPIView):
    serializer_class = RoleSerializer

    def get_queryset(self):
        return selectors.role_list()


class SkillListView(ListAPIView):
    serializer_class = SkillSerializer

    @extend_schema(
        parameters=[OpenApiParameter("search", str, description="Part of a name, slug or alias")]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        search = self.request.query_params.get("search", "")[:100]
        if "\x00" in search:  # PostgreSQL cannot compare text with a NUL character
            raise ValidationError(
                "Invalid input.", fields={"search": "Null characters are not allowed."}
            )
        return selectors.skill_list(search=search)


class BackgroundListView(ListAPIView):
    serializer_class = BackgroundSerializer

    def get_queryset(self):
        return selectors.background_list()
