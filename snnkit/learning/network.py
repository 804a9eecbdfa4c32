"""The Diehl & Cook (2015) network as an snnkit Network: Poisson inputs (one per
pixel), all-to-all plastic synapses onto excitatory neurons with adaptive thresholds,
and lateral inhibition through one inhibitory partner per excitatory neuron."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import connectivity as conn
from ..model import Network, Population, Projection
from ..neurons import LIFCondExp
from ..plasticity import STDP
from ..sources import Poisson
from .config import DiehlCook


@dataclass
class Handles:
    network: Network
    inputs: Population
    exc: Population
    inh: Population
    input_exc: Projection


def build(cfg: DiehlCook, n_inputs: int, batch: int, weights: np.ndarray, theta: np.ndarray | None = None,
          learning: bool = True, seed: int = 0) -> Handles:
    """The network for ``batch`` samples at once.

    weights : (n_inputs, n_neurons) input -> exc weights.
    theta : (n_neurons,) learned threshold adaptation, mV. When ``learning``, the
        threshold starts there and adapts (d_theta, tau_theta) and the input weights
        are plastic; otherwise it is fixed at v_thresh + theta and the weights static.
    """
    n = cfg.n_neurons
    theta = np.zeros(n) if theta is None else np.asarray(theta, float)
    net = Network(seed=seed)
    inputs = net.population(n_inputs, Poisson(rate=np.zeros((batch, n_inputs))), name="input")
    exc_params = dict(tau_m=cfg.exc_tau_m, cm=cfg.exc_tau_m, v_rest=cfg.exc_v_rest, v_reset=cfg.exc_v_reset,
                      tau_refrac=cfg.exc_tau_refrac, tau_syn_E=cfg.tau_syn_E, tau_syn_I=cfg.tau_syn_I,
                      e_rev_E=0.0, e_rev_I=cfg.exc_e_rev_I)
    if learning:
        exc_model = LIFCondExp(v_thresh=cfg.exc_v_thresh, d_theta=cfg.d_theta, tau_theta=cfg.tau_theta,
                               **exc_params)
    else:
        exc_model = LIFCondExp(v_thresh=cfg.exc_v_thresh + theta, d_theta=0.0, **exc_params)
    exc = net.population(n, exc_model, name="exc")
    if learning:
        exc.initialize(theta=theta)
    inh = net.population(n, LIFCondExp(
        tau_m=cfg.inh_tau_m, cm=cfg.inh_tau_m, v_rest=cfg.inh_v_rest, v_reset=cfg.inh_v_reset,
        v_thresh=cfg.inh_v_thresh, tau_refrac=cfg.inh_tau_refrac, tau_syn_E=cfg.tau_syn_E,
        tau_syn_I=cfg.tau_syn_I, e_rev_E=0.0, e_rev_I=cfg.inh_e_rev_I), name="inh")
    rule = STDP(tau_plus=cfg.tau_pre, tau_minus=cfg.tau_pre, A_plus=cfg.eta, A_minus=0.0, w_min=0.0,
                w_max=max(cfg.w_max, float(np.max(weights, initial=0.0))),
                weight_dependence=cfg.weight_dependence, pairing=cfg.pairing, x_target=cfg.x_target) if learning else None
    input_exc = net.connect(inputs, exc, conn.AllToAll(), weight=np.asarray(weights, float).reshape(-1),
                            plasticity=rule, name="input_exc")
    net.connect(exc, inh, conn.OneToOne(), weight=cfg.w_exc_inh, name="exc_inh")
    pre, post = np.divmod(np.arange(n * n), n)
    others = pre != post
    net.connect(inh, exc, conn.FromList(pre[others], post[others]), weight=cfg.w_inh_exc,
                receptor="inhibitory", name="inh_exc")
    net.count_spikes(exc)
    return Handles(net, inputs, exc, inh, input_exc)


def initial_weights(cfg: DiehlCook, n_inputs: int, seed: int) -> np.ndarray:
    """Uniform in [0, w_initial_max], (n_inputs, n_neurons)."""
    return np.random.default_rng(seed).uniform(0.0, cfg.w_initial_max, (n_inputs, cfg.n_neurons))
