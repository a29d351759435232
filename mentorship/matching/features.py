"""Profiles as the engine's arrays: the one bridge between the database and `engine`.

`taxonomy_index_load` reads the taxonomy's index spaces (roles, skills, backgrounds by position,
with their slugs for explanation codes) and the role similarity; `mentor_pool_load` the approved
mentors against it; `mentee_batch_load` a batch of mentees, with the pairs they must never be
matched with. A run loads the first two once (`snapshot`), then one batch of mentees at a time.
Role similarity is the weighted Jaccard index of two roles' requirements (importance as weight),
so a mentor who did a role that needs much the same skills gets partial `role_fit`.
"""

import contextlib
import io
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import chain
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import scipy.sparse as sp
from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from mentorship.matching.engine import MenteeArrays, MentorArrays, csr_from_parts
from mentorship.mentorships.models import Mentorship, MentorshipRequest
from mentorship.mentorships.selectors import declined_for_good
from mentorship.profiles.gap import gap_priorities
from mentorship.profiles.models import (
    JobDescription,
    MenteeProfile,
    MenteeSkill,
    MentorProfile,
    MentorSkill,
)
from mentorship.profiles.selectors import mentor_matchable
from mentorship.profiles.validators import ISO_639_1
from mentorship.taxonomy.models import Background, Role, RoleRequirement, Skill

LANGUAGES = sorted(ISO_639_1)
LANGUAGE_INDEX = {code: index for index, code in enumerate(LANGUAGES)}


@lru_cache(maxsize=1024)
def _utc_offset_hours(zone: str, hour: datetime) -> float:
    offset = hour.astimezone(ZoneInfo(zone)).utcoffset()
    return offset.total_seconds() / 3600 if offset else 0.0


def utc_offset_hours(zone: str, at: datetime) -> float:
    """The zone's offset from UTC at `at`, in hours (daylight saving included)."""
    return _utc_offset_hours(zone, at.replace(minute=0, second=0, microsecond=0))


def _csr(
    rows: list[int], columns: list[int], values: list, shape: tuple[int, int], dtype: Any
) -> sp.csr_array:
    return csr_from_parts(
        [np.asarray(rows, dtype=np.int64)],
        [np.asarray(columns, dtype=np.int64)],
        [np.asarray(values, dtype=dtype)],
        shape,
        dtype,
    )


def _language_matrix(language_lists: Sequence[list[str]]) -> sp.csr_array:
    rows, columns = [], []
    for row, codes in enumerate(language_lists):
        for code in codes:
            if code in LANGUAGE_INDEX:
                rows.append(row)
                columns.append(LANGUAGE_INDEX[code])
    return _csr(rows, columns, [True] * len(rows), (len(language_lists), len(LANGUAGES)), bool)


@dataclass
class TaxonomyIndex:
    """Index spaces of roles, skills and backgrounds (position = column in the engine's arrays),
    with their slugs for explanation codes, the role requirements and the role similarity."""

    role_ids: list[int]
    role_slugs: list[str]
    skill_ids: list[int]
    skill_slugs: list[str]
    background_ids: list[int]
    background_slugs: list[str]
    requirements: dict[int, list[tuple[int, int, int]]]
    role_similarity: np.ndarray
    role_index: dict[int, int] = field(init=False)
    skill_index: dict[int, int] = field(init=False)
    background_index: dict[int, int] = field(init=False)

    def __post_init__(self) -> None:
        self.role_index = {pk: index for index, pk in enumerate(self.role_ids)}
        self.skill_index = {pk: index for index, pk in enumerate(self.skill_ids)}
        self.background_index = {pk: index for index, pk in enumerate(self.background_ids)}


def taxonomy_index_load() -> TaxonomyIndex:
    """The taxonomy as the engine's index spaces (read once per run and process)."""
    roles = list(Role.objects.order_by("pk").values_list("pk", "slug"))
    skills = list(Skill.objects.order_by("pk").values_list("pk", "slug"))
    backgrounds = list(Background.objects.order_by("pk").values_list("pk", "slug"))
    requirements: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for role_id, skill_id, importance, level in RoleRequirement.objects.values_list(
        "role_id", "skill_id", "importance", "level"
    ):
        requirements[role_id].append((skill_id, importance, level))
    role_ids = [pk for pk, _ in roles]
    return TaxonomyIndex(
        role_ids=role_ids,
        role_slugs=[slug for _, slug in roles],
        skill_ids=[pk for pk, _ in skills],
        skill_slugs=[slug for _, slug in skills],
        background_ids=[pk for pk, _ in backgrounds],
        background_slugs=[slug for _, slug in backgrounds],
        requirements=dict(requirements),
        role_similarity=role_similarity(role_ids, requirements),
    )


