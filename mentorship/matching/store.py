"""The match store: scored matches as columns, a set of mentees' matches brought to a new list,
and the `suggested` flags.

A batch's matches replace the old ones of its mentees in the caller's transaction (readers see the
old list or the new, never none), writing only what differs: each row carries a digest of what it
says (mentor, rank, score, components, explanation), computed from what decides it
(`explanations.Explainer.digests`, without building the explanation); a stored row whose pair and
digest are among the new ones is left alone, the others are deleted, and only new rows are
explained and inserted (COPY on PostgreSQL, `bulk_create` elsewhere). Night to night most lists do
not change, so a full run writes a fraction of its rows, and none at all when nothing changed. A
row left alone keeps its `computed_at` (when it was computed); the run that confirmed it says when
(`MatchRun`). The suggestions from beyond the top k (rank k + 1) follow the same rule, written by
the run's placement (`matches_replace_beyond`) rather than by its chunks. Every write that changes
something invalidates the cached match pages it shows on once it commits (`cache.matches_changed`).
"""

import functools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from mentorship.core.batching import batched
from mentorship.core.bulk import numeric_columns
from mentorship.matching.cache import matches_changed
from mentorship.matching.components import COMPONENTS
from mentorship.matching.features import MenteeBatch
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


@dataclass(frozen=True)
class Written:
    """What replacing a batch's matches did: rows inserted and rows left as they were."""

    inserted: int = 0
    unchanged: int = 0
    rescored: int = 0  # mentees scored (a run's chunk: those a change could reach)
    # A run's chunk: per batch, the (mentee ids, digests, list digests) it left (`delta`)
    records: tuple[np.ndarray, ...] = ()
    # and the features it loaded, with their fingerprints (`features.features_pack`)
    features: tuple[tuple[MenteeBatch, np.ndarray], ...] = ()

    def __add__(self, other: "Written") -> "Written":
        return Written(
            self.inserted + other.inserted,
            self.unchanged + other.unchanged,
            self.rescored + other.rescored,
            self.records + other.records,
            self.features + other.features,
        )


def explained_by(texts: Sequence[str]) -> Callable[[np.ndarray], list[str]]:
    """An `explain` for matches whose explanations are already built."""
    return lambda positions: [texts[position] for position in positions.tolist()]


@dataclass
class ScoredMatches:
    """The matches of a batch of mentees, column by column, by mentee then rank.

    Columns of plain Python values rather than a tuple or dict per match: a batch holds tens of
    thousands of matches, and the fewer container objects it makes, the less time goes to
    allocating them and to the garbage collector walking them. Each match's digest
    (`explanations.Explainer.digests`) says what it holds; its explanation (JSON text, see
    `explanations`) is built by `explain` only for the matches that are written: night to night,
    most are already stored.
    """

    mentee_ids: list[int]
    mentor_ids: list[int]
    ranks: list[int]
    scores: list[float]
    components: list[float]  # len(COMPONENTS) values per match, flat
    digests: list[int]
    explain: Callable[[np.ndarray], list[str]]  # the explanations of these positions
    computed_at: datetime

    def __len__(self) -> int:
        return len(self.mentee_ids)

    def _written(
        self, keep: np.ndarray, suggested: set[tuple[int, int]]
    ) -> Iterable[tuple[int, int, int, float, tuple, str, int, bool]]:
        """(mentee, mentor, rank, score, components, explanation, digest, suggested) of each
        match where `keep` is true."""
        positions = np.flatnonzero(keep)
        texts = self.explain(positions)
        width = len(COMPONENTS)
        for position, text in zip(positions.tolist(), texts, strict=True):
            mentee, mentor = self.mentee_ids[position], self.mentor_ids[position]
            yield (
                mentee,
                mentor,
                self.ranks[position],
                self.scores[position],
                tuple(self.components[position * width : (position + 1) * width]),
                text,
                self.digests[position],
                (mentee, mentor) in suggested,
            )

    def copy_text(self, *, keep: np.ndarray, suggested: set[tuple[int, int]]) -> str:
        """The COPY payload (columns `COPY_COLUMNS`, COPY's text format) of the rows where `keep`
        is true; the pairs in `suggested` are suggested. JSON carries no raw tab or newline, so
        doubling backslashes is all the escaping it needs."""
        stamp = self.computed_at.isoformat()
        return "".join(
            f"{mentee}\t{mentor}\t{rank}\t{score!r}\t{_COMPONENTS_JSON % components}\t"
            f"{text.replace(BACKSLASH, BACKSLASH * 2)}\t{digest}\t{stamp}\t"
            f"{'t' if is_suggested else 'f'}\n"
            for mentee, mentor, rank, score, components, text, digest, is_suggested in (
                self._written(keep, suggested)
            )
        )

    def objects(self, *, keep: np.ndarray, suggested: set[tuple[int, int]]) -> Iterable[Match]:
        for mentee, mentor, rank, score, components, text, digest, is_suggested in self._written(
            keep, suggested
        ):
            yield Match(
                mentee_id=mentee,
                mentor_id=mentor,
                rank=rank,
                score=score,
                components=dict(zip(COMPONENTS, components, strict=True)),
                explanation_codes=json.loads(text),
                digest=digest,
                suggested=is_suggested,
                computed_at=self.computed_at,
            )


