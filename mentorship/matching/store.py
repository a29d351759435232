"""The match store: scored matches as columns, replacing a set of mentees' matches, and the
`suggested` flags.

A batch's matches replace the old ones of its mentees in the caller's transaction (readers see
the old list or the new, never none): COPY on PostgreSQL, `bulk_create` elsewhere. Every write
invalidates the cached match pages it shows on once it commits (`cache.matches_changed`).
"""

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q

from mentorship.core.batching import batched
from mentorship.matching.cache import matches_changed
from mentorship.matching.components import COMPONENTS
from mentorship.matching.models import Match
from mentorship.profiles.models import MenteeProfile

WRITE_BATCH = 5000
SQLITE_UPDATE_BATCH = 900  # ids per UPDATE: under SQLite's bound-variable limit
# Replacing the matches of at most this many mentees (a refresh) invalidates the cached pages of
# the people it touches; a full-run chunk (thousands) invalidates every page at once.
TARGETED_INVALIDATION_MENTEES = 100
BACKSLASH = "\\"
COPY_COLUMNS = (
    "mentee_id, mentor_id, rank, score, components, explanation_codes, computed_at, suggested"
)
# The components as JSON, keys in `COMPONENTS` order; a float's repr is its JSON form.
_COMPONENTS_JSON = "{" + ", ".join(f'"{name}": %r' for name in COMPONENTS) + "}"


@dataclass
class ScoredMatches:
    """The matches of a batch of mentees, column by column, by mentee then rank.

    Columns of plain Python values rather than a tuple or dict per match: a batch holds tens of
    thousands of matches, and the fewer container objects it makes, the less time goes to
    allocating them and to the garbage collector walking them. Explanations are JSON text (see
    `explanations`).
    """

    mentee_ids: list[int]
    mentor_ids: list[int]
    ranks: list[int]
    scores: list[float]
    components: list[float]  # len(COMPONENTS) values per match, flat
    explanations: list[str]
    computed_at: datetime
    # Each match in COPY's text format up to its last column, `suggested` (see `format_for_copy`)
    copy_rows: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.mentee_ids)

    def format_for_copy(self) -> None:
        """Fill `copy_rows`. JSON carries no raw tab or newline, so doubling backslashes is all
        the escaping COPY's text format needs."""
        stamp = self.computed_at.isoformat()
        self.copy_rows = [
            f"{mentee_id}\t{mentor_id}\t{rank}\t{score!r}\t{_COMPONENTS_JSON % components}\t"
            f"{explanation.replace(BACKSLASH, BACKSLASH * 2)}\t{stamp}\t"
            for mentee_id, mentor_id, rank, score, components, explanation in self._matches()
        ]

    def copy_text(self, *, suggested: set[tuple[int, int]]) -> str:
        """The COPY payload (columns `COPY_COLUMNS`); the pairs in `suggested` stay suggested."""
        if not suggested:
            return "f\n".join(self.copy_rows) + "f\n" if self.copy_rows else ""
        return "".join(
            f"{row}{'t' if pair in suggested else 'f'}\n"
            for row, pair in zip(
                self.copy_rows, zip(self.mentee_ids, self.mentor_ids, strict=True), strict=True
            )
        )

    def objects(self, *, suggested: set[tuple[int, int]]) -> Iterable[Match]:
        for mentee_id, mentor_id, rank, score, components, explanation in self._matches():
            yield Match(
                mentee_id=mentee_id,
                mentor_id=mentor_id,
                rank=rank,
                score=score,
                components=dict(zip(COMPONENTS, components, strict=True)),
                explanation_codes=json.loads(explanation),
                suggested=(mentee_id, mentor_id) in suggested,
                computed_at=self.computed_at,
            )

    def _matches(self) -> Iterable[tuple]:
        """(mentee, mentor, rank, score, components tuple, explanation) of each match."""
        flat = iter(self.components)
        components = zip(*[flat] * len(COMPONENTS), strict=True)  # consecutive groups
        return zip(
            self.mentee_ids,
            self.mentor_ids,
            self.ranks,
            self.scores,
            components,
            self.explanations,
            strict=True,
        )


def matches_replace(
    *, mentees: Q, matches: Q, scored: ScoredMatches, keep_suggested: bool = False
) -> None:
    """Replace the `matches` of the `mentees` (a MenteeProfile filter) with `scored`.

    Precondition: the caller holds a transaction. The mentees' profile rows are locked in id
    order first, so a full-run chunk and a refresh that touch the same mentee take turns instead
    of colliding on the unique pair. With `keep_suggested`, a suggested pair still matched stays
    suggested.
    """
    locked = list(
        MenteeProfile.objects.select_for_update(no_key=True)
        .filter(mentees)
        .order_by("user_id")
        .values_list("pk", flat=True)
    )
    existing = Match.objects.filter(matches)
    suggested = (
        set(existing.filter(suggested=True).values_list("mentee_id", "mentor_id"))
        if keep_suggested
        else set()
    )
    if len(locked) <= TARGETED_INVALIDATION_MENTEES:
        # A refresh: only these mentees' pages and those of the mentors they leave or enter.
        touched = {*locked, *scored.mentor_ids}
        for mentee_id, mentor_id in existing.values_list("mentee_id", "mentor_id"):
            touched.update((mentee_id, mentor_id))
        transaction.on_commit(functools.partial(matches_changed, user_ids=touched))
    else:
        transaction.on_commit(matches_changed)
    existing.delete()
    if connection.vendor == "postgresql":
        # COPY: an order of magnitude faster than INSERTs for a million matches.
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3
            with raw.copy(f"COPY {Match._meta.db_table} ({COPY_COLUMNS}) FROM STDIN") as copy:
                copy.write(scored.copy_text(suggested=suggested))
        return
    Match.objects.bulk_create(scored.objects(suggested=suggested), batch_size=WRITE_BATCH)


def matches_set_suggested(*, match_ids: list[int], value: bool) -> None:
    """Set `suggested` on these matches (the caller invalidates the pages)."""
    if connection.vendor == "postgresql":  # one statement, the ids as one array parameter
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Match._meta.db_table} SET suggested = %s WHERE id = ANY(%s)",  # noqa: S608
                [value, match_ids],
            )
        return
    for batch in batched(match_ids, SQLITE_UPDATE_BATCH):
        Match.objects.filter(pk__in=batch).update(suggested=value)
