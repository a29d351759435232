"""The user: email is the login, with a display name and one role (mentee, mentor or staff)."""

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from mentorship.accounts.addresses import email_address_fold


def normalise_email(email: str) -> str:
    """Emails are compared and stored in one normal form (`addresses`), so `Ann@X.org`,
    `ann@x.org` and the same with a fullwidth x are one login; an address without a normal form
    is only lower-cased."""
    return email_address_fold(email)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email=normalise_email(username or ""))

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True, role=User.Role.STAFF)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        MENTEE = "mentee", "Mentee"
        MENTOR = "mentor", "Mentor"
        STAFF = "staff", "Staff"

    email = models.EmailField("email address", max_length=254, unique=True)
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MENTEE)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Can log in to the admin site (staff role)."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    email_verified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the owner proved they read mail at this address."
    )
    deleted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the person left: the row stays, emptied, where others keep a record.",
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=["mentee", "mentor", "staff"]),
                name="accounts_user_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalise_email(self.email)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_mentee(self) -> bool:
        return self.role == self.Role.MENTEE

    @property
    def is_mentor(self) -> bool:
        return self.role == self.Role.MENTOR


class LoginFailure(models.Model):
    """A failed login for one address (as typed, normalised) from one client address; kept for the
    lockout window only (`accounts.lockout`)."""

    email = models.CharField(max_length=254)
    client = models.CharField(max_length=64, help_text="The client address the attempt came from.")
    failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["email", "client", "failed_at"])]

    def __str__(self) -> str:
        return f"{self.email} from {self.client} at {self.failed_at:%Y-%m-%d %H:%M}"


class LoginLockout(models.Model):
    """Logins for this (address, client) pair are refused until `locked_until`, even with the
    right password. Stored in the database, so it holds while Redis is down."""

    email = models.CharField(max_length=254)
    client = models.CharField(max_length=64)
    locked_until = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email", "client"], name="one_lockout_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.email} from {self.client} until {self.locked_until:%Y-%m-%d %H:%M}"
