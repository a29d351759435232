"""`batched`: consecutive batches, the last one shorter; nothing for nothing."""

import pytest

from mentorship.core.batching import batched, query_batch_size


def test_batches_are_consecutive_and_cover_every_item_once():
    assert list(batched([1, 2, 3, 4, 5], 2)) == [[1, 2], [3, 4], [5]]
    assert list(batched(range(4), 4)) == [[0, 1, 2, 3]]
    assert list(batched([], 3)) == []


def test_a_batch_size_below_one_is_refused():
    with pytest.raises(ValueError, match="size"):
        list(batched([1], 0))


@pytest.mark.django_db
def test_an_in_list_of_one_batch_is_accepted_by_the_database():
    from mentorship.accounts.models import User

    ids = list(range(1, query_batch_size() + 1))

    assert User.objects.filter(pk__in=ids).count() == 0
