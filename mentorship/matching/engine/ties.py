"""Ranking among near-ties: score bands and seat tickets, so identical mentors share the lists.

Ranked by score alone, mentors with identical (or nearly identical) profiles always come in the
same order, so every list holds the same few and the others are never seen (measured: 30 identical
capacity-1 mentors and 30 identical mentees, every list the same 10 lowest ids). Instead:

- scores are grouped into bands of ``tie_band`` (at their 1e-6 resolution; a band of 1e-6 means
  exact ties only), ranked best band first;
- within a band, each of a mentor's free seats is a lottery ticket: a 64-bit hash of (mentee id,
  mentor id, seat number); the mentor holding the best (largest) ticket comes first. A mentor
  with three free seats holds three tickets, so across mentees it comes first among its equals
  three times as often as a mentor with one: list slots spread in proportion to free capacity;
- a tie of tickets (never seen with 64 bits) falls back to the lower mentor id.

Deterministic (a pure function of the ids and seats), integer-only, so the per-pair reference
(`reference`) computes the same tickets bit for bit. Free seats are capped at `MAX_TICKETS`.
"""

import numpy as np

MAX_TICKETS = 32
_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB


def splitmix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64 of each uint64 (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(_GOLDEN)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(_MIX1)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(_MIX2)
        return z ^ (z >> np.uint64(31))


def _pair_seed(mentee_ids: np.ndarray, mentor_ids: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return (mentee_ids.astype(np.uint64) << np.uint64(32)) ^ (
            mentor_ids.astype(np.uint64) * np.uint64(MAX_TICKETS)
        )


def best_tickets(mentee_ids: np.ndarray, mentor_ids: np.ndarray, seats: np.ndarray) -> np.ndarray:
    """uint64: the best of each pair's ``seats`` tickets (seats clipped to 1..MAX_TICKETS)."""
    seed = _pair_seed(mentee_ids, mentor_ids)
    count = np.clip(seats, 1, MAX_TICKETS).astype(np.uint64)
    best = splitmix64(seed)
    for seat in range(1, int(count.max(initial=1))):
        ticket = splitmix64(seed + np.uint64(seat))
        best = np.where(count > seat, np.maximum(best, ticket), best)
    return best


def band_width(tie_band: float) -> int:
    """The band in score keys (units of 1e-6), at least 1 (exact ties only)."""
    return max(1, round(tie_band * 1_000_000))


def ticket_reference(mentee_id: int, mentor_id: int, seats: int) -> int:
    """`best_tickets` for one pair, in plain Python integers."""

    def mix(x: int) -> int:
        z = (x + _GOLDEN) & _MASK
        z = ((z ^ (z >> 30)) * _MIX1) & _MASK
        z = ((z ^ (z >> 27)) * _MIX2) & _MASK
        return z ^ (z >> 31)

    seed = ((mentee_id << 32) ^ (mentor_id * MAX_TICKETS)) & _MASK
    return max(mix((seed + seat) & _MASK) for seat in range(min(max(seats, 1), MAX_TICKETS)))
