"""Lower populations of an equation-defined model (snnkit.modeling) to one group.

The group holds what snnkit.modeling.numpy_group steps: parameters in snnkit's
coherent units and the integrator's host constants (``arrays``; the sampled
parameters alone in ``params``, which runtime changes update), the state
(``state``: variable -> (B, N)), refractory countdowns and steps, and a delay
ring with one plane per receptor, (depth, receptors, B * N).
"""

from __future__ import annotations

import numpy as np
import sympy

from .lower_neurons import rng_identity
from .modeling.numpy_group import evaluate_initial, group_arrays, parameter_arrays, refractory_steps


def lower_equation(pops, indices, dt: float, batch: int, seeds, ring_depth: int, injected: bool = False) -> dict:
    """One group; ``injected``: a current source targets one of its populations (snnkit.schedule
    writes ``arrays["I_inject"]``, nA, between steps)."""
    model = pops[0].model
    n = sum(p.size for p in pops)
    params = parameter_arrays(model, [p.model.params for p in pops], [p.size for p in pops], batch,
                              seeds.structure)
    arrays = group_arrays(model, params, dt, batch, n)      # cast to the backend's dtype on upload
    bounds = np.cumsum([0] + [p.size for p in pops])
    state, pending = {}, []
    for x in model.state_variables:
        parts = []
        for pop, index, a, b in zip(pops, indices, bounds[:-1], bounds[1:]):
            value = pop.initial.get(x, pop.model.initial[x])
            if isinstance(value, str):                       # a parameter's name
                value = np.broadcast_to(params[value][:, a:b], (batch, pop.size))
            elif isinstance(value, sympy.Expr):              # after the others (model.initial)
                pending.append((x, value, a, b))
                value = 0.0
            parts.append(seeds.initial(value, batch, pop.size, index, x))
        state[x] = np.concatenate(parts, axis=1) if parts else np.zeros((batch, 0))
    for x, expr, a, b in pending:
        state[x][:, a:b] = evaluate_initial(expr, params, state, slice(a, b))
    g = dict(kind="equation", model=model, dt=dt, size=n, params=params, arrays=arrays, state=state,
             injected=bool(injected),
             refrac=np.zeros((batch, n), np.int32), refrac_steps=refractory_steps(model, params, dt, n),
             ring_depth=ring_depth, ring=np.zeros((ring_depth, max(1, len(model.receptors)), batch * n)))
    g.update(rng_identity(pops, indices))
    return g