def role_similarity(
    role_ids: Sequence[int], requirements: dict[int, list[tuple[int, int, int]]]
) -> np.ndarray:
    """Weighted Jaccard of requirement importances: sum of minima over sum of maxima, 1 on the
    diagonal."""
    weights = [
        {skill_id: importance for skill_id, importance, _ in requirements.get(role_id, [])}
        for role_id in role_ids
    ]
    similarity = np.eye(len(role_ids), dtype=np.float32)
    for a, first in enumerate(weights):
        for b in range(a + 1, len(weights)):
            second = weights[b]
            shared = first.keys() | second.keys()
            largest = sum(max(first.get(s, 0), second.get(s, 0)) for s in shared)
            smallest = sum(min(first.get(s, 0), second.get(s, 0)) for s in shared)
            similarity[a, b] = similarity[b, a] = smallest / largest if largest else 0.0
    return similarity


@dataclass
class MentorPool:
    """The approved mentors as the engine's arrays (by user id), each one's free places, and
    their columns by user id."""

    arrays: MentorArrays
    free_capacity: np.ndarray
    index: dict[int, int]

    def __len__(self) -> int:
        return len(self.arrays)


def mentor_pool_load(taxonomy: TaxonomyIndex, *, at: datetime | None = None) -> MentorPool:
    """Every approved mentor, by user id; eligible = matchable (not away, not paused: the one
    rule, `profiles.selectors.mentor_matchable`), accepting and with a free place."""
    at = at or timezone.now()
    profiles = list(
        MentorProfile.objects.filter(approved=True)
        .annotate(matchable=Q(mentor_matchable()))
        .order_by("user_id")
        .values_list(
            "user_id",
            "background_id",
            "timezone",
            "languages",
            "capacity",
            "accepting",
            "matchable",
        )
    )
    ids = [row[0] for row in profiles]
    index = {user_id: position for position, user_id in enumerate(ids)}
    active = dict(
        Mentorship.objects.filter(status=Mentorship.Status.ACTIVE)
        .values("mentor_id")
        .annotate(count=Count("pk"))
        .values_list("mentor_id", "count")
    )
    free = np.array(
        [max(capacity - active.get(user_id, 0), 0) for user_id, *_, capacity, _, _ in profiles],
        dtype=np.int64,
    )
    role_rows, role_columns = [], []
    for profile_id, role_id in MentorProfile.roles.through.objects.filter(
        mentorprofile__approved=True
    ).values_list("mentorprofile_id", "role_id"):
        role_rows.append(index[profile_id])
        role_columns.append(taxonomy.role_index[role_id])
    skill_rows, skill_columns, skill_levels = [], [], []
    for profile_id, skill_id, level in MentorSkill.objects.filter(
        profile__approved=True
    ).values_list("profile_id", "skill_id", "level"):
        skill_rows.append(index[profile_id])
        skill_columns.append(taxonomy.skill_index[skill_id])
        skill_levels.append(level)
    m = len(ids)
    arrays = MentorArrays(
        ids=np.asarray(ids, dtype=np.int64),
        roles=_csr(
            role_rows, role_columns, [True] * len(role_rows), (m, len(taxonomy.role_ids)), bool
        ),
        background=np.asarray(
            [taxonomy.background_index.get(row[1], -1) for row in profiles], dtype=np.int32
        ),
        utc_offset=np.asarray([utc_offset_hours(row[2], at) for row in profiles], dtype=np.float32),
        languages=_language_matrix([row[3] for row in profiles]),
        skill_level=_csr(
            skill_rows, skill_columns, skill_levels, (m, len(taxonomy.skill_ids)), np.int8
        ),
        eligible=np.asarray([row[5] and row[6] for row in profiles], dtype=bool) & (free > 0),
        free_seats=free.astype(np.int32),
    )
    return MentorPool(arrays=arrays, free_capacity=free, index=index)


