"""Parameter sweeps: a grid of points split into batches, each batch ONE batched
Simulator on a Dask worker (dask.distributed; a LocalCluster by default), the
results gathered into one HDF5 file indexed by parameter values (store.py).

    import numpy as np, snnkit as sk

    def network(rate, w):                       # one array a parameter: a value per instance
        net = sk.Network()
        src = net.population(100, sk.Poisson(rate=rate[:, None]), name="src")
        cells = net.population(50, sk.LIFCurrExp(), name="cells")
        net.connect(src, cells, sk.FixedProbability(0.2), weight=float(w[0]))   # one w a batch
        net.record(cells, "spikes")
        return net

    # the last name varies fastest: each batch of 8 holds one w and all 8 rates
    sk.sweep(network, {"w": [0.1, 0.2], "rate": np.linspace(5, 50, 8)}, 1000.0, batch=8,
             out="sweep.h5")
    sk.load_sweep("sweep.h5").rates["cells"]    # (16,) Hz, one per point

A parameter that a batch can hold per instance (a rate, a neuron parameter given as
``value[:, None]``) lets ``batch`` points share one simulation; a parameter the
network's structure depends on (a connection probability, a weight given as one
number) needs ``batch=1``, or a batch whose points share it (the grid's last names
vary fastest). Point j runs with seed ``seed + j``: it gives what a batch-1
Simulator of that point with that seed gives, whatever the batching.
"""

from __future__ import annotations

import os
import sys

import numpy as np

from ..validation import check_count, check_positive, check_seed, fail
from .grid import batches, parameter_grid
from .store import SweepFile, SweepResults, load_sweep
from .worker import build_network, run_batch

__all__ = ["sweep", "load_sweep", "SweepResults", "parameter_grid"]


def sweep(network_factory, parameters, duration, *, batch: int = 16, out="sweep.h5", seed: int = 0,
          client=None, n_workers: int | None = None, retries: int = 2, measure=None, overwrite: bool = False,
          progress: bool | None = None, **simulator_options) -> SweepResults:
    """Run ``network_factory(**values)`` over a grid of ``parameters`` for ``duration`` ms.

    network_factory : callable(name=array (B,), ...) -> snnkit.Network
        Gets each parameter as an array of the batch's values, one per instance.
    parameters : mapping name -> values (their Cartesian product) or a list of mappings.
    batch : points per Simulator (its batch instances).
    out : the HDF5 file (store.py). If it holds this sweep already, only the points
        not yet done run (a resumed sweep); another sweep there is refused unless
        ``overwrite``.
    seed : point j runs with Simulator seed ``seed + j``; a network without its own
        seed gets ``seed`` as its connectivity seed, the same for every batch.
    client : a dask.distributed Client; None starts a LocalCluster of ``n_workers``
        one-thread processes (default: the CPU count) for this call; "serial" runs
        the batches in this process, in order.
    retries : how often a failed batch is run again (a lost worker's batches are
        rescheduled by Dask as well).
    measure : callable(simulator) -> {name: array (B, ...)}, stored under measures/.
    simulator_options : passed to every Simulator (backend, dt, dtype, math, ...).
    """
    if not callable(network_factory):
        fail("network_factory", network_factory, "must be callable: network_factory(**parameters) -> Network")
    names, values = parameter_grid(parameters)
    check_positive("duration", duration)
    batch = check_count("batch", batch, minimum=1)
    retries = check_count("retries", retries, minimum=0)
    seed = check_seed("seed", seed)
    if client is not None and client != "serial" and not hasattr(client, "submit"):
        fail("client", client, 'must be a dask.distributed Client, "serial" or None (a LocalCluster)')
    _check_simulator_options(simulator_options)
    seeds = seed + np.arange(len(values), dtype=np.int64)
    folder = os.path.dirname(os.path.abspath(os.fspath(out)))
    if not os.path.isdir(folder):
        fail("out", out, "must be in an existing folder")
    build_network(network_factory, names, values[:batch], seed)     # a broken factory fails here, not on a worker
    if overwrite and os.path.exists(out):
        os.remove(out)
    store = SweepFile(out, names, values, seeds, duration, seed)
    done = store.done()
    todo = [(lo, hi) for lo, hi in batches(len(values), batch) if not done[lo:hi].all()]
    job = (network_factory, names, duration, seed, dict(simulator_options), measure)
    bar = _progress_bar(len(values), int(done.sum()), progress)
    try:
        if client == "serial":
            for lo, hi in todo:
                store.write(lo, hi, _run(job, values[lo:hi], seeds[lo:hi], retries))
                _advance(bar, hi - lo)
        else:
            _run_on_dask(client, n_workers, job, values, seeds, todo, retries, store, bar)
    finally:
        if bar is not None:
            bar.close()
    return load_sweep(out)


def _check_simulator_options(options: dict) -> None:
    import inspect
    from ..simulator import Simulator
    allowed = set(inspect.signature(Simulator.__init__).parameters) - {"self", "network", "batch", "seed",
                                                                        "output"}
    for option, value in options.items():
        if option not in allowed:
            fail(option, value, "is not a Simulator option a sweep passes on: one of "
                 + ", ".join(sorted(allowed)) + " (batch, seed and output are the sweep's)")


def _run(job, values, seeds, retries: int) -> dict:
    factory, names, duration, structure_seed, options, measure = job
    for attempt in range(retries + 1):
        try:
            return run_batch(factory, names, values, seeds, duration, structure_seed, options, measure)
        except Exception:
            if attempt == retries:
                raise


def _run_on_dask(client, n_workers, job, values, seeds, todo, retries, store, bar) -> None:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as err:
        raise ImportError('snnkit.sweep needs dask.distributed: pip install "snnkit[dask]" '
                          '(or client="serial" to run in this process)') from err
    own = client is None
    if own:
        cluster = LocalCluster(n_workers=n_workers or os.cpu_count() or 1, threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        factory, names, duration, structure_seed, options, measure = job
        futures = {}
        for lo, hi in todo:
            future = client.submit(run_batch, factory, names, values[lo:hi], seeds[lo:hi], duration,
                                   structure_seed, options, measure, retries=retries, pure=False)
            futures[future] = (lo, hi)
        for future in as_completed(futures):
            lo, hi = futures[future]
            store.write(lo, hi, future.result())          # raises a batch's last error
            _advance(bar, hi - lo)
    finally:
        if own:
            client.close()
            cluster.close()


def _progress_bar(total: int, done: int, progress):
    show = sys.stderr.isatty() if progress is None else bool(progress)
    if not show:
        return None
    from tqdm import tqdm
    return tqdm(total=total, initial=done, unit="point", file=sys.stderr, desc="snnkit sweep")


def _advance(bar, n: int) -> None:
    if bar is not None:
        bar.update(n)
