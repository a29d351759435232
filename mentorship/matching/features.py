"""Profiles as the engine's arrays: the one bridge between the database and `engine`.

`taxonomy_index_load` reads the taxonomy's index spaces (roles, skills, backgrounds by position,
with their slugs for explanation codes) and the role similarity; `mentor_pool_load` the approved
mentors against it; `mentee_batch_load` a batch of mentees, with the pairs they must never be
matched with. A run loads the first two once (`snapshot`), then one batch of mentees at a time.
Role similarity is the weighted Jaccard index of two roles' requirements (importance as weight),
so a mentor who did a role that needs much the same skills gets partial `role_fit`.
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import chain
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import scipy.sparse as sp
from django.db.models import Count, Q
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
    """A batch of mentees as the engine's arrays, and the pairs they must never be matched with."""

    arrays: MenteeArrays
    exclusions: np.ndarray  # (mentee index, mentor index) pairs

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
        return cls(joined, np.concatenate(exclusions).astype(np.int64).reshape(-1, 2))

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
        return MenteeBatch(taken, exclusions)


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
    return MenteeBatch(arrays=arrays, exclusions=_exclusions(index, pool.index, profiles))


def _subquery(profiles: Q):
    return MenteeProfile.objects.filter(profiles).values("user_id")


def _exclusions(mentees: dict[int, int], mentors: dict[int, int], profiles: Q) -> np.ndarray:
    """Pairs never to match: the mentor declined the mentee, or their mentorship ended."""
    mentee_ids = _subquery(profiles)
    declined = MentorshipRequest.objects.filter(
        declined_for_good(), mentee_id__in=mentee_ids
    ).values_list("mentee_id", "mentor_id")
    ended = Mentorship.objects.filter(
        mentee_id__in=mentee_ids, status=Mentorship.Status.ENDED
    ).values_list("mentee_id", "mentor_id")
    pairs = {
        (mentees[mentee_id], mentors[mentor_id])
        for mentee_id, mentor_id in chain(declined, ended)
        if mentee_id in mentees and mentor_id in mentors
    }
    return np.asarray(sorted(pairs), dtype=np.int64).reshape(-1, 2)