def pair_keys(mentees: np.ndarray, mentors: np.ndarray) -> np.ndarray:
    """One int64 per (mentee id, mentor id) pair (user ids are below 2**31)."""
    return (mentees.astype(np.int64) << 32) | mentors.astype(np.int64)


def _same_rows(
    stored: dict[str, np.ndarray], scored: ScoredMatches
) -> tuple[np.ndarray, np.ndarray]:
    """(per stored row, per scored match): whether the other side holds the same pair with the
    same digest. A pair is stored at most once and listed at most once."""
    stored_pairs = pair_keys(stored["mentee"], stored["mentor"])
    scored_pairs = pair_keys(
        np.asarray(scored.mentee_ids, dtype=np.int64), np.asarray(scored.mentor_ids, dtype=np.int64)
    )
    _, at_stored, at_scored = np.intersect1d(
        stored_pairs, scored_pairs, assume_unique=True, return_indices=True
    )
    same = stored["digest"][at_stored] == np.asarray(scored.digests, dtype=np.int64)[at_scored]
    kept = np.zeros(stored_pairs.shape[0], dtype=bool)
    kept[at_stored[same]] = True
    unchanged = np.zeros(scored_pairs.shape[0], dtype=bool)
    unchanged[at_scored[same]] = True
    return kept, unchanged


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
    stored = numeric_columns(
        Match.objects.filter(matches), ["id", "mentee", "mentor", "rank", "digest", "suggested"]
    )
    kept, unchanged = _same_rows(stored, scored)
    fresh = ~unchanged
    left = np.zeros(kept.shape[0], dtype=bool)
    if keep_beyond:
        beyond = ~kept & (stored["rank"] > settings.MATCHING_TOP_K)
        listed = np.isin(
            pair_keys(stored["mentee"], stored["mentor"]),
            pair_keys(np.asarray(scored.mentee_ids), np.asarray(scored.mentor_ids)),
        )
        left = beyond & ~listed
    stale = stored["id"][~kept & ~left].tolist()
    was_suggested = ~kept & stored["suggested"]
    suggested = (
        set(
            zip(
                stored["mentee"][was_suggested].tolist(),
                stored["mentor"][was_suggested].tolist(),
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
    stored = numeric_columns(
        Match.objects.filter(rank__gt=settings.MATCHING_TOP_K),
        ["id", "mentee", "mentor", "digest", "suggested"],
    )
    # Only a row still suggested counts as the same (one the repair unmarked is written again).
    suggested = np.flatnonzero(stored["suggested"])
    same, unchanged = _same_rows(
        {name: column[suggested] for name, column in stored.items()}, scored
    )
    kept = np.zeros(stored["id"].shape[0], dtype=bool)
    kept[suggested[same]] = True
    fresh = ~unchanged
    _delete(stored["id"][~kept].tolist())
    _insert(
        scored, keep=fresh, suggested=set(zip(scored.mentee_ids, scored.mentor_ids, strict=True))
    )
    return Written(inserted=int(fresh.sum()), unchanged=int(kept.sum()))


def matches_insert(*, scored: ScoredMatches, suggested: set[tuple[int, int]]) -> None:
    """Insert these matches (none of their pairs stored); the pairs in `suggested` suggested."""
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
