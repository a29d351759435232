"""A real Celery worker process on Redis and PostgreSQL runs the tasks the API enqueues."""

import pytest

from mentorship.notifications.models import Notification
from tests.polling import wait_for


@pytest.mark.services
def test_registration_email_is_delivered_by_a_real_worker(celery_worker, api_client):
    response = api_client.post(
        "/api/v1/auth/register",
        {"email": "w@example.org", "password": "a-long-passphrase", "name": "W", "role": "mentor"},
    )
    assert response.status_code == 201

    def delivered():
        return (
            Notification.objects.filter(key=f"welcome:{response.json()['id']}")
            .exclude(sent_at=None)
            .exists()
        )

    assert wait_for(delivered, timeout=30)
