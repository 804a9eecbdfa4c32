"""Connectors (who connects to whom) and the sparse tables built from them.

A connector returns (pre, post) index arrays; :func:`build_table` sorts them
into CSR rows by presynaptic neuron (``row_ptr``, ``post``, ``weight``,
``delay`` in steps) plus the transpose (``col_ptr``, ``col_syn``) that
post-triggered plasticity walks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import check_count, fail


class Connector:
    """Base class. ``pairs(n_pre, n_post, same, rng)`` -> (pre, post) int64 arrays;
    ``same`` is True when pre and post are the same population.

    The random rules draw from counters (snnkit.generation): in a network, projection k's
    synapses are a function of the structure seed and k alone, the same on every backend
    and built on the device where it can. Called directly, ``pairs`` takes its key from
    ``rng``."""

    def pairs(self, n_pre: int, n_post: int, same: bool, rng: np.random.Generator):
        from .generation.recipe import rule_of, rule_pairs
        self.check(n_pre, n_post, same)
        key = tuple(int(x) for x in rng.integers(0, 2**32, 2))
        return rule_pairs(rule_of(self, n_pre, n_post, same), n_pre, n_post, 0, key)

    def check(self, n_pre: int, n_post: int, same: bool) -> None:
        """Raise if the connector cannot connect populations of these sizes."""

    def expected_count(self, n_pre: int, n_post: int) -> float:
        """Expected number of synapses (used to check memory before building)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(" + ", ".join(f"{k}={v!r}" for k, v in vars(self).items()) + ")"


class AllToAll(Connector):
    """Every pre neuron to every post neuron (no autapses unless ``allow_self``)."""

    def __init__(self, allow_self: bool = False):
        self.allow_self = bool(allow_self)

    def expected_count(self, n_pre, n_post):
        return float(n_pre) * n_post


class OneToOne(Connector):
    """Neuron i to neuron i; both populations must have the same size."""

    def check(self, n_pre, n_post, same):
        if n_pre != n_post:
            fail("OneToOne sizes", (n_pre, n_post), "pre and post populations must have the same size")

    def expected_count(self, n_pre, n_post):
        return float(min(n_pre, n_post))


class FixedProbability(Connector):
    """Each (pre, post) pair connected independently with probability ``p``.

    Drawn in O(synapses) by geometric gaps along each row (snnkit.generation.rules).
    """

    def __init__(self, p: float, allow_self: bool = False):
        p = float(p)
        if not 0.0 <= p <= 1.0:
            fail("FixedProbability.p", p, "must be a probability in [0, 1]")
        self.p, self.allow_self = p, bool(allow_self)

    def expected_count(self, n_pre, n_post):
        return self.p * n_pre * n_post


class FixedInDegree(Connector):
    """Each post neuron receives exactly ``n`` distinct pre neurons, chosen at random."""

    def __init__(self, n: int, allow_self: bool = False):
        self.n = check_count("FixedInDegree.n", n)
        self.allow_self = bool(allow_self)

    def check(self, n_pre, n_post, same):
        pool = n_pre - 1 if same and not self.allow_self else n_pre
        if self.n > pool:
            fail("FixedInDegree.n", self.n, f"must be <= {pool}, the number of candidate pre neurons")

    def expected_count(self, n_pre, n_post):
        return float(self.n) * n_post


class FixedOutDegree(Connector):
    """Each pre neuron projects to exactly ``n`` distinct post neurons, chosen at random
    (PyNN's FixedNumberPostConnector, NEST's fixed_outdegree without multapses)."""

    def __init__(self, n: int, allow_self: bool = False):
        self.n = check_count("FixedOutDegree.n", n)
        self.allow_self = bool(allow_self)

    def check(self, n_pre, n_post, same):
        pool = n_post - 1 if same and not self.allow_self else n_post
        if self.n > pool:
            fail("FixedOutDegree.n", self.n, f"must be <= {pool}, the number of candidate post neurons")

    def expected_count(self, n_pre, n_post):
        return float(self.n) * n_pre


class FixedTotalNumber(Connector):
    """Exactly ``n`` synapses, each from a pre and to a post neuron drawn uniformly at
    random, independently (PyNN's FixedTotalNumberConnector, NEST's fixed_total_number):
    a pair may be drawn twice (multapses) unless ``allow_multapses=False``, and a
    neuron onto itself only with ``allow_self`` (such draws are drawn again)."""

    def __init__(self, n: int, allow_self: bool = False, allow_multapses: bool = True):
        self.n = check_count("FixedTotalNumber.n", n)
        self.allow_self, self.allow_multapses = bool(allow_self), bool(allow_multapses)

    def check(self, n_pre, n_post, same):
        room = n_pre * n_post - (min(n_pre, n_post) if same and not self.allow_self else 0)
        if self.n and room <= 0:
            fail("FixedTotalNumber.n", self.n, "must be 0: there is no (pre, post) pair to connect")
        if not self.allow_multapses and self.n > room:
            fail("FixedTotalNumber.n", self.n, f"must be <= {room}, the number of distinct (pre, post) "
                 "pairs, when allow_multapses=False")

    def pairs(self, n_pre, n_post, same, rng):
        if self.allow_multapses:                  # drawn from counters (Connector.pairs)
            return super().pairs(n_pre, n_post, same, rng)
        self.check(n_pre, n_post, same)
        exclude_self = same and not self.allow_self
        pre = np.zeros(0, np.int64)
        post = np.zeros(0, np.int64)
        while pre.size < self.n:                  # redraw what a rule excludes (rare unless dense)
            need = self.n - pre.size
            a = rng.integers(0, n_pre, need, dtype=np.int64)
            b = rng.integers(0, n_post, need, dtype=np.int64)
            keep = a != b if exclude_self else np.ones(need, bool)
            pre, post = np.concatenate([pre, a[keep]]), np.concatenate([post, b[keep]])
            if not self.allow_multapses:
                _, first = np.unique(pre * n_post + post, return_index=True)
                first.sort()
                pre, post = pre[first], post[first]
        return pre, post

    def expected_count(self, n_pre, n_post):
        return float(self.n)


