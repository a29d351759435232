"""The staff audit trail: every staff action (approve, unapprove, a matching run, taxonomy edits,
an account deactivated, any admin change) is an entry with who, when, what, before and after;
the admin lists and filters them and cannot change them; other people's changes leave none."""

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from mentorship.accounts.models import User
from mentorship.matching.models import Match, MatchRun
from mentorship.profiles.models import MentorProfile
from mentorship.taxonomy.models import Background, Skill
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.matching.builders import make_mentor

pytestmark = pytest.mark.django_db


def _entries(model, object_pk) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_pk=str(object_pk)
        ).order_by("pk")
    )


@pytest.fixture
def admin_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


# Matches are rewritten in bulk by every run: tracking them would cost the fast delete of each
# batch (see AUDITLOG_INCLUDE_TRACKING_MODELS).
NOT_TRACKED = {LogEntry, Match}


def test_every_model_the_admin_edits_is_audited():
    edited = {model for model in admin.site._registry if model not in NOT_TRACKED}
    inlines = {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in getattr(model_admin, "inlines", [])
    }

    missing = sorted(
        model._meta.label for model in edited | inlines if not auditlog.contains(model)
    )

    assert not missing


def test_approving_and_unapproving_through_the_api_are_recorded_with_the_reason(client_for, staff):
    taxonomy_import(data=reference_taxonomy())
    mentor = make_mentor(roles=("data-scientist",), approved=False)

    assert client_for(staff).post(f"/api/v1/admin/mentors/{mentor.pk}/approve").status_code == 200
    response = client_for(staff).post(
        f"/api/v1/admin/mentors/{mentor.pk}/unapprove", {"reason": "Fake credentials"}
    )

    assert response.status_code == 200
    approve, unapprove = _entries(MentorProfile, mentor.pk)
    assert approve.actor == unapprove.actor == staff
    assert approve.actor_email == staff.email
    assert approve.remote_addr == unapprove.remote_addr == "127.0.0.1"
    assert approve.changes["approved"] == [False, True]
    assert unapprove.changes["approved"] == [True, False]
    assert unapprove.additional_data == {"reason": "Fake credentials"}


def test_a_matching_run_started_by_staff_is_recorded(client_for, staff):
    response = client_for(staff).post("/api/v1/admin/matching-runs")

    assert response.status_code == 202
    (entry,) = [
        e for e in _entries(MatchRun, response.json()["id"]) if e.action == LogEntry.Action.CREATE
    ]
    assert entry.actor == staff


def test_taxonomy_edits_and_deactivation_in_the_admin_are_recorded(admin_client, staff, mentee):
    taxonomy_import(data=reference_taxonomy())
    skill = Skill.objects.get(slug="python")
    assert admin_client.get(f"/admin/taxonomy/skill/{skill.pk}/change/").status_code == 200
    background = Background.objects.get(slug="physics")
    edited = admin_client.post(
        f"/admin/taxonomy/background/{background.pk}/change/",
        {"slug": "physics", "name": "Physics and astronomy"},
    )
    assert edited.status_code == 302
    (edit,) = _entries(Background, background.pk)
    assert edit.actor == staff
    assert edit.changes["name"] == [background.name, "Physics and astronomy"]

    admin_client.post(
        f"/admin/accounts/user/{mentee.pk}/change/",
        {
            "email": mentee.email,
            "name": mentee.name,
            "role": mentee.role,
            "is_active": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    mentee.refresh_from_db()
    assert mentee.is_active is False
    entry = _entries(User, mentee.pk)[-1]
    assert entry.actor == staff
    assert entry.changes["is_active"] == [True, False]
    assert "password" not in entry.changes


def test_changes_by_people_who_are_not_staff_leave_no_entry(client_for, mentee):
    client_for(mentee).patch("/api/v1/me", {"name": "Renamed"})

    assert _entries(User, mentee.pk) == []


def test_the_admin_lists_and_filters_entries_but_cannot_change_them(
    admin_client, client_for, staff
):
    client_for(staff).post("/api/v1/admin/matching-runs")
    entry = LogEntry.objects.get()

    listing = admin_client.get("/admin/auditlog/logentry/", {"actor": staff.pk, "action__exact": 0})
    searched = admin_client.get("/admin/auditlog/logentry/", {"q": staff.email})

    assert listing.status_code == searched.status_code == 200
    assert str(entry.pk) in listing.content.decode()
    model_admin = admin.site._registry[LogEntry]
    request = listing.wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert (
        admin_client.post(
            f"/admin/auditlog/logentry/{entry.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_an_account_in_the_admin_erases_it_and_keeps_the_others_records(
    admin_client, mentee
):
    response = admin_client.post(f"/admin/accounts/user/{mentee.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    emptied = User.objects.get(pk=mentee.pk)
    assert emptied.deleted_at is not None
    assert not emptied.is_active
