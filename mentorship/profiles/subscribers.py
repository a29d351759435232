"""What profiles do when accounts announce a change (connected in `apps`): a person leaving
erases their profiles and job descriptions; a person's export gets their profile, skill gap and
job descriptions."""

from typing import Any

from mentorship.accounts.models import User
from mentorship.profiles.selectors import profiles_export
from mentorship.profiles.services import profiles_forget_person


def on_account_deleting(*, user: User, **_: Any) -> None:
    profiles_forget_person(user=user)


def on_account_exporting(*, user: User, **_: Any) -> dict[str, Any]:
    return profiles_export(user=user)