class FromList(Connector):
    """Explicit connections: ``FromList(pre_indices, post_indices)``.

    Weight and delay arrays given to the projection follow this order.
    """

    def __init__(self, pre, post):
        self.pre = np.asarray(pre, dtype=np.int64).ravel()
        self.post = np.asarray(post, dtype=np.int64).ravel()
        if self.pre.shape != self.post.shape:
            fail("FromList sizes", (self.pre.size, self.post.size),
                 "pre and post index arrays must have the same length")

    def pairs(self, n_pre, n_post, same, rng):
        for name, idx, n in (("pre", self.pre, n_pre), ("post", self.post, n_post)):
            if idx.size and (idx.min() < 0 or idx.max() >= n):
                bad = idx[(idx < 0) | (idx >= n)][0]
                fail(f"FromList.{name}", int(bad), f"indices must lie in [0, {n})")
        return read_only(self.pre), read_only(self.post)          # no copy: the build only reads them

    def expected_count(self, n_pre, n_post):
        return float(self.pre.size)

    def __repr__(self) -> str:
        return f"FromList(<{self.pre.size} connections>)"


def read_only(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view


@dataclass
class SynapseTable:
    """Synapses of one projection in CSR order (sorted by pre, then post).

    row_ptr : (n_pre + 1,) int64   synapses of pre i are [row_ptr[i], row_ptr[i+1])
    pre, post : (S,) int64         endpoints of each synapse
    weight : (S,) float64          initial weight (units of the post receptor)
    delay : (S,) int64             axonal delay in steps, >= 1
    order : (S,) int64             CSR position k holds input synapse order[k]
    col_ptr : (n_post + 1,) int64  transpose (None unless asked for): synapses onto post j are
    col_syn : (S,) int64           col_syn[col_ptr[j]:col_ptr[j+1]] (indices into the CSR order)
    """

    row_ptr: np.ndarray
    pre: np.ndarray
    post: np.ndarray
    weight: np.ndarray
    delay: np.ndarray
    order: np.ndarray
    col_ptr: np.ndarray | None
    col_syn: np.ndarray | None

    @property
    def size(self) -> int:
        return int(self.post.size)


def build_table(n_pre, n_post, pre, post, weight, delay, transpose: bool = True, member=None,
                n_members: int = 1) -> SynapseTable:
    """Sort synapses by (pre, member, post), stably: a row holds each member projection's
    synapses in turn, as the device builds them (snnkit.generation); the transpose only
    if asked for (STDP needs it)."""
    key = pre.astype(np.int64) * np.int64(n_post) + post if member is None else \
        (pre.astype(np.int64) * n_members + member) * np.int64(n_post) + post
    if key.size and np.all(key[1:] >= key[:-1]):         # connectors often emit CSR order
        order = np.arange(key.size)
    else:
        order = np.argsort(key, kind="stable")
    pre, post, weight, delay = pre[order], post[order], weight[order], delay[order]
    row_ptr = np.zeros(n_pre + 1, np.int64)
    np.cumsum(np.bincount(pre, minlength=n_pre), out=row_ptr[1:])
    col_ptr = col_syn = None
    if transpose:
        col_syn = np.argsort(post, kind="stable").astype(np.int64)
        col_ptr = np.zeros(n_post + 1, np.int64)
        np.cumsum(np.bincount(post, minlength=n_post), out=col_ptr[1:])
    return SynapseTable(row_ptr, pre, post, weight, delay, order, col_ptr, col_syn)


def gather_rows(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate the index ranges [ptr[r], ptr[r+1]) of ``rows``.

    Returns (positions, owner): positions into the table, and for each the index
    into ``rows`` it came from. Vectorised: no Python loop over rows.
    """
    if rows.size == 1:                                      # the common case: one spike
        start, stop = int(ptr[rows[0]]), int(ptr[rows[0] + 1])
        return np.arange(start, stop), np.zeros(stop - start, np.int64)
    starts = ptr[rows]
    return ranges(starts, ptr[rows + 1] - starts)


def member_segments(n_rows: int, members) -> tuple[np.ndarray, list]:
    """The layout of a table whose rows hold member projections' synapses in member order:
    ``members`` [(projection index, first row in the table, synapses per row)] -> (row_ptr,
    [(projection index, where its segment of each of its rows starts, its counts)])."""
    row_count = np.zeros(n_rows, np.int64)
    for _, first, counts in members:
        row_count[first:first + counts.size] += counts
    row_ptr = np.zeros(n_rows + 1, np.int64)
    np.cumsum(row_count, out=row_ptr[1:])
    fill, segments = row_ptr[:-1].copy(), []
    for k, first, counts in members:
        rows = slice(first, first + counts.size)
        segments.append((k, fill[rows].copy(), counts))
        fill[rows] += counts
    return row_ptr, segments


def ranges(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate the index ranges [starts[k], starts[k] + lengths[k]): (positions, owner k)."""
    owner = np.repeat(np.arange(lengths.size), lengths)
    shift = starts - (np.cumsum(lengths) - lengths)         # range start minus its output offset
    return np.arange(owner.size) + shift[owner], owner
