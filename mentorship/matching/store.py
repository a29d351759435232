"""The match store: scored matches as columns, a set of mentees' matches brought to a new list,
and the `suggested` flags.

A batch's matches replace the old ones of its mentees in the caller's transaction (readers see
the old list or the new, never none), writing only what differs: each row carries a digest of
what it says (mentor, rank, score, components, explanation), a stored row whose digest is among
the new ones is left alone, the others are deleted, and only new rows are inserted (COPY on
PostgreSQL, `bulk_create` elsewhere). Night to night most lists do not change, so a full run
writes a fraction of its rows, and none at all when nothing changed. A row left alone keeps its
`computed_at` (when it was computed); the run that confirmed it says when (`MatchRun`). The
suggestions from beyond the top k (rank k + 1) follow the same rule, written by the run's
placement (`matches_replace_beyond`) rather than by its chunks. Every
write that changes something invalidates the cached match pages it shows on once it commits
(`cache.matches_changed`).
"""

import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from mentorship.core.batching import batched
from mentorship.core.bulk import numeric_columns
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
    "mentee_id, mentor_id, rank, score, components, explanation_codes, digest, computed_at, "
    "suggested"
)
# The components as JSON, keys in `COMPONENTS` order; a float's repr is its JSON form.
_COMPONENTS_JSON = "{" + ", ".join(f'"{name}": %r' for name in COMPONENTS) + "}"


def _digest(content: str) -> int:
    """A signed 64-bit digest of a row's content (BLAKE2b)."""
    return int.from_bytes(
        hashlib.blake2b(content.encode(), digest_size=8).digest(), "big", signed=True
    )


@dataclass(frozen=True)
class Written:
    """What replacing a batch's matches did: rows inserted and rows left as they were."""

    inserted: int = 0
    unchanged: int = 0

    def __add__(self, other: "Written") -> "Written":
        return Written(self.inserted + other.inserted, self.unchanged + other.unchanged)


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
    # Each match in COPY's text format up to its digest (see `format_for_copy`), and the digests
    copy_rows: list[str] = field(default_factory=list)
    digests: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.mentee_ids)

    def format_for_copy(self) -> None:
        """Fill `copy_rows` (each row's text up to its digest) and `digests`. JSON carries no
        raw tab or newline, so doubling backslashes is all the escaping COPY's text format
        needs."""
        rows, digests = [], []
        for mentee_id, mentor_id, rank, score, components, explanation in self._matches():
            content = (
                f"{mentee_id}\t{mentor_id}\t{rank}\t{score!r}\t{_COMPONENTS_JSON % components}\t"
                f"{explanation.replace(BACKSLASH, BACKSLASH * 2)}"
            )
            rows.append(content)
            digests.append(_digest(content))
        self.copy_rows, self.digests = rows, digests

    def copy_text(self, *, keep: np.ndarray, suggested: set[tuple[int, int]]) -> str:
        """The COPY payload (columns `COPY_COLUMNS`) of the rows where `keep` is true; the pairs
        in `suggested` stay suggested."""
        stamp = self.computed_at.isoformat()
        return "".join(
            f"{row}\t{digest}\t{stamp}\t{'t' if (mentee, mentor) in suggested else 'f'}\n"
            for row, digest, mentee, mentor, wanted in zip(
                self.copy_rows,
                self.digests,
                self.mentee_ids,
                self.mentor_ids,
                keep.tolist(),
                strict=True,
            )
            if wanted
        )

    def objects(self, *, keep: np.ndarray, suggested: set[tuple[int, int]]) -> Iterable[Match]:
        rows = zip(self._matches(), self.digests, keep.tolist(), strict=True)
        for (mentee_id, mentor_id, rank, score, components, explanation), digest, wanted in rows:
            if not wanted:
                continue
            yield Match(
                mentee_id=mentee_id,
                mentor_id=mentor_id,
                rank=rank,
                score=score,
                components=dict(zip(COMPONENTS, components, strict=True)),
                explanation_codes=json.loads(explanation),
                digest=digest,
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
    *,
    mentees: Q,
    matches: Q,
    scored: ScoredMatches,
    keep_suggested: bool = False,
    keep_beyond: bool = False,
) -> Written:
    """Bring the `matches` of the `mentees` (a MenteeProfile filter) to `scored`, writing only
    the rows that differ (see the module docstring).

    Precondition: the caller holds a transaction. The mentees' profile rows are locked in id
    order first, so a full-run chunk and a refresh that touch the same mentee take turns instead
    of colliding on the unique pair. A row left alone keeps its `suggested` flag; with
    `keep_suggested`, a suggested pair whose row is rewritten stays suggested too. With
    `keep_beyond` (a full run's chunk), a suggestion from beyond the top k (rank k + 1) whose pair
    is not in the new list is left for the run's placement to confirm or remove
    (`matches_replace_beyond`), so that night to night an unchanged one is not rewritten.
    """
    locked = list(
        MenteeProfile.objects.select_for_update(no_key=True)
        .filter(mentees)
        .order_by("user_id")
        .values_list("pk", flat=True)
    )
    if not scored.digests and len(scored):
        scored.format_for_copy()
    stored = numeric_columns(
        Match.objects.filter(matches), ["id", "mentee", "mentor", "rank", "digest", "suggested"]
    )
    new_keys = list(zip(scored.mentee_ids, scored.mentor_ids, scored.digests, strict=True))
    old_keys = list(
        zip(
            stored["mentee"].tolist(),
            stored["mentor"].tolist(),
            stored["digest"].tolist(),
            strict=True,
        )
    )
    wanted = set(new_keys)
    kept = np.array([key in wanted for key in old_keys], dtype=bool)
    unchanged = {key for key, keep in zip(old_keys, kept.tolist(), strict=True) if keep}
    fresh = np.array([key not in unchanged for key in new_keys], dtype=bool)
    left = np.zeros(len(old_keys), dtype=bool)
    if keep_beyond:
        listed = set(zip(scored.mentee_ids, scored.mentor_ids, strict=True))
        beyond = np.flatnonzero(~kept & (stored["rank"] > settings.MATCHING_TOP_K))
        owners, mentors = stored["mentee"][beyond].tolist(), stored["mentor"][beyond].tolist()
        left[beyond] = [pair not in listed for pair in zip(owners, mentors, strict=True)]
    stale = stored["id"][~kept & ~left].tolist()
    suggested = (
        set(
            zip(
                stored["mentee"][~kept & stored["suggested"]].tolist(),
                stored["mentor"][~kept & stored["suggested"]].tolist(),
                strict=True,
            )
        )
        if keep_suggested
        else set()
    )
    written = Written(inserted=int(fresh.sum()), unchanged=int(kept.sum()))
    if not stale and not written.inserted:
        return written
    if len(locked) <= TARGETED_INVALIDATION_MENTEES:
        # A refresh: only these mentees' pages and those of the mentors they leave or enter.
        touched = {*locked, *scored.mentor_ids, *stored["mentor"].tolist()}
        transaction.on_commit(functools.partial(matches_changed, user_ids=touched))
    else:
        transaction.on_commit(matches_changed)
    _delete(stale)
    _insert(scored, keep=fresh, suggested=suggested)
    return written


