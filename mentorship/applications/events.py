"""What applications announce: an employer turned the mentee down.

`application_rejected` is sent inside the transaction that records the rejection, with the row
as ``application``, so a receiver writes in the same transaction (progress schedules the
follow-up reminder, as it does for a check-in's `rejection_from`). Applications know nothing of
who listens: packages above subscribe in their `AppConfig.ready`. An exception in a receiver
rolls the change back.
"""

from django.dispatch import Signal

application_rejected = Signal()  # application: JobApplication
