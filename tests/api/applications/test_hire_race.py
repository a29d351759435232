"""Concurrent hires on PostgreSQL, through the API: the same mentee saying they were hired from
several clients at once (a double tap, two devices) is hired once: one 200, the rest a clean
409 `already_hired`, one mentorship completed, one email to the mentor."""

import pytest

from mentorship.applications.services import application_create
from mentorship.mentorships.models import Mentorship
from mentorship.notifications.models import Notification
from mentorship.taxonomy.services import reference_taxonomy, taxonomy_import
from tests.api.applications.helpers import HIRED
from tests.matching.builders import make_mentee, make_mentor
from tests.mentorships.test_capacity_race import assert_no_server_errors, post_all, token_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def frozen_today():
    """Overrides the package's frozen clock: these threads run on the real one."""
    return


def test_concurrent_hires_hire_once():
    taxonomy_import(data=reference_taxonomy())
    mentee = make_mentee(role="data-scientist")
    mentor = make_mentor(roles=("data-scientist",))
    mentorship = Mentorship.objects.create(mentee=mentee, mentor=mentor)
    token = token_for(mentee)
    offers = []
    for company in ("Acme", "Initech", "Globex"):
        application = application_create(
            mentee=mentee,
            company=company,
            role="data-scientist",
            applied_on=mentee.date_joined.date(),
        )
        application.status = "offer"
        application.save(update_fields=["status"])
        offers.append(application)

    results = post_all(
        [(token, HIRED, {}) for _ in range(4)]
        + [(token, HIRED, {"application": offer.pk}) for offer in offers]
    )

    assert_no_server_errors(results)
    assert sorted(status for status, _ in results) == [200] + [409] * 6
    assert {body["code"] for status, body in results if status == 409} == {"already_hired"}
    [winner] = [body for status, body in results if status == 200]
    mentorship.refresh_from_db()
    assert mentorship.outcome == Mentorship.Outcome.HIRED
    assert Notification.objects.filter(key__startswith="mentorship-hired:").count() == 1
    accepted = [
        offer.pk for offer in offers if type(offer).objects.get(pk=offer.pk).status == "accepted"
    ]
    assert accepted == ([winner["application"]] if winner["application"] else [])
