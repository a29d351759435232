"""What mentorships announce: a request declined, requests expired, a mentorship started or ended.

Each signal is sent inside the transaction that makes the change, with the row as ``request`` or
``mentorship``, so a receiver may write in the same transaction (progress schedules the
follow-up when a mentorship ends) and must defer anything outside the database to
`transaction.on_commit` (matching enqueues its refreshes that way). Mentorships know nothing of
who listens: packages above subscribe in their `AppConfig.ready`. An exception in a receiver
rolls the change back.
"""

from django.dispatch import Signal

request_declined = Signal()  # request: MentorshipRequest
requests_expired = Signal()  # requests: list[MentorshipRequest] (mentee and mentor loaded)
mentorship_started = Signal()  # mentorship: Mentorship
mentorship_ended = Signal()  # mentorship: Mentorship
