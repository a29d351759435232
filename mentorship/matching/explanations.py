"""Why a mentor fits a mentee, as codes with parameters built from the engine's components.

A match's explanation is a list of codes, stored with the match and put into words for whoever
reads it by `wording` (the one place that holds the sentences):

- ``worked_in_role`` ``{role}``: the mentor has worked in the mentee's target role;
- ``worked_in_close_role`` ``{role, target}``: not in it, but in ``role``, the closest to the
  target among the roles they have worked in (partial role fit);
- ``covers_gap`` ``{covered, missing, skills}``: the mentor holds ``covered`` of the mentee's
  ``missing`` skills at the required level; ``skills`` lists the first `SKILLS_NAMED` of them,
  most urgent first (absent for a mentee without a gap);
- ``hours_overlap`` ``{hours}``: whole hours of overlap of the two working days, 0 to 9;
- ``same_background`` ``{background}``: the mentor came from the mentee's background.

Roles, skills and backgrounds are slugs, the identifiers the API uses everywhere. `Explainer`
builds the codes of a whole batch of pairs at once and returns each pair's list as JSON text,
the form the match store writes: every fragment but the skill list is a template made once per
run.

`Explainer.digests` is the digest of what a stored match says (pair, rank, score, components,
codes) computed from what decides it, without building the codes: the codes are a function of
the components and of the few features they read (the mentee's target role, background and gap;
the mentor's roles and skill levels) under the run's taxonomy. A run compares these digests with
the stored ones and explains only the rows that differ.
"""

import hashlib
import json
from enum import StrEnum

import numpy as np

from mentorship.matching.engine import COMPONENTS, WORKDAY_HOURS, MenteeArrays, MentorArrays
from mentorship.matching.engine.ties import splitmix64
from mentorship.matching.features import TaxonomyIndex
from mentorship.matching.hashing import combine, row_hashes

ROLE_FIT, GAP_COVERAGE, TIMEZONE, BACKGROUND = (
    COMPONENTS.index(name) for name in ("role_fit", "gap_coverage", "timezone", "background")
)
SKILLS_NAMED = 4
FULL = 0.999  # components are stored rounded to 4 places: a full one reads >= 0.999
HOURS = int(WORKDAY_HOURS)
# Part of every digest: bump it when the codes change shape (a new code, a renamed or reordered
# parameter), so that the next run rewrites every stored row with the new codes once.
FORMAT = 1


class Code(StrEnum):
    WORKED_IN_ROLE = "worked_in_role"
    WORKED_IN_CLOSE_ROLE = "worked_in_close_role"
    COVERS_GAP = "covers_gap"
    HOURS_OVERLAP = "hours_overlap"
    SAME_BACKGROUND = "same_background"


def _fragment(code: Code, **params: object) -> str:
    return json.dumps({"code": code.value, **params})


