"""Mentee and mentor profiles, keyed by their user (the id the API uses for people)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mentorship.profiles.validators import validate_languages, validate_timezone
from mentorship.taxonomy.models import LEVEL_VALIDATORS, Background, Role, Skill

WEEKLY_HOURS_RANGE = (1, 60)
CAPACITY_RANGE = (1, 20)


class MenteeProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="mentee_profile",
    )
    target_role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="mentees")
    background = models.ForeignKey(
        Background, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    goals = models.TextField(blank=True, max_length=5000)
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    weekly_hours = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(WEEKLY_HOURS_RANGE[0]),
            MaxValueValidator(WEEKLY_HOURS_RANGE[1]),
        ]
    )
    languages = models.JSONField(default=list, validators=[validate_languages])
    allow_no_overlap = models.BooleanField(
        default=False,
        help_text="Accept mentors whose working day shares no hour with mine (asynchronous).",
    )
    skills = models.ManyToManyField(Skill, through="MenteeSkill", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    matched_at = models.DateTimeField(
        null=True, blank=True, help_text="When a refresh last re-scored this mentee's list."
    )
    hired_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the mentee accepted an offer: from then on they are out of matching.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekly_hours__gte=1, weekly_hours__lte=60),
                name="mentee_weekly_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Mentee {self.user}"


class MentorProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="mentor_profile",
    )
    roles = models.ManyToManyField(Role, related_name="mentors")
    background = models.ForeignKey(
        Background, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bio = models.TextField(blank=True, max_length=5000)
    years_experience = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(60)]
    )
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    languages = models.JSONField(default=list, validators=[validate_languages])
    capacity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(CAPACITY_RANGE[0]), MaxValueValidator(CAPACITY_RANGE[1])],
        help_text="How many mentees at once.",
    )
    accepting = models.BooleanField(default=True)
    approved = models.BooleanField(default=False, help_text="Vetted by staff: visible to mentees.")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    skills = models.ManyToManyField(Skill, through="MentorSkill", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    matched_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a refresh last re-scored the lists this mentor is in.",
    )
    away_until = models.DateField(
        null=True,
        blank=True,
        help_text="Away (out of matching and new requests) until this date; back on it.",
    )
    paused_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Paused from matching for letting requests expire; staff lift the pause.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1, capacity__lte=20),
                name="mentor_capacity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Mentor {self.user}"


class SkillLevel(models.Model):
    """A skill a person holds and at what level, 1 (aware) to 5 (expert); one row per skill."""

    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)

    class Meta:
        abstract = True
        ordering = ["skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "skill"], name="%(class)s_unique"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="%(class)s_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} (level {self.level})"


class MenteeSkill(SkillLevel):
    profile = models.ForeignKey(
        MenteeProfile, on_delete=models.CASCADE, related_name="skill_levels"
    )


class MentorSkill(SkillLevel):
    profile = models.ForeignKey(
        MentorProfile, on_delete=models.CASCADE, related_name="skill_levels"
    )


class JobDescription(models.Model):
    """A posting the mentee wants to be hired for; its skills raise their priority in the gap."""

    MAX_TEXT_LENGTH = 20_000

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_descriptions"
    )
    title = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True)
    text = models.TextField(max_length=MAX_TEXT_LENGTH)
    skills = models.ManyToManyField(Skill, related_name="+", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
