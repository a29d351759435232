"""What accounts announce: a person is leaving, and a person asks for everything held on them.

Accounts sit low: the packages that hold a person's data subscribe in their `AppConfig.ready`
and do their part, so accounts know nothing of profiles, matches or projects.

- `account_deleting(user=...)` is sent inside the transaction that empties the account, before
  its row is emptied. Each receiver erases or anonymises its own rows in that transaction (an
  exception rolls the whole deletion back) and defers work outside the database to
  `transaction.on_commit`. Receivers run in the order their apps are installed (profiles,
  matching, mentorships, progress): mentorships end the person's mentorships (announcing
  `mentorship_ended`) before progress erases what the person's mentorships left behind.
- `account_exporting(user=...)` is sent to build the export: each receiver returns a dict of
  the sections it holds (`{"projects": [...], ...}`), of JSON values only.
"""

from django.dispatch import Signal

account_deleting = Signal()  # user: User
account_exporting = Signal()  # user: User; returns dict[str, JSON]
