"""What applications do when the packages below announce a change (connected in `apps`): a
person leaving erases their applications with their history (a leaving mentor's comments on a
mentee's application stay, the mentee's record); an export gets their applications and the
comments they wrote on others'."""

from typing import Any

from mentorship.accounts.models import User
from mentorship.applications.models import JobApplication
from mentorship.applications.selectors import applications_export


def on_account_deleting(*, user: User, **_: Any) -> None:
    JobApplication.objects.filter(mentee=user).delete()


def on_account_exporting(*, user: User, **_: Any) -> dict[str, Any]:
    return applications_export(user=user)
