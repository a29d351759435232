"""The vocabulary the platform matches on: data, edited by staff, never hard-coded."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class Role(models.Model):
    """A job a mentee aims at and a mentor has done (data engineer, data scientist, ...)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    class Category(models.TextChoices):
        PROGRAMMING_LANGUAGES = "programming-languages", "Programming languages"
        DATA_ENGINEERING = "data-engineering", "Data engineering"
        DATABASES = "databases", "Databases"
        ML_FRAMEWORKS = "ml-frameworks", "ML frameworks"
        ML_METHODS = "ml-methods", "ML methods"
        ANALYTICS_BI = "analytics-bi", "Analytics and BI"
        CLOUD_DEVOPS = "cloud-devops", "Cloud and devops"
        MATH_STATISTICS = "math-statistics", "Maths and statistics"
        TOOLS = "tools", "Tools"
        SOFT_SKILLS = "soft-skills", "Soft skills"
        WEB = "web", "Web"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    category = models.CharField(max_length=30, choices=Category.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SkillAlias(models.Model):
    """Another spelling of a skill (`sklearn` for scikit-learn); one alias names one skill."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "skill aliases"

    def __str__(self) -> str:
        return self.name


class RoleRequirement(models.Model):
    """A skill a role needs: how much it matters (1-3) and at what level (1-5)."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="requirements")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="requirements")
    importance = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(3)], help_text="3 = core"
    )
    level = models.PositiveSmallIntegerField(
        validators=LEVEL_VALIDATORS, help_text="Required level, 1 (aware) to 5 (expert)"
    )

    class Meta:
        ordering = ["role", "-importance", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["role", "skill"], name="role_requirement_unique"),
            models.CheckConstraint(
                condition=models.Q(importance__gte=1, importance__lte=3),
                name="role_requirement_importance_range",
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5),
                name="role_requirement_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.skill} (level {self.level})"


class Background(models.Model):
    """Where a person comes from ("right now I do X"): software engineering, physics, ..."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MilestoneTemplate(models.Model):
    """One step of a role's end-to-end project template, due a number of days after the start."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="milestone_templates")
    key = models.SlugField(max_length=40)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    due_offset_days = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["role", "due_offset_days"]
        constraints = [
            models.UniqueConstraint(fields=["role", "key"], name="milestone_template_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.title}"
