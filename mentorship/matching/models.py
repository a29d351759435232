"""Stored matches (a mentee's ranked, explained mentors) and the runs that compute them."""

from django.conf import settings
from django.db import models


class MatchRun(models.Model):
    """One full re-scoring of the pool, split into chunks that workers share, and how its
    suggestions spread over the mentors."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Mode(models.TextChoices):
        STABLE = "stable", "Stable (no pair that would both rather be together is kept apart)"
        MAX_PLACEMENTS = "max_placements", "Maximum placements (may move a mentee down its list)"

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    mentees_total = models.PositiveIntegerField(default=0)
    mentors_total = models.PositiveIntegerField(default=0)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    matches_written = models.PositiveBigIntegerField(
        default=0, help_text="Rows the run wrote: new or changed since the run before."
    )
    matches_unchanged = models.PositiveBigIntegerField(
        default=0, help_text="Rows the run confirmed as they were (left alone)."
    )
    mentees_rescored = models.PositiveIntegerField(
        default=0,
        help_text="Mentees the run scored: a change since the run before could reach them (all, "
        "without one).",
    )
    suggestions = models.PositiveIntegerField(default=0)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.STABLE)
    fill_rounds = models.PositiveSmallIntegerField(
        default=0, help_text="Rounds that ranked mentees left out against the free seats."
    )
    # Concentration: the top 10 % of mentors by list slots (then by suggestions) and the share
    # of the run's list slots (suggestions) they hold, against their share of the free seats.
    top_mentors_list_share = models.FloatField(null=True, blank=True)
    top_mentors_list_seat_share = models.FloatField(null=True, blank=True)
    top_mentors_suggestion_share = models.FloatField(null=True, blank=True)
    top_mentors_suggestion_seat_share = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    scoring_seconds = models.FloatField(null=True, blank=True)
    assignment_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.status})"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class MatchRunRecord(models.Model):
    """What a run scored with (`delta`): its setup and every mentor's digest as its plan saw
    them. The next run with the same setup compares against it and re-scores only what changed."""

    run = models.OneToOneField(
        MatchRun, on_delete=models.CASCADE, primary_key=True, related_name="record"
    )
    baseline = models.ForeignKey(
        MatchRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The run this one compared against (none: every mentee was scored).",
    )
    setup_digest = models.BigIntegerField()
    mentors = models.BinaryField(help_text="Mentor ids and digests (int64 columns).")

    def __str__(self) -> str:
        return f"Record of run {self.run_id}"


class MatchRunChunk(models.Model):
    """A chunk of a run that is done: counted once, however often its task runs."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    matches_written = models.PositiveIntegerField()
    matches_unchanged = models.PositiveIntegerField(default=0)
    mentees_rescored = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True, help_text="The worker that did it.")
    mentees = models.BinaryField(
        null=True, help_text="Mentee ids, digests and list digests it left (int64 columns)."
    )
    unsettled = models.BinaryField(
        default=b"", help_text="Mentor ids its process saw otherwise than the run's plan."
    )
    features = models.BinaryField(
        null=True,
        help_text="Its mentees' features and fingerprints, for the next run to reuse (PostgreSQL).",
    )
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="match_run_chunk_once"),
        ]

    def __str__(self) -> str:
        return f"Run {self.run_id} chunk {self.index}"


class Match(models.Model):
    """A mentor in a mentee's top-k, with the score, its components and why (as codes)."""

    # The unique pair and the mentor's index below lead with these columns, so the FKs need none
    # of their own: fewer indexes to maintain when a run writes a million rows.
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentor_matches",
        db_index=False,
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mentee_matches",
        db_index=False,
    )
    rank = models.PositiveSmallIntegerField(help_text="1 = best for this mentee")
    score = models.FloatField()
    components = models.JSONField()
    explanation_codes = models.JSONField(
        default=list,
        help_text="Why, as codes with parameters (see matching.explanations), put into words for "
        "each reader by matching.wording.",
    )
    suggested = models.BooleanField(
        default=False, help_text="The mentor the placement proposes for this mentee."
    )
    digest = models.BigIntegerField(
        default=0, help_text="A digest of what the row says: a run rewrites only rows that differ."
    )
    computed_at = models.DateTimeField(
        help_text="When it was computed; a later run that found it unchanged left it alone."
    )

    class Meta:
        ordering = ["mentee", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["mentee", "mentor"], name="match_unique_pair"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=1), name="match_score_range"
            ),
        ]
        # A mentor's page reads their matches by score. A mentee's list is found through the
        # unique pair's index (it leads with the mentee) and has at most k rows to sort, so a
        # (mentee, score) index would only be one more to maintain when a run writes a million.
        indexes = [
            models.Index(fields=["mentor", "-score"], name="match_mentor_score_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} ~ {self.mentor}: {self.score:.3f}"
