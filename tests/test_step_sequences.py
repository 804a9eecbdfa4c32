"""Steps run in captured sequences (snnkit.step_sequences, kernels/clock.h) give the
same results as NumPy's step-by-step specification: CUDA graphs on CuPy, replayed
launch lists on OpenCL with device_clock=True (how CI exercises the device clock)."""

import logging

import numpy as np
import pytest

import snnkit as sk
from snnkit.backends import BACKENDS
from snnkit.backends.device_records import DeviceSpikeRecord

# the backends that capture: CuPy (graphs) and OpenCL with a device clock (launch lists)
CAPTURING = {"cupy": ("cupy", {}), "opencl-device-clock": ("opencl", dict(device_clock=True))}


@pytest.fixture(autouse=True)
def no_step_programs(monkeypatch):
    """Captured sequences, not step programs (tests/test_step_program.py tests those)."""
    monkeypatch.setenv("SNNKIT_STEP_PROGRAM", "0")


@pytest.fixture(params=list(CAPTURING))
def device(request):
    name, options = CAPTURING[request.param]
    reason = BACKENDS[name].unavailable_reason()
    if reason:
        pytest.skip(f"{name} unavailable: {reason}")
    return lambda: BACKENDS[name](dtype="float64", **options)


def plastic_network(seed=3, state_monitor=False, spike_times=False):
    """Poisson -> recurrent LIF with delays and STDP, every spike recorded."""
    net = sk.Network(seed=seed)
    src = net.population(60, sk.Poisson(rate=40.0), name="src")
    pop = net.population(50, sk.LIFCurrExp(tau_m=10.0, cm=0.25, tau_refrac=1.0, v_thresh=-58.0), name="pop")
    pop.initialize(v=sk.Uniform(-70, -58))
    rule = sk.STDP(A_plus=0.01, A_minus=0.012, w_min=0.0, w_max=1.0)
    net.connect(src, pop, sk.FixedProbability(0.3), weight=sk.Uniform(0.2, 0.6), delay=sk.Uniform(0.1, 2.0),
                plasticity=rule)
    net.connect(pop, pop, sk.FixedProbability(0.1), weight=-0.3, receptor="inhibitory", delay=1.5)
    net.record(src, "spikes")
    net.record(pop, "spikes")
    if state_monitor:
        net.record(pop, "v", every=3)
    if spike_times:
        times = net.population(3, sk.SpikeTimes([[1.0, 5.0], [2.5], [7.0]]), name="times")
        net.connect(times, pop, sk.AllToAll(), weight=0.5)
    return net


def run_in_pieces(backend, pieces_ms, batch=2, before=None):
    backend = backend() if callable(backend) else backend
    sim = sk.Simulator(plastic_network(), backend=backend, batch=batch, seed=11, dtype="float64")
    if before:
        before(sim)
    for piece in pieces_ms:
        sim.run(piece, progress=False)
    return sim


def assert_same_run(a, b):
    for pop in ("src", "pop"):
        sa, sb = a.results.spikes[pop], b.results.spikes[pop]
        for field in ("times", "node_ids", "instances"):
            assert np.array_equal(getattr(sa, field), getattr(sb, field)), (pop, field)
    assert np.allclose(a.state("pop", "v"), b.state("pop", "v"), rtol=1e-12, atol=1e-12)
    wa = a.weights(a.network.projections[0])[2]
    wb = b.weights(b.network.projections[0])[2]
    assert np.allclose(wa, wb, rtol=1e-12, atol=1e-15)
    assert not np.allclose(wa, wa.flat[0])                       # STDP moved them


# 1 step alone, 100 steps (one sequence of 64 and 36 single steps), then 2 sequences and 7 steps
PIECES = (0.1, 10.0, 13.5)


def test_sequences_agree_with_numpy_step_by_step(device):
    a = run_in_pieces("numpy", PIECES)
    b = run_in_pieces(device, PIECES)
    assert b.sequences.steps == 64 and b.sequences.sequence is not None
    assert b.step_count == a.step_count == 236
    assert a.results.spikes["pop"].times.size > 100
    assert_same_run(a, b)


def test_step_clock_wraps_modulo_2_to_the_32(device):
    # kernels compute k = step_offset + clock in u32: a clock near 2^32 must change nothing
    a = run_in_pieces("numpy", PIECES)
    b = run_in_pieces(device, PIECES, before=lambda sim: sim.backend.set_clock(2**32 - 70))
    assert_same_run(a, b)


def test_sequences_pull_spike_records_between_replays(device, monkeypatch):
    # buffers that hold 10 steps: sequences shrink to 10 steps and every replay is pulled
    from snnkit.backends import device_records
    monkeypatch.setattr(device_records, "MAX_STEPS_PER_PULL", 10)
    a = run_in_pieces("numpy", PIECES)
    b = run_in_pieces(device, PIECES)
    assert b.sequences.steps == 10
    assert_same_run(a, b)


def test_sequences_off_by_environment(device, monkeypatch):
    monkeypatch.setenv("SNNKIT_STEP_SEQUENCES", "0")
    sim = run_in_pieces(device, (2.0,))
    assert sim.sequences.steps == 0 and "SNNKIT_STEP_SEQUENCES" in sim.sequences.why_not


@pytest.mark.parametrize("kind, reason", [("state_monitor", "state monitors"), ("spike_times", "SpikeTimes")])
def test_host_scheduled_work_runs_step_by_step(device, kind, reason):
    sim = sk.Simulator(plastic_network(**{kind: True}), backend=device(), seed=1, dtype="float64")
    assert sim.sequences.steps == 0 and reason in sim.sequences.why_not
    sim.run(10.0, progress=False)
    assert sim.step_count == 100


def test_numpy_and_default_opencl_have_no_sequences():
    sim = sk.Simulator(plastic_network(), backend="numpy", seed=1)
    assert sim.sequences.steps == 0 and "numpy" in sim.sequences.why_not
    if BACKENDS["opencl"].is_available():
        sim = sk.Simulator(plastic_network(), backend="opencl", seed=1)
        assert sim.sequences.steps == 0 and "device clock" in sim.sequences.why_not
        assert "DEVICE_CLOCK" not in sim.backend.all_switches()


def test_a_failed_capture_falls_back_to_single_steps_with_a_warning(device, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("capture not supported here")
    a = run_in_pieces("numpy", PIECES)
    with caplog.at_level(logging.WARNING, logger="snnkit"):
        b = run_in_pieces(device, PIECES, before=lambda sim: setattr(sim.backend, "capture_steps", broken))
    assert b.sequences.steps == 0 and b.sequences.sequence is None
    assert "capture not supported here" in caplog.text
    assert_same_run(a, b)


def test_make_room_pulls_only_when_the_next_sequence_could_overflow():
    pulls = []
    record = DeviceSpikeRecord.__new__(DeviceSpikeRecord)
    record.steps_per_pull, record.pending = 100, 0
    record.pull = lambda: (pulls.append(record.pending), setattr(record, "pending", 0))
    record.make_room(64)
    record.steps_done(64)
    assert pulls == []
    record.make_room(64)                  # 64 + 64 > 100: pull first
    assert pulls == [64]
    record.steps_done(64)
    record.make_room(36)                  # 64 + 36 fits exactly
    record.steps_done(36)                 # full: pulled
    assert pulls == [64, 100]
