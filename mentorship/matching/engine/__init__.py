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
    ``sum_s g[i,s] * [level[j,s] >= required[i,s]] / sum_s g[i,s]``, where ``g`` is the weight of
    each missing skill (importance * (1 + 2 * demand) * shortfall, computed by the caller) and
    ``required`` the level the target role asks for: the weighted share of the mentee's gap that
    the mentor holds at the required level. An empty gap (no entry, or only zero weights) is
    covered by anyone: 1.
``timezone``
    hours of overlap of the two 09:00-18:00 local working days, divided by 9. Offsets live on a
    24-hour circle: ``d = |tz_i - tz_j| mod 24``, ``delta = min(d, 24 - d)``, overlap
    ``max(0, 9 - delta)``; so +14 and -10 (the same clock time) overlap fully.
``background``
    1 when the mentor came from the mentee's background (same index, >= 0), else 0.
``skill_depth``
    ``sum_s g[i,s] * min(level[j,s], 5) / 5 / sum_s g[i,s]``: how deep the mentor is in what the
    mentee lacks, beyond the bare required level (the seeds: a mentor teaches what courses can't).
    0 for an empty gap.

``total = sum_k w_k * c_k / sum_k w_k`` over `COMPONENTS` (weights >= 0, not all 0), in [0, 1].

Hard filters (the pair is never returned): the mentor is not eligible (approved, accepting, free
capacity), the two share no language, the pair is in ``exclusions`` (declined, ended, same person),
or the mentee's id equals the mentor's id (same person, also when the caller forgot it).

Ranking: ``q = round(total * 10**6)`` (half to even); mentors are sorted by ``q`` descending, then
by mentor id ascending. The reported score is ``q / 10**6`` as float32, so equal displayed scores
are real ties and the order is deterministic; components are reported as float32. When fewer than
``k`` mentors pass the filters the row is padded with mentor index -1, score 0 and components 0.

How it is computed
------------------
1. Fused pass (float32), per chunk of mentees and per tile of eligible mentors: the weighted total
   of every pair is ONE sparse x dense product ``X @ D``. ``X`` (chunk x features, CSR) holds, for
   each mentee, its gap entries ``g / sum(g) / W`` in the column of (required level L, skill s) and
   one entry each for its target role, background, time zone and (when some mentor shares none of
   its languages) its language set. ``D`` (features x mentors, dense) holds
   ``w_gc * [level >= L] + w_sd * min(level, 5) / 5`` for a (L, s) column, the role-fit row of a
   role, the background indicator, the overlap with one time-zone offset, and -2 where a language
   set shares nothing with the mentor. Only the (L, s) pairs the scored mentees need are filled.
   Excluded pairs are set to -2 too, so that every filtered pair is negative.
2. Candidates: group g of a row is column g of every tile; the k-th largest group maximum (one
   elementwise max over the tiles) is a lower bound of the row's k-th largest value, so only the
   groups reaching it, minus a slack covering the float32 error and the 10**-6 rounding, can hold
   the top k. Their pairs are gathered and narrowed to those within the slack of the row's true
   k-th value. No argpartition over full rows, so ties cost nothing there.
3. Exact pass (float64), on the few candidates only: every weighted component from the original
   arrays, in the same operations and order as the per-pair reference
   (`reference.score_pair_reference`), the total, the rounded key, one int64 sort key per
   pair (row, score descending, mentor ascending) and the top k of each row.

Exact ties in the fused values (e.g. only role_fit weighted, or many identical mentor profiles)
make the candidate sets larger and the run slower, never the result different.

Modules: `arrays` (inputs, output, weights, overlap), `prepared` (the mentor side, ``D``),
`fused` (step 1 and the candidates of step 2), `exact` (step 3), `scorer` (a set of mentees,
chunk by chunk), `scoring` (the entry points), `kernels` (array helpers); `reference` (the
per-pair formula in plain Python) and `synthetic` (seeded pools) serve the tests and benchmarks.

The mentor side (eligible mentors, the role-fit table, dense levels, ``D``, and the time-zone and
language rows per distinct value) is a `PreparedMentors`: `score` prepares one per call, and a
caller that scores one pool batch after batch (a matching run's chunks) prepares it once and
calls `score_prepared`. ``D``
has a row slot for every (L, s) pair; a pair's row is filled the first time a mentee needs it,
and untouched slots cost no memory (zero pages). Where a row sits in ``D`` changes no sum: each
row of ``X`` keeps its entries in the same order.

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
    "normalise_weights",
    "score",
    "score_chunk",
    "score_prepared",
    "score_prepared_chunk",
    "timezone_overlap",
]
