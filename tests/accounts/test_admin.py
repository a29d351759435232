"""Staff: `createsuperuser --noinput` makes a staff user who uses the admin and the API."""

import pytest
from django.core.management import call_command

from mentorship.accounts.models import User
from mentorship.taxonomy.models import Role
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import

pytestmark = pytest.mark.django_db


def test_createsuperuser_from_the_environment_makes_a_staff_user(monkeypatch, api_client):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Admin@Example.org")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-admin-passphrase")

    call_command("createsuperuser", "--noinput", verbosity=0)

    user = User.objects.get()
    assert (user.email, user.role, user.is_staff, user.is_superuser) == (
        "admin@example.org",
        "staff",
        True,
        True,
    )
    response = api_client.post(
        "/api/v1/auth/login",
        {"email": "admin@example.org", "password": "a-long-admin-passphrase"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/notifications/notification/",
        "/admin/django_celery_beat/periodictask/",
        "/admin/taxonomy/role/",
        "/admin/taxonomy/skill/?q=torch",
        "/admin/taxonomy/background/",
        "/admin/profiles/menteeprofile/",
        "/admin/profiles/mentorprofile/",
        "/admin/profiles/jobdescription/",
    ],
)
def test_admin_pages_load_for_staff(client, staff, url):
    taxonomy_import(data=reference_taxonomy())
    client.force_login(staff)

    assert client.get(url).status_code == 200


def test_staff_edit_a_role_with_its_requirements_and_milestones_inline(client, staff):
    taxonomy_import(data=reference_taxonomy())
    role = Role.objects.get(slug="data-scientist")
    client.force_login(staff)

    page = client.get(f"/admin/taxonomy/role/{role.pk}/change/").content.decode()

    assert "scikit-learn" in page
    assert "Clean and explore" in page or "clean-explore" in page


def test_admin_user_page_shows_a_user(client, staff, mentee):
    client.force_login(staff)

    response = client.get(f"/admin/accounts/user/{mentee.pk}/change/")

    assert response.status_code == 200
    assert mentee.email in response.content.decode()


def test_the_admin_is_closed_to_mentees(client, mentee):
    client.force_login(mentee)

    response = client.get("/admin/accounts/user/")

    assert response.status_code == 302
