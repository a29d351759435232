"""factory_boy factories for the domain models."""

import factory
from django.utils import timezone

from mentorship.accounts.models import User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Faker("name")
    role = User.Role.MENTEE
    password = factory.django.Password(DEFAULT_PASSWORD)
    # Verified, as most accounts are: tests of the unverified state say so.
    email_verified_at = factory.LazyFunction(timezone.now)


class MenteeFactory(UserFactory):
    role = User.Role.MENTEE


class MentorFactory(UserFactory):
    role = User.Role.MENTOR


class StaffFactory(UserFactory):
    role = User.Role.STAFF
    is_staff = True
    is_superuser = True