@dataclass
class MenteeBatch:
    """A batch of mentees as the engine's arrays, and the pairs they must never be matched with;
    with what a run's feature record keeps of them beyond the arrays (`features_pack`): each
    row's time zone (its offset is recomputed on the day) and every excluded pair by ids
    (mentors outside today's pool too, who may be back tomorrow)."""

    arrays: MenteeArrays
    exclusions: np.ndarray  # (mentee index, mentor index) pairs
    zones: np.ndarray  # str per row
    excluded: np.ndarray  # (mentee id, mentor id) pairs, whatever the pool

    @property
    def ids(self) -> list[int]:
        return self.arrays.ids.tolist()

    @classmethod
    def join(cls, batches: Sequence["MenteeBatch"]) -> "MenteeBatch":
        """These batches as one, in this order (their exclusions too)."""
        if len(batches) == 1:
            return batches[0]
        parts = [batch.arrays for batch in batches]
        joined = MenteeArrays(
            ids=np.concatenate([part.ids for part in parts]),
            target_role=np.concatenate([part.target_role for part in parts]),
            background=np.concatenate([part.background for part in parts]),
            utc_offset=np.concatenate([part.utc_offset for part in parts]),
            languages=sp.vstack([part.languages for part in parts], format="csr"),
            gap_weight=sp.vstack([part.gap_weight for part in parts], format="csr"),
            gap_level=sp.vstack([part.gap_level for part in parts], format="csr"),
            allow_no_overlap=np.concatenate([part.allow_no_overlap for part in parts]),
        )
        offsets = np.cumsum([0, *(len(part) for part in parts[:-1])])
        exclusions = [
            np.asarray(batch.exclusions, dtype=np.int64).reshape(-1, 2)
            + np.array([offset, 0], dtype=np.int64)
            for batch, offset in zip(batches, offsets.tolist(), strict=True)
        ]
        return cls(
            joined,
            np.concatenate(exclusions).astype(np.int64).reshape(-1, 2),
            np.concatenate([batch.zones for batch in batches]),
            np.concatenate([batch.excluded for batch in batches]).reshape(-1, 2),
        )

    def take(self, rows: np.ndarray) -> "MenteeBatch":
        """These rows of the batch (and their exclusions), in this order."""
        arrays = self.arrays
        taken = MenteeArrays(
            ids=arrays.ids[rows],
            target_role=arrays.target_role[rows],
            background=arrays.background[rows],
            utc_offset=arrays.utc_offset[rows],
            languages=arrays.languages[rows],
            gap_weight=arrays.gap_weight[rows],
            gap_level=arrays.gap_level[rows],
            allow_no_overlap=arrays.allow_no_overlap[rows],
        )
        position = np.full(len(arrays), -1, dtype=np.int64)
        position[rows] = np.arange(rows.shape[0])
        exclusions = np.asarray(self.exclusions, dtype=np.int64).reshape(-1, 2)
        if exclusions.shape[0]:
            moved = position[exclusions[:, 0]]
            exclusions = np.column_stack([moved, exclusions[:, 1]])[moved >= 0]
        excluded = self.excluded[np.isin(self.excluded[:, 0], taken.ids)]
        return MenteeBatch(taken, exclusions, self.zones[rows], excluded)


