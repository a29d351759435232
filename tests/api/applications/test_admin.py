"""Staff see the job search in the admin: applications listed, filtered and searched, each with
its events inline."""

from django.test import Client

from tests.api.applications.helpers import apply, url


def test_staff_list_search_and_open_applications(staff, mentee_client, mentorship):
    application = apply(mentee_client, company="Acme")
    mentee_client.post(
        url(application["id"], "interviews"), {"kind": "onsite", "happened_on": "2024-03-01"}
    )
    admin = Client()
    admin.force_login(staff)

    listed = admin.get("/admin/applications/jobapplication/", {"q": "Acme", "status": "applied"})
    opened = admin.get(f"/admin/applications/jobapplication/{application['id']}/change/")
    events = admin.get("/admin/applications/applicationevent/", {"kind": "interview"})

    assert listed.status_code == 200
    assert "Acme" in listed.content.decode()
    assert opened.status_code == 200
    assert "onsite" in opened.content.decode()
    assert events.status_code == 200
    assert "1 application event" in events.content.decode()


def test_a_mentee_cannot_open_the_admin(mentee):
    client = Client()
    client.force_login(mentee)

    response = client.get("/admin/applications/jobapplication/")

    assert response.status_code == 302
