"""One-statement bulk inserts on PostgreSQL skip conflicts and fill the other columns' defaults."""

from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from mentorship.core.bulk import insert_skipping_conflicts
from mentorship.notifications.models import Notification
from mentorship.progress.models import CheckIn
from tests.factories import MenteeFactory
from tests.mentorships.builders import make_mentee, make_mentor, make_mentorship

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]


def test_rows_that_conflict_are_skipped_and_counted_out():
    person = MenteeFactory()
    Notification.objects.create(key="taken", recipient=person, subject="s", body="b")

    inserted = insert_skipping_conflicts(
        Notification,
        {
            "key": ["taken", "new", "new", "other"],
            "recipient": [person.pk] * 4,
            "subject": ["Hello"] * 4,
            "body": ["first", "second", "third", "50% off, 'quoted'"],
        },
    )

    assert inserted == 2
    rows = {row.key: row for row in Notification.objects.all()}
    assert set(rows) == {"taken", "new", "other"}
    assert rows["new"].body == "second"
    assert rows["other"].body == "50% off, 'quoted'"
    assert rows["new"].created_at is not None
    assert rows["new"].sent_at is None


def test_the_columns_not_given_get_their_defaults(django_assert_num_queries):
    mentorship = make_mentorship(mentee=make_mentee(), mentor=make_mentor())
    now = timezone.now()
    with django_assert_num_queries(1):
        inserted = insert_skipping_conflicts(
            CheckIn,
            {"mentorship": [mentorship.pk], "week_start": [date(2026, 11, 30)], "opened_at": [now]},
        )

    assert inserted == 1
    checkin = CheckIn.objects.get()
    assert (checkin.status, checkin.summary, checkin.milestone_updates) == ("open", "", [])
    assert checkin.hours_spent is None
    assert checkin.opened_at == now


def test_columns_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="as many values"):
        insert_skipping_conflicts(Notification, {"key": ["a"], "subject": []})