def mentee_batch_load(
    taxonomy: TaxonomyIndex,
    pool: MentorPool,
    *,
    profiles: Q,
    at: datetime | None = None,
) -> MenteeBatch:
    """The mentees whose profile matches `profiles` (a filter on MenteeProfile), by user id;
    a hired mentee is out of matching (their list is replaced by an empty one)."""
    at = at or timezone.now()
    profiles &= Q(hired_at__isnull=True)
    rows = list(
        MenteeProfile.objects.filter(profiles)
        .order_by("user_id")
        .values_list(
            "user_id",
            "target_role_id",
            "background_id",
            "timezone",
            "languages",
            "allow_no_overlap",
        )
    )
    ids = [row[0] for row in rows]
    index = {user_id: position for position, user_id in enumerate(ids)}
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    for profile_id, skill_id, level in MenteeSkill.objects.filter(
        profile__in=MenteeProfile.objects.filter(profiles)
    ).values_list("profile_id", "skill_id", "level"):
        levels[profile_id][skill_id] = level
    job_counts = Counter(
        dict(
            JobDescription.objects.filter(mentee_id__in=_subquery(profiles))
            .values("mentee_id")
            .annotate(count=Count("pk"))
            .values_list("mentee_id", "count")
        )
    )
    mentions: dict[int, Counter] = defaultdict(Counter)
    for mentee_id, skill_id, count in (
        # How many of each mentee's job descriptions mention each skill.
        JobDescription.objects.filter(mentee_id__in=_subquery(profiles), skills__isnull=False)
        .values("mentee_id", "skills")
        .annotate(count=Count("pk"))
        .values_list("mentee_id", "skills", "count")
    ):
        mentions[mentee_id][skill_id] = count

    gap_rows, gap_columns, gap_weights, gap_levels = [], [], [], []
    for row, (user_id, role_id, *_rest) in enumerate(rows):
        for skill_id, required, priority in gap_priorities(
            requirements=taxonomy.requirements.get(role_id, []),
            levels=levels.get(user_id, {}),
            mentions=mentions.get(user_id, {}),
            job_count=job_counts.get(user_id, 0),
        ):
            if priority > 0:
                gap_rows.append(row)
                gap_columns.append(taxonomy.skill_index[skill_id])
                gap_weights.append(priority)
                gap_levels.append(required)
    n, skills = len(ids), len(taxonomy.skill_ids)
    arrays = MenteeArrays(
        ids=np.asarray(ids, dtype=np.int64),
        target_role=np.asarray([taxonomy.role_index[row[1]] for row in rows], dtype=np.int32),
        background=np.asarray(
            [taxonomy.background_index.get(row[2], -1) for row in rows], dtype=np.int32
        ),
        utc_offset=np.asarray([utc_offset_hours(row[3], at) for row in rows], dtype=np.float32),
        languages=_language_matrix([row[4] for row in rows]),
        gap_weight=_csr(gap_rows, gap_columns, gap_weights, (n, skills), np.float32),
        gap_level=_csr(gap_rows, gap_columns, gap_levels, (n, skills), np.int8),
        allow_no_overlap=np.asarray([row[5] for row in rows], dtype=bool),
    )
    excluded = _excluded(profiles)
    return MenteeBatch(
        arrays=arrays,
        exclusions=_exclusions(excluded, index, pool.index),
        zones=np.asarray([row[3] for row in rows], dtype=str),
        excluded=excluded,
    )


def _subquery(profiles: Q):
    return MenteeProfile.objects.filter(profiles).values("user_id")


def _excluded(profiles: Q) -> np.ndarray:
    """(mentee id, mentor id) pairs never to match: the mentor declined the mentee, or their
    mentorship ended; sorted, whoever is in the pool."""
    mentee_ids = _subquery(profiles)
    declined = MentorshipRequest.objects.filter(
        declined_for_good(), mentee_id__in=mentee_ids
    ).values_list("mentee_id", "mentor_id")
    ended = Mentorship.objects.filter(
        mentee_id__in=mentee_ids, status=Mentorship.Status.ENDED
    ).values_list("mentee_id", "mentor_id")
    return np.asarray(sorted(set(chain(declined, ended))), dtype=np.int64).reshape(-1, 2)


def _exclusions(
    excluded: np.ndarray, mentees: dict[int, int], mentors: dict[int, int]
) -> np.ndarray:
    """The excluded pairs of these mentees and the pool's mentors, as (row, column)."""
    pairs = {
        (mentees[mentee_id], mentors[mentor_id])
        for mentee_id, mentor_id in excluded.tolist()
        if mentee_id in mentees and mentor_id in mentors
    }
    return np.asarray(sorted(pairs), dtype=np.int64).reshape(-1, 2)


def _feature_tables() -> list[tuple[str, str, str, str]]:
    """(table, join to reach the mentee, the mentee column, the hash of a row, seeded with %d)
    of every row `mentee_batch_load` reads for a mentee beyond the profile itself: whole rows,
    but for the skills (a million rows at 100,000 mentees): there the two columns read, as
    integers (turning a row into text is most of the cost of hashing it)."""
    described = JobDescription.skills.through
    column = described._meta.get_field("jobdescription").column
    skill = MenteeSkill._meta
    whole = "hashtextextended(t::text, %d)"
    levels = (
        f"hashint8extended(t.{skill.get_field('skill').column}::bigint * 256 "
        f"+ t.{skill.get_field('level').column}, %d)"
    )
    return [
        (skill.db_table, "", f"t.{skill.get_field('profile').column}", levels),
        (JobDescription._meta.db_table, "", "t.mentee_id", whole),
        (
            described._meta.db_table,
            f"JOIN {JobDescription._meta.db_table} j ON j.id = t.{column}",
            "j.mentee_id",
            whole,
        ),
        (MentorshipRequest._meta.db_table, "", "t.mentee_id", whole),
        (Mentorship._meta.db_table, "", "t.mentee_id", whole),
    ]


