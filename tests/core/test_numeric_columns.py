"""Numeric columns of a query as NumPy arrays (one binary COPY on PostgreSQL)."""

import numpy as np
import pytest
from django.utils import timezone

from mentorship.core.bulk import numeric_columns
from mentorship.matching.models import Match
from mentorship.mentorships.models import MentorshipRequest
from mentorship.profiles.models import MentorProfile
from tests.factories import MenteeFactory, MentorFactory

pytestmark = pytest.mark.django_db


def test_the_columns_are_the_rows_values_with_their_types():
    mentors = [MentorFactory() for _ in range(3)]
    for index, person in enumerate(mentors):
        MentorProfile.objects.create(
            user=person, timezone="UTC", languages=["en"], capacity=index + 1,
            accepting=index != 1,
        )  # fmt: skip

    columns = numeric_columns(
        MentorProfile.objects.filter(capacity__gte=2), ["user", "capacity", "accepting"]
    )

    expected = sorted(
        MentorProfile.objects.filter(capacity__gte=2).values_list("user", "capacity", "accepting")
    )
    names = ("user", "capacity", "accepting")
    got = sorted(zip(*(columns[name].tolist() for name in names), strict=True))
    assert got == expected
    assert columns["user"].dtype == np.int64
    assert columns["accepting"].dtype == np.bool_


def test_a_float_column_keeps_every_bit_and_an_empty_query_gives_empty_arrays():
    person, other = MenteeFactory(), MentorFactory()
    Match.objects.create(
        mentee=person, mentor=other, rank=1, score=0.123457, components={}, explanation_codes=[],
        computed_at=timezone.now(),
    )  # fmt: skip

    columns = numeric_columns(Match.objects.all(), ["mentee", "rank", "score"])

    assert columns["score"].tolist() == [0.123457]
    assert columns["rank"].tolist() == [1]
    assert numeric_columns(Match.objects.filter(rank=2), ["id"])["id"].shape == (0,)


@pytest.mark.parametrize(
    ("model", "field"), [(MentorshipRequest, "message"), (MentorProfile, "background")]
)
def test_a_text_or_nullable_column_is_refused(model, field):
    with pytest.raises(ValueError, match=field):
        numeric_columns(model.objects.all(), [field])


def test_columns_of_every_width_stay_aligned_row_by_row_in_the_querys_order():
    mentees = [MenteeFactory() for _ in range(3)]
    mentors = [MentorFactory() for _ in range(40)]
    Match.objects.bulk_create(
        Match(
            mentee=mentee, mentor=mentor, rank=(7 * index) % 300, score=((index * 37) % 1000) / 999,
            suggested=index % 3 == 0, components={}, explanation_codes=[],
            computed_at=timezone.now(),
        )
        for index, (mentee, mentor) in enumerate(
            (mentee, mentor) for mentee in mentees for mentor in mentors
        )
    )  # fmt: skip
    query = Match.objects.order_by("-score", "id")
    names = ["id", "rank", "suggested", "score", "mentor", "mentee"]

    columns = numeric_columns(query, names)

    rows = list(zip(*(columns[name].tolist() for name in names), strict=True))
    assert rows == list(query.values_list(*names))
    assert [columns[name].dtype for name in ("rank", "suggested", "score")] == [
        np.int16,
        np.bool_,
        np.float64,
    ]
