"""Array kernels of the engine: ragged ranges, language bitmasks, the sparse x dense product into
a buffer, and the per-row k-th largest value. Pure NumPy/SciPy, no knowledge of the
formula."""

import numpy as np
import scipy.sparse as sp

try:  # The plain CSR x dense kernel, accumulating into a buffer we own (no temporaries).
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # pragma: no cover - private SciPy API; the public product is slower
    _csr_matvecs = None

_PAD_LIMIT = 1 << 23  # per-row selections use a padded (rows x widest row) array up to this size


def ragged_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(starts[g], starts[g] + counts[g])`` over groups ``g``."""
    counts = counts.astype(np.int64, copy=False)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(counts) - counts
    return np.arange(total, dtype=np.int64) - np.repeat(offsets - starts, counts)


def language_words(languages: sp.csr_array, rows: slice | np.ndarray | None = None) -> np.ndarray:
    """Each row's language set as a bitmask: uint64[rows, ceil(L / 64)]."""
    matrix = languages if rows is None else languages[rows]
    words = np.zeros((matrix.shape[0], max(1, -(-matrix.shape[1] // 64))), dtype=np.uint64)
    counts = np.diff(matrix.indptr)
    row = np.repeat(np.arange(matrix.shape[0]), counts)
    keep = matrix.data.astype(bool)
    col = matrix.indices[keep].astype(np.uint64)
    np.bitwise_or.at(words, (row[keep], (col // 64).astype(np.intp)), np.uint64(1) << (col % 64))
    return words


def accumulate(x: sp.csr_array, dense: np.ndarray, out: np.ndarray) -> None:
    """``out += x @ dense`` for float32 CSR ``x`` and C-contiguous float32 ``dense`` / ``out``."""
    if x.nnz == 0:
        return
    if _csr_matvecs is None:  # SciPy without the private kernel (tested by monkeypatching)
        out += x @ dense
        return
    if not (dense.flags.c_contiguous and out.flags.c_contiguous):
        raise ValueError("dense operands must be C-contiguous")
    _csr_matvecs(
        x.shape[0],
        x.shape[1],
        dense.shape[1],
        x.indptr,
        x.indices,
        x.data,
        dense.reshape(-1),
        out.reshape(-1),
    )


def _padded(row: np.ndarray, count: int) -> tuple[np.ndarray, int] | None:
    """Column of each entry in a (count x widest row) layout, for rows sorted ascending."""
    counts = np.bincount(row, minlength=count)
    width = int(counts.max(initial=0))
    if count * width > _PAD_LIMIT:
        return None
    return np.arange(row.shape[0]) - (np.cumsum(counts) - counts)[row], width


def kth_largest_per_row(row: np.ndarray, value: np.ndarray, count: int, k: int) -> np.ndarray:
    """The k-th largest ``value`` of each row (rows ascending), -inf for rows with fewer."""
    kth = np.full(count, -np.inf, dtype=value.dtype)
    layout = _padded(row, count)
    if layout is not None:
        column, width = layout
        if width >= k:
            padded = np.full((count, width), -np.inf, dtype=value.dtype)
            padded[row, column] = value
            kth = np.partition(padded, width - k, axis=1)[:, width - k]
        return kth
    order = np.lexsort((-value, row))
    counts = np.bincount(row, minlength=count)
    starts = np.cumsum(counts) - counts
    full = counts >= k
    kth[full] = value[order[starts[full] + k - 1]]
    return kth