def mentee_fingerprints(profiles: Q, between: tuple[int, int] | None = None) -> np.ndarray | None:
    """(2, n) int64: the user ids of the mentee profiles matching `profiles` (hired ones too),
    ascending, and a fingerprint of every row their features are read from (the profile, its
    skills, job descriptions and their skills, requests, mentorships; whole rows but for the
    skills, hashed by the database), so that a run can tell whose features changed without
    loading anyone's. None where the database cannot hash rows (SQLite): every mentee is loaded
    there. `between`: the (first, last) user ids `profiles` lies within, if known: each table is
    then read as one range of its mentee index, not probed mentee by mentee."""
    if connection.vendor != "postgresql":
        return None
    profile_table = MenteeProfile._meta.db_table
    mentees, params = (
        MenteeProfile.objects.filter(profiles)
        .annotate(fingerprint=RawSQL(f"hashtextextended({profile_table}::text, 0)", ()))  # noqa: S611
        .values_list("user_id", "fingerprint")
        .query.sql_with_params()
    )
    # Table and column names from the models, values as parameters.
    tables = _feature_tables()
    if between is None:
        among, among_params = "IN (SELECT id FROM mentee)", []
    else:
        among, among_params = "BETWEEN %s AND %s", list(between)
    # Each table's rows hashed and combined per mentee first (grouped on its mentee index), then
    # joined to the profiles: a join of one row per mentee and table, not of every row.
    joins = " ".join(
        f"LEFT JOIN (SELECT {mentee} AS id, bit_xor({row_hash % seed}) AS h "  # noqa: S608
        f"FROM {table} t {join} WHERE {mentee} {among} GROUP BY 1) p{seed} "
        f"ON p{seed}.id = mentee.id"
        for seed, (table, join, mentee, row_hash) in enumerate(tables, start=1)
    )
    combined = " # ".join(
        ["mentee.h", *(f"coalesce(p{seed}.h, 0)" for seed in range(1, len(tables) + 1))]
    )
    params = (*params, *(among_params * len(tables)))
    sql = (
        f"WITH mentee (id, h) AS MATERIALIZED ({mentees}) "  # noqa: S608
        f"SELECT mentee.id, {combined} FROM mentee {joins} ORDER BY mentee.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return np.asarray(rows, dtype=np.int64).reshape(-1, 2).T.copy()


_PACKED_CSR = ("languages", "gap_weight", "gap_level")


def features_pack(batch: MenteeBatch, fingerprints: np.ndarray) -> bytes:
    """A batch's features and its mentees' fingerprints (`mentee_fingerprints`) as bytes: what
    the next run reuses of the mentees whose fingerprint is the same then."""
    arrays = batch.arrays
    zones, zone = np.unique(np.asarray(batch.zones, dtype=str), return_inverse=True)
    parts: dict[str, np.ndarray] = {
        "ids": arrays.ids,
        "target_role": arrays.target_role,
        "background": arrays.background,
        "zones": zones,
        "zone": zone.astype(np.int32),
        "allow_no_overlap": np.asarray(arrays.allow_no_overlap, dtype=bool),
        "excluded": batch.excluded,
        "fingerprints": fingerprints,
    }
    for name in _PACKED_CSR:
        matrix = getattr(arrays, name)
        parts[f"{name}_indptr"] = matrix.indptr
        parts[f"{name}_indices"] = matrix.indices
        parts[f"{name}_data"] = matrix.data
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **parts)
    return buffer.getvalue()


@dataclass
class CachedFeatures:
    """The features a run recorded, against today's pool and day: `fingerprints` (2, n) as
    recorded, `batch` the mentees with features then (the others were hired)."""

    fingerprints: np.ndarray
    batch: MenteeBatch


