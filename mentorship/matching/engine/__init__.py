"""Ranking engine: for each mentee, the best mentors, as a pure function of arrays.

No Django import: the caller (`mentorship.matching.features` loads the profiles) builds
`MenteeArrays` and `MentorArrays`, calls `score` (or `score_chunk` for a slice of the mentees, or
`score_prepared` against a `PreparedMentors` built once for many calls) and stores the
`ScoreResult`.

Formula
-------
For a mentee ``i`` and a mentor ``j`` every component is in [0, 1]:

``role_fit``
    max over the roles ``r`` the mentor has worked in of ``role_similarity[target_role[i], r]``:
    1 for the mentee's target role, partial for a role sharing required skills (the caller's
    similarity, from the taxonomy), 0 for a mentor without roles.
``gap_coverage``
    ``sum_s u[i,s] * [level[j,s] >= required[i,s]] / sum_s u[i,s]``, where ``required`` is the
    level the target role asks for and ``u`` the urgency weight of each missing skill, made from
    its priority ``g`` (importance * (1 + 2 * demand) * shortfall, the caller's): ``u = g ** 2``,
    and every skill outside the mentee's five most urgent (ties with the fifth included) scaled
    so that all of them together weigh less than any one of the five (`urgency`). Why: with flat
    priorities a mentor holding many minor skills outranked one holding the few that matter;
    now holding one more urgent skill always outweighs any number of minor ones. An empty gap
    (no entry, or only zero weights) is covered by anyone: 1.
``timezone``
    hours of overlap of the two 09:00-18:00 local working days, divided by 9. Offsets live on a
    24-hour circle: ``d = |tz_i - tz_j| mod 24``, ``delta = min(d, 24 - d)``, overlap
    ``max(0, 9 - delta)``; so +14 and -10 (the same clock time) overlap fully.
``background``
    1 when the mentor came from the mentee's background (same index, >= 0), else 0.
``skill_depth``
    ``sum_s u[i,s] * [level[j,s] >= required[i,s]] * min(level[j,s], 5) / 5 / sum_s u[i,s]``: how
    deep the mentor is in what the mentee lacks and the mentor holds at the required level (the
    seeds: a mentor teaches what courses can't). A level below the required one counts nothing,
    so depth never rewards what coverage does not. 0 for an empty gap.

``total = sum_k w_k * c_k / sum_k w_k`` over `COMPONENTS` (weights >= 0, not all 0), in [0, 1].

Every component is monotone: raising a mentor's level, adding a role, a language or an hour of
overlap never lowers their score (tested against the reference, property-based).

Hard filters (the pair is never returned, it is not acceptable): the mentor is not eligible
(approved, accepting, free capacity), the two share no language, the two working days share no
hour (``timezone == 0``) unless the mentee allows that (``allow_no_overlap``), the pair is in
``exclusions`` (declined, ended, same person), the mentee's id equals the mentor's id (same
person, also when the caller forgot it), or the score is below ``min_score``.

Ranking: ``q = round(total * 10**6)`` (half to even), the reported score ``q / 10**6`` as
float32 (components as float32). Mentors are ranked by band ``q // B`` descending (``B`` =
``tie_band`` in units of 10**-6, at least 1: exact ties only), then by seat ticket descending,
then by mentor id (`ties`: each free seat of a mentor is a 64-bit hashed lottery ticket per
mentee, so among near-ties list slots spread in proportion to free seats, deterministically).
Within a band a lower score may come first: that is the point. When fewer than ``k`` mentors pass
the filters the row is padded with mentor index -1, score 0 and components 0.

How it is computed
------------------
1. Fused pass (float32), per chunk of mentees and per tile of eligible mentors: the weighted total
   of every pair is ONE sparse x dense product ``X @ D``. ``X`` (chunk x features, CSR) holds, for
   each mentee, its gap entries ``u / sum(u) / W`` in the column of (required level L, skill s)
   and one entry each for its target role, background, time zone, (when some mentor shares no
   working hour with it and the mentee needs one) its no-overlap penalty, and (when some mentor
   shares none of its languages) its language set. ``D`` (features x mentors, dense) holds
   ``[level >= L] * (w_gc + w_sd * min(level, 5) / 5)`` for a (L, s) column, the role-fit row of
   a role, the background indicator, the overlap with one time-zone offset, -2 where an offset
   shares no working hour with the mentor, and -2 where a language set shares nothing with the
   mentor. Only the (L, s) pairs the scored mentees need are filled.
   Excluded pairs are set to -2 too, so that every filtered pair is negative.
2. Candidates: group g of a row is column g of every tile; the k-th largest group maximum (one
   elementwise max over the tiles) is a lower bound of the row's k-th largest value, so only the
   groups reaching it (the whole band of that value, minus a slack covering the float32 error and
   the 10**-6 rounding, and never below the floor) can hold the top k. Their pairs are gathered
   and narrowed to the band of the row's true k-th value, less the slack. No argpartition over
   full rows, so ties cost nothing there.
3. Exact pass (float64), on the few candidates only: the urgency weights and every weighted
   component from the original arrays, in the same operations and order as the per-pair
   reference (`reference.score_pair_reference`), the total, the rounded key, the floor, the seat
   tickets, the ranking order and the top k of each row.

Exact ties in the fused values (e.g. only role_fit weighted, or many identical mentor profiles)
make the candidate sets larger and the run slower, never the result different.

Modules: `arrays` (inputs, output, weights, overlap), `prepared` (the mentor side, ``D``),
`fused` (step 1 and the candidates of step 2), `exact` (step 3), `urgency` (the gap weights),
`ties` (bands and seat tickets), `scorer` (a set of mentees, chunk by chunk), `scoring` (the
entry points), `kernels` (array helpers); `reference` (the per-pair formula in plain Python) and
`synthetic` (seeded pools) serve the tests and benchmarks.

The mentor side (eligible mentors, the role-fit table, dense levels, ``D``, and the time-zone and
language rows per distinct value) is a `PreparedMentors`: `score` prepares one per call, and a
caller that scores one pool batch after batch (a matching run's chunks) prepares it once and
calls `score_prepared`. ``D`` has a row slot for every (L, s) pair; a pair's row is filled the
first time a mentee needs it, and untouched slots cost no memory (zero pages). Where a row sits
in ``D`` changes no sum: each row of ``X`` keeps its entries in the same order.

Memory is bounded by one chunk (chunk x mentors float32, plus a boolean mask) and ``D`` ((L, s)
pairs used + roles + backgrounds) x mentors float32. A mentee's result depends on that mentee
alone, so chunks can run anywhere (Celery) and concatenated chunk results equal one full call.
"""

from mentorship.matching.engine.arrays import (
    CLOCK_HOURS,
    COMPONENTS,
    DEFAULT_CHUNK_SIZE,
    DEFAULT_K,
    MAX_LEVEL,
    SCORE_SCALE,
    WORKDAY_HOURS,
    MenteeArrays,
    MentorArrays,
    ScoreResult,
    csr_from_parts,
    exclusions_within,
    normalise_weights,
    timezone_overlap,
)
from mentorship.matching.engine.prepared import PreparedMentors
from mentorship.matching.engine.scoring import (
    score,
    score_chunk,
    score_prepared,
    score_prepared_chunk,
)

__all__ = [
    "CLOCK_HOURS",
    "COMPONENTS",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_K",
    "MAX_LEVEL",
    "SCORE_SCALE",
    "WORKDAY_HOURS",
    "MenteeArrays",
    "MentorArrays",
    "PreparedMentors",
    "ScoreResult",
    "csr_from_parts",
    "exclusions_within",
    "normalise_weights",
    "score",
    "score_chunk",
    "score_prepared",
    "score_prepared_chunk",
    "timezone_overlap",
]
