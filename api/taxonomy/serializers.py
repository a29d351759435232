"""Roles with their requirements, skills with their aliases, and backgrounds."""

from rest_framework import serializers

from mentorship.taxonomy.models import Background, Role, RoleRequirement, Skill, SkillAlias


class RequirementSerializer(serializers.ModelSerializer):
    skill = serializers.SlugRelatedField[Skill](slug_field="slug", read_only=True)
    skill_name = serializers.CharField(source="skill.name", read_only=True)

    class Meta:
        model = RoleRequirement
        fields = ["skill", "skill_name", "importance", "level"]


class RoleSerializer(serializers.ModelSerializer):
    requirements = RequirementSerializer(many=True, read_only=True)

    class Meta:
        model = Role
        fields = ["slug", "name", "description", "requirements"]


class SkillSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField[SkillAlias](slug_field="name", many=True, read_only=True)

    class Meta:
        model = Skill
        fields = ["slug", "name", "category", "aliases"]


class BackgroundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Background
        fields = ["slug", "name"]