def features_unpack(
    data: Sequence[bytes | memoryview | None],
    taxonomy: TaxonomyIndex,
    pool: MentorPool,
    at: datetime | None = None,
) -> CachedFeatures:
    """What `features_pack` kept (of several batches: one, ordered by id), with each mentee's
    zone offset as of `at` and the exclusions mapped onto this pool's columns."""
    at = at or timezone.now()
    loaded = [np.load(io.BytesIO(bytes(part)), allow_pickle=False) for part in data if part]
    batches, fingerprints = [], []
    for part in loaded:
        ids = part["ids"]
        n = ids.shape[0]
        zones = part["zones"]
        offsets = np.asarray([utc_offset_hours(str(zone), at) for zone in zones], np.float32)
        shape = (n, len(taxonomy.skill_ids))

        def matrix(name: str, columns: int, part=part, n=n) -> sp.csr_array:
            return sp.csr_array(
                (part[f"{name}_data"], part[f"{name}_indices"], part[f"{name}_indptr"]),
                shape=(n, columns),
            )

        arrays = MenteeArrays(
            ids=ids,
            target_role=part["target_role"],
            background=part["background"],
            utc_offset=offsets[part["zone"]] if n else np.zeros(0, np.float32),
            languages=matrix("languages", len(LANGUAGES)),
            gap_weight=matrix("gap_weight", shape[1]),
            gap_level=matrix("gap_level", shape[1]),
            allow_no_overlap=part["allow_no_overlap"],
        )
        excluded = part["excluded"].reshape(-1, 2)
        index = {user_id: row for row, user_id in enumerate(ids.tolist())}
        batches.append(
            MenteeBatch(
                arrays,
                _exclusions(excluded, index, pool.index),
                zones[part["zone"]] if n else np.zeros(0, dtype=str),
                excluded,
            )
        )
        fingerprints.append(part["fingerprints"].reshape(2, -1))
    if not batches:
        return CachedFeatures(np.zeros((2, 0), np.int64), _empty_batch(taxonomy))
    batch = MenteeBatch.join(batches)
    order = np.argsort(batch.arrays.ids, kind="stable")
    prints = np.concatenate(fingerprints, axis=1)
    return CachedFeatures(prints[:, np.argsort(prints[0], kind="stable")], batch.take(order))


def _empty_batch(taxonomy: TaxonomyIndex) -> MenteeBatch:
    skills = len(taxonomy.skill_ids)
    return MenteeBatch(
        MenteeArrays(
            ids=np.zeros(0, np.int64),
            target_role=np.zeros(0, np.int32),
            background=np.zeros(0, np.int32),
            utc_offset=np.zeros(0, np.float32),
            languages=sp.csr_array((0, len(LANGUAGES)), dtype=bool),
            gap_weight=sp.csr_array((0, skills), dtype=np.float32),
            gap_level=sp.csr_array((0, skills), dtype=np.int8),
            allow_no_overlap=np.zeros(0, bool),
        ),
        np.zeros((0, 2), np.int64),
        np.zeros(0, dtype=str),
        np.zeros((0, 2), np.int64),
    )


def mentee_batch_reload(
    taxonomy: TaxonomyIndex,
    pool: MentorPool,
    *,
    profiles: Q,
    cached: CachedFeatures | None,
    between: tuple[int, int] | None = None,
    at: datetime | None = None,
) -> tuple[MenteeBatch, np.ndarray | None]:
    """The batch `mentee_batch_load` would load, and its mentees' fingerprints (None where
    the database has none): the mentees whose
    fingerprint is the one `cached` recorded are taken from it, the others loaded. Reads in one
    snapshot of the database (PostgreSQL: one repeatable-read transaction, unless the caller's
    is open), so a fingerprint always vouches for the features recorded with it."""
    with _one_snapshot():
        fingerprints = mentee_fingerprints(profiles, between)
        if fingerprints is None or cached is None or not cached.fingerprints.shape[1]:
            return mentee_batch_load(taxonomy, pool, profiles=profiles, at=at), fingerprints
        recorded = cached.fingerprints
        at_ = np.searchsorted(recorded[0], fingerprints[0]).clip(0, recorded.shape[1] - 1)
        same = (recorded[0][at_] == fingerprints[0]) & (recorded[1][at_] == fingerprints[1])
        changed = fingerprints[0][~same]
        loaded = (
            mentee_batch_load(
                taxonomy, pool, profiles=profiles & Q(user_id__in=changed.tolist()), at=at
            )
            if changed.shape[0]
            else None
        )
    cached_ids = cached.batch.arrays.ids
    kept = fingerprints[0][same]
    rows = np.flatnonzero(np.isin(cached_ids, kept))  # those hired were not recorded with features
    parts = [cached.batch.take(rows)] + ([loaded] if loaded is not None else [])
    batch = MenteeBatch.join(parts)
    return batch.take(np.argsort(batch.arrays.ids, kind="stable")), fingerprints


@contextlib.contextmanager
def _one_snapshot() -> Iterator[None]:
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield
