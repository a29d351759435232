from django.contrib import admin

from mentorship.taxonomy.models import (
    Background,
    MilestoneTemplate,
    Role,
    RoleRequirement,
    Skill,
    SkillAlias,
)


class SkillAliasInline(admin.TabularInline):
    model = SkillAlias
    extra = 1


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "category"]
    list_filter = ["category"]
    search_fields = ["name", "slug", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SkillAliasInline]


class RoleRequirementInline(admin.TabularInline):
    model = RoleRequirement
    extra = 1
    autocomplete_fields = ["skill"]


class MilestoneTemplateInline(admin.StackedInline):
    model = MilestoneTemplate
    extra = 0


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoleRequirementInline, MilestoneTemplateInline]


@admin.register(Background)
class BackgroundAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