class Explainer:
    """Builds explanation codes against one mentor pool (made once per run), a batch of pairs at
    once.

    Only the ``covers_gap`` code depends on the pair beyond a small table (role, hours,
    background), and which of the mentee's missing skills the mentor holds is one vectorised
    lookup over all the pairs' gap entries.
    """

    def __init__(self, taxonomy: TaxonomyIndex, mentors: MentorArrays):
        self.taxonomy = taxonomy
        self.mentors = mentors
        roles = taxonomy.role_slugs
        self._worked_in = [_fragment(Code.WORKED_IN_ROLE, role=role) for role in roles]
        self._worked_close = [
            [_fragment(Code.WORKED_IN_CLOSE_ROLE, role=near, target=target) for target in roles]
            for near in roles
        ]
        self._hours = [_fragment(Code.HOURS_OVERLAP, hours=hours) for hours in range(HOURS + 1)]
        self._came_from = [
            _fragment(Code.SAME_BACKGROUND, background=slug) for slug in taxonomy.background_slugs
        ]
        self._skill_json = [json.dumps(slug) for slug in taxonomy.skill_slugs]
        # Mentors x skills levels, dense (10,000 mentors x 300 skills is 3 MB of int8).
        self._levels = mentors.skill_level.toarray()
        self._salt = _salt(taxonomy)
        self._mentor_features = combine(
            row_hashes(mentors.roles),
            row_hashes(mentors.skill_level, mentors.skill_level.data),
        )

    def digests(
        self,
        mentees: MenteeArrays,
        rows: np.ndarray,
        columns: np.ndarray,
        ranks: np.ndarray,
        scores: np.ndarray,
        components: np.ndarray,
    ) -> np.ndarray:
        """int64: the digest of each match (row ``rows[p]`` of `mentees`, mentor column
        ``columns[p]``, at ``ranks[p]`` with ``scores[p]`` and ``components[p]``, float64 as
        stored): equal for two matches exactly when their pair, rank, score, components and the
        inputs of their codes are (up to a 64-bit collision), whatever batch they came from."""
        rows = np.asarray(rows, dtype=np.int64)
        columns = np.asarray(columns, dtype=np.int64)
        components = np.asarray(components, dtype=np.float64).reshape(-1, len(COMPONENTS))
        mentee_features = combine(
            mentees.target_role.astype(np.uint64),
            mentees.background.astype(np.int64).astype(np.uint64),
            row_hashes(mentees.gap_weight, mentees.gap_weight.data.view(np.uint32)),
            row_hashes(mentees.gap_level, mentees.gap_level.data),
        )
        parts = [
            mentees.ids[rows].astype(np.uint64),
            self.mentors.ids[columns].astype(np.uint64),
            np.asarray(ranks, dtype=np.int64).astype(np.uint64),
            np.asarray(scores, dtype=np.float64).view(np.uint64),
            *(np.ascontiguousarray(components[:, index]).view(np.uint64)
              for index in range(len(COMPONENTS))),
            mentee_features[rows],
            self._mentor_features[columns],
        ]  # fmt: skip
        digest = np.full(rows.shape[0], self._salt, dtype=np.uint64)
        for part in parts:
            digest = splitmix64(digest ^ part)
        return digest.view(np.int64)

    def explain(
        self,
        mentees: MenteeArrays,
        rows: np.ndarray,
        columns: np.ndarray,
        components: np.ndarray,
    ) -> list[str]:
        """The codes of each pair (row ``rows[p]`` of `mentees`, mentor column ``columns[p]``)
        whose components (float64, `COMPONENTS` order, as stored) are ``components[p]``, as a
        JSON array each."""
        rows = np.asarray(rows, dtype=np.int64)
        columns = np.asarray(columns, dtype=np.int64)
        components = np.asarray(components, dtype=np.float64).reshape(-1, len(COMPONENTS))
        if rows.shape[0] == 0:
            return []
        role_codes = self._role_codes(mentees, rows, columns, components[:, ROLE_FIT])
        gap_codes = self._gap_codes(mentees, rows, columns)
        hours = np.rint(components[:, TIMEZONE] * WORKDAY_HOURS).astype(np.int64)
        hour_codes = [self._hours[hour] for hour in hours.clip(0, HOURS).tolist()]
        background_codes = self._background_codes(mentees, rows, components[:, BACKGROUND])
        return [
            "[" + ", ".join(code for code in four if code is not None) + "]"
            for four in zip(role_codes, gap_codes, hour_codes, background_codes, strict=True)
        ]

    def _role_codes(
        self, mentees: MenteeArrays, rows: np.ndarray, columns: np.ndarray, role_fit: np.ndarray
    ) -> list[str | None]:
        target = mentees.target_role[rows].astype(np.int64)
        codes: list[str | None] = [None] * rows.shape[0]
        full = role_fit >= FULL
        for pair, role in zip(np.flatnonzero(full).tolist(), target[full].tolist(), strict=True):
            codes[pair] = self._worked_in[role]
        partial = np.flatnonzero(~full & (role_fit > 0))
        if partial.size:
            # The closest role the mentor worked in: the first of the most similar ones.
            worked = self.mentors.roles[columns[partial]].toarray().astype(bool)
            similarity = self.taxonomy.role_similarity[target[partial]]
            closest = np.where(worked, similarity, -np.inf).argmax(axis=1)
            for pair, near, role in zip(
                partial.tolist(), closest.tolist(), target[partial].tolist(), strict=True
            ):
                codes[pair] = self._worked_close[near][role]
        return codes

    def _gap_codes(
        self, mentees: MenteeArrays, rows: np.ndarray, columns: np.ndarray
    ) -> list[str | None]:
        """``covers_gap`` with the first `SKILLS_NAMED` covered skills (most urgent first), or
        None for a mentee without a gap."""
        weight, level = mentees.gap_weight, mentees.gap_level
        sizes = np.diff(weight.indptr)
        # Each mentee's entries most urgent first (ties in skill order): one sort for the batch.
        entry_row = np.repeat(np.arange(sizes.shape[0]), sizes)
        urgency = np.lexsort((weight.indices, -weight.data, entry_row))
        skill, required = weight.indices[urgency], level.data[urgency]
        # Every pair's entries, in that order, and whether the mentor holds each at the level.
        counts = sizes[rows]
        pair = np.repeat(np.arange(rows.shape[0]), counts)
        entry = np.arange(pair.shape[0]) - np.repeat(np.cumsum(counts) - counts, counts)
        entry += weight.indptr[rows][pair]
        held = self._levels[columns[pair], skill[entry]]
        covered = held >= required[entry]
        covered_pair, covered_skill = pair[covered], skill[entry][covered]
        covered_counts = np.bincount(covered_pair, minlength=rows.shape[0])
        # The first SKILLS_NAMED covered skills of each pair.
        first = np.cumsum(covered_counts) - covered_counts
        position = np.arange(covered_pair.shape[0]) - first[covered_pair]
        named = position < SKILLS_NAMED
        encoded = self._skill_json
        named_skills = [encoded[index] for index in covered_skill[named].tolist()]
        named_counts = np.minimum(covered_counts, SKILLS_NAMED).tolist()
        codes: list[str | None] = []
        start = 0
        for size, total, shown in zip(
            counts.tolist(), covered_counts.tolist(), named_counts, strict=True
        ):
            if not size:
                codes.append(None)
                continue
            skills = ", ".join(named_skills[start : start + shown])
            start += shown
            codes.append(
                f'{{"code": "covers_gap", "covered": {total}, "missing": {size}, '
                f'"skills": [{skills}]}}'
            )
        return codes

    def _background_codes(
        self, mentees: MenteeArrays, rows: np.ndarray, background: np.ndarray
    ) -> list[str | None]:
        codes: list[str | None] = [None] * rows.shape[0]
        same = background >= FULL
        origin = mentees.background[rows[same]].tolist()
        for pair, index in zip(np.flatnonzero(same).tolist(), origin, strict=True):
            codes[pair] = self._came_from[index]
        return codes


def _salt(taxonomy: TaxonomyIndex) -> np.uint64:
    """What every explanation of a run depends on beyond its pair: the codes' format and the
    taxonomy's slugs and role similarity (a renamed skill changes every code that names it)."""
    content = hashlib.blake2b(digest_size=8)
    content.update(
        json.dumps(
            [
                FORMAT,
                SKILLS_NAMED,
                FULL,
                HOURS,
                taxonomy.role_slugs,
                taxonomy.skill_slugs,
                taxonomy.background_slugs,
            ]
        ).encode()
    )
    content.update(np.ascontiguousarray(taxonomy.role_similarity, dtype=np.float32).tobytes())
    return np.uint64(int.from_bytes(content.digest(), "big"))