def matches_replace_beyond(*, scored: ScoredMatches) -> Written:
    """Bring the suggestions from beyond the top k (every stored row of a rank over k) to
    `scored` (its rows of rank k + 1, all suggested), writing only the rows that differ, by the
    same digests as `matches_replace`: a row with the same content stays, the others are deleted,
    and the new ones are inserted. Precondition: inside the run's transaction, after its chunks
    (which left these rows alone: `keep_beyond`)."""
    if not scored.digests and len(scored):
        scored.format_for_copy()
    stored = numeric_columns(
        Match.objects.filter(rank__gt=settings.MATCHING_TOP_K),
        ["id", "mentee", "mentor", "digest", "suggested"],
    )
    wanted = set(zip(scored.mentee_ids, scored.mentor_ids, scored.digests, strict=True))
    old_keys = zip(
        stored["mentee"].tolist(), stored["mentor"].tolist(), stored["digest"].tolist(), strict=True
    )
    kept = np.array([key in wanted for key in old_keys], dtype=bool) & stored["suggested"]
    unchanged = set(
        zip(stored["mentee"][kept].tolist(), stored["mentor"][kept].tolist(), strict=True)
    )
    pairs = list(zip(scored.mentee_ids, scored.mentor_ids, strict=True))
    fresh = np.array([pair not in unchanged for pair in pairs], dtype=bool)
    _delete(stored["id"][~kept].tolist())
    _insert(scored, keep=fresh, suggested=set(pairs))
    return Written(inserted=int(fresh.sum()), unchanged=int(kept.sum()))


def matches_insert(*, scored: ScoredMatches, suggested: set[tuple[int, int]]) -> None:
    """Insert these matches (none of their pairs stored); the pairs in `suggested` suggested."""
    if not scored.digests and len(scored):
        scored.format_for_copy()
    _insert(scored, keep=np.ones(len(scored), dtype=bool), suggested=suggested)


def _insert(scored: ScoredMatches, *, keep: np.ndarray, suggested: set[tuple[int, int]]) -> None:
    if not keep.any():
        return
    if connection.vendor == "postgresql":
        # COPY: an order of magnitude faster than INSERTs for a million matches.
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3
            with raw.copy(f"COPY {Match._meta.db_table} ({COPY_COLUMNS}) FROM STDIN") as copy:
                copy.write(scored.copy_text(keep=keep, suggested=suggested))
        return
    Match.objects.bulk_create(
        scored.objects(keep=keep, suggested=suggested), batch_size=WRITE_BATCH
    )


def _delete(match_ids: list[int]) -> None:
    if not match_ids:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {Match._meta.db_table} WHERE id = ANY(%s)",  # noqa: S608
                [match_ids],
            )
        return
    for batch in batched(match_ids, SQLITE_UPDATE_BATCH):
        Match.objects.filter(pk__in=batch).delete()


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
