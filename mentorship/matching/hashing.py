"""Digests of the engine's arrays, row by row and vectorised (SplitMix64 mixing): what a run
compares to know which stored matches and lists are still what it would write."""

import numpy as np
import scipy.sparse as sp

from mentorship.matching.engine.ties import splitmix64


def combine(*parts: np.ndarray) -> np.ndarray:
    """uint64 per position from several equal-length columns, order-sensitive."""
    combined = np.zeros(parts[0].shape[0], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for number, part in enumerate(parts, start=1):
            combined = splitmix64(combined ^ (part.astype(np.uint64) * np.uint64(2 * number + 1)))
    return combined


def row_hashes(matrix: sp.csr_array, values: np.ndarray | None = None) -> np.ndarray:
    """uint64 per row of a CSR matrix: a hash of its (column, value) entries (`values`, one per
    stored entry, as integers; the matrix's own data by default), whatever their order within
    the row (a wrapping sum of one hash per entry)."""
    data = matrix.data if values is None else values
    with np.errstate(over="ignore"):
        entry = splitmix64(
            (matrix.indices.astype(np.uint64) << np.uint64(32))
            ^ np.asarray(data).astype(np.int64).astype(np.uint64)
        )
        running = np.concatenate([np.zeros(1, dtype=np.uint64), np.cumsum(entry, dtype=np.uint64)])
        indptr = matrix.indptr.astype(np.int64)
        return running[indptr[1:]] - running[indptr[:-1]]


def float_bits(values: np.ndarray) -> np.ndarray:
    """The bits of float32 values as uint64 (equal values, equal bits)."""
    return np.ascontiguousarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
