"""Which projections are generated from counters, and their synapses as the
specification builds them (the device backends build the same: backends/device_connect.py).

A projection's connector is *drawn from counters* when it is one of the random rules
(snnkit.generation.rules); its weights and delays are when they are scalars or one of
the distributions values.KINDS knows. A static table is *generated on the device* when
every projection in it is drawn from counters, weights and delays included, and no
check needs the realised values (delays >= dt and conductances >= 0 hold by their
distributions' support).
"""

from __future__ import annotations

import numpy as np

from ..connectivity import AllToAll, FixedInDegree, FixedOutDegree, FixedProbability, FixedTotalNumber, OneToOne
from . import counters as C
from . import rules
from .values import CONSTANT, delay_steps, draw_pair, occurrences, support, value_code

# kernels/connect.c: rule numbers
PROBABILITY, ALL_TO_ALL, ONE_TO_ONE, OUT_DEGREE, IN_DEGREE, TOTAL = range(6)


def rule_of(connector, n_pre: int, n_post: int, same: bool):
    """(rule, parameter, exclude_self) of a connector drawn from counters, else None."""
    exclude = same and not getattr(connector, "allow_self", True)
    kind = type(connector)
    if kind is FixedProbability:                      # p = 1 draws nothing: AllToAll
        return (ALL_TO_ALL, 0, exclude) if connector.p == 1.0 else (PROBABILITY, connector.p, exclude)
    if kind is AllToAll:
        return ALL_TO_ALL, 0, exclude
    if kind is OneToOne:
        return ONE_TO_ONE, 0, False
    if kind is FixedOutDegree:
        return OUT_DEGREE, connector.n, exclude
    if kind is FixedInDegree:
        return IN_DEGREE, connector.n, exclude
    if kind is FixedTotalNumber and connector.allow_multapses:
        return TOTAL, connector.n, exclude
    return None


def rule_pairs(rule, n_pre: int, n_post: int, projection: int, key):
    """(pre, post) of a rule (rule_of), sorted by (pre, post)."""
    kind, param, exclude = rule
    if kind == IN_DEGREE:
        return rules.in_degree(param, n_pre, n_post, exclude, C.stream(projection, C.CHOOSE), key)
    counts = rules.split_total(param, n_pre, C.stream(projection, C.SPLIT), key) if kind == TOTAL else None
    return rows_pairs(rule, np.arange(n_pre, dtype=np.int64), n_post, projection, key, counts)


def rows_pairs(rule, rows: np.ndarray, n_post: int, projection: int, key, counts=None):
    """(pre, post) of the (sorted, distinct) ``rows`` of a rule drawn by rows (all but
    FixedInDegree), sorted by (pre, post); counts: FixedTotalNumber's split (every row)."""
    kind, param, exclude = rule
    if kind == PROBABILITY:
        return rules.probability_rows(param, rows, n_post, exclude, C.stream(projection, C.SKIP), key)
    if kind == ALL_TO_ALL:
        return rules.all_to_all_rows(rows, n_post, exclude)
    if kind == ONE_TO_ONE:
        return rows.copy(), rows.copy()
    if kind == OUT_DEGREE:
        return rules.out_degree_rows(param, rows, n_post, exclude, C.stream(projection, C.CHOOSE), key)
    return rules.total_rows(rows, counts[rows], n_post, exclude, C.stream(projection, C.SPACING), key)


def known_counts(rule, n_pre: int, n_post: int) -> np.ndarray | None:
    """Synapses per row where the rule fixes them without a draw, else None."""
    kind, param, exclude = rule
    if kind == ALL_TO_ALL:
        return np.full(n_pre, max(0, n_post - exclude), np.int64)
    if kind == PROBABILITY and param == 0.0:
        return np.zeros(n_pre, np.int64)
    if kind == ONE_TO_ONE:
        return np.ones(n_pre, np.int64)
    if kind == OUT_DEGREE:
        return np.full(n_pre, param, np.int64)
    return None


def member_values(m: dict, pre, post, key, with_delay: bool = True, with_weight: bool = True):
    """(weights float64 or None, delays in steps or None) of a member's synapses (pre, post)."""
    weight, delay = drawn_values(m["weight"], m["delay"], pre, post, m["projection"], key,
                                 want=(with_weight, with_delay))
    return weight, None if delay is None else delay_steps(delay, m["dt"])


def drawn_values(weight_code, delay_code, pre, post, projection: int, key, want=(True, True)) -> tuple:
    """(weights, delays in ms) of value codes (None: not drawn) for synapses sorted by
    (pre, post): values.draw_pair, from the projection's value stream."""
    drawn = any(c is not None and c[0] != CONSTANT and w for c, w in zip((weight_code, delay_code), want))
    occ = occurrences(pre, post) if drawn else np.zeros(0, np.int64)
    return draw_pair(weight_code, delay_code, pre, post, occ, C.stream(projection, C.VALUES), key, want)


def device_recipe(proj, projection: int, dt: float):
    """What the device kernels need to generate a projection, or None when it must be
    realised on the host (see the module docstring)."""
    if proj.plasticity is not None or proj.synapse is not None:
        return None
    rule = rule_of(proj.connector, proj.pre.size, proj.post.size, proj.pre is proj.post)
    if rule is not None:
        proj.connector.check(proj.pre.size, proj.post.size, proj.pre is proj.post)
    weight = value_code(proj.weight)
    delay = value_code(dt if proj.delay is None else proj.delay)
    if rule is None or weight is None or delay is None:
        return None
    if support(delay)[0] < dt * (1 - 1e-9):
        return None                                      # the host checks the drawn delays
    if getattr(proj.post.model, "synapse", None) == "cond_exp" and support(weight)[0] < 0:
        return None                                      # the host checks the drawn signs
    if rule[0] in (OUT_DEGREE, IN_DEGREE):
        pool = (proj.post.size if rule[0] == OUT_DEGREE else proj.pre.size) - rule[2]
        if rule[1] > pool:
            return None                                  # the connector's own check fails it
    return dict(rule=rule, weight=weight, delay=delay, projection=projection, receptor=proj.receptor,
                n_pre=proj.pre.size, n_post=proj.post.size, dt=dt)
