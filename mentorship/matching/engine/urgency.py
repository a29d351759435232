"""Urgency weights: how much each of a mentee's missing skills counts in the gap terms.

The caller gives each missing skill a priority ``g`` (importance x demand x shortfall, the
profiles' skill gap). Flat priorities let a mentor who holds many minor skills outscore one who
holds the few that matter (measured: the five most urgent skills carried only 66 % of the gap
weight), so the engine weighs them in two steps:

1. **Convex**: ``u = g ** 2`` (`URGENCY_EXPONENT`), so a skill twice as urgent counts four times
   as much.
2. **A must-have tier**: the `URGENT_SKILLS` most urgent skills (and any tied with the last of
   them) keep ``u``; every other skill is scaled by one factor per mentee,
   ``f = min(1, MINOR_SHARE * t / sum of the others' u)``, where ``t`` is the smallest tier
   weight. So the minor skills together weigh less than any single urgent one: holding one more
   urgent skill always outweighs holding any number of the minor ones, and among the minor ones
   the convex order still holds.

Weights keep the priorities' order, are >= 0, and depend on the mentee alone. Computed in float64
with the same operations, in the same order, as `reference.urgency_reference`.
"""

import numpy as np
import scipy.sparse as sp

from mentorship.matching.engine.kernels import kth_largest_per_row

URGENT_SKILLS = 5
URGENCY_EXPONENT = 2
MINOR_SHARE = 0.9


def urgency_weights(gap_weight: sp.csr_array, start: int, stop: int) -> np.ndarray:
    """The urgency weight (float64) of each gap entry of mentees ``start:stop``, aligned with
    ``gap_weight.data[indptr[start]:indptr[stop]]``."""
    lo, hi = gap_weight.indptr[start], gap_weight.indptr[stop]
    count = stop - start
    sizes = np.diff(gap_weight.indptr[start : stop + 1])
    row = np.repeat(np.arange(count), sizes)
    g = gap_weight.data[lo:hi].astype(np.float64)
    u = g * g  # URGENCY_EXPONENT
    # The tier's threshold: each row's URGENT_SKILLS-th largest priority (-inf when shorter).
    kth = kth_largest_per_row(row, g, count, URGENT_SKILLS)
    tier = g >= kth[row]
    rest = np.bincount(row[~tier], weights=u[~tier], minlength=count)
    smallest_tier = kth * kth
    safe_rest = np.where(rest > 0, rest, 1.0)
    factor = np.where(rest > 0, np.minimum(1.0, MINOR_SHARE * smallest_tier / safe_rest), 1.0)
    return np.where(tier, u, u * factor[row])
