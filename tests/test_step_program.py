"""Step programs (snnkit/backends/device_program.py, kernels/program.h): many whole
steps in one launch give what NumPy's step-by-step specification gives, spike for
spike, with records pulled between launches, at batch 1 and 3."""

import shutil
import subprocess

import numpy as np
import pytest

import snnkit as sk
from snnkit.backends import BACKENDS
from snnkit.backends import device_program
from snnkit.backends import device_records
from snnkit.bench.models import brunel, coba, microcircuit
from snnkit.examples import cuba
from snnkit.modeling import library

from .test_step_sequences import assert_same_run, plastic_network

pytestmark = pytest.mark.skipif(BACKENDS["opencl"].unavailable_reason() is not None,
                                reason="OpenCL unavailable")


@pytest.fixture(autouse=True)
def programs_on(monkeypatch):
    monkeypatch.setenv("SNNKIT_STEP_PROGRAM", "1")       # whatever the size (the crossover is tested below)


def run(network, backend, pieces_ms, batch=1, dtype="float64", seed=5):
    sim = sk.Simulator(network, backend=backend, batch=batch, seed=seed, dtype=dtype)
    for piece in pieces_ms:
        sim.run(piece, progress=False)
    return sim


def assert_same_spikes(a, b, populations):
    for pop in populations:
        sa, sb = a.results.spikes[pop], b.results.spikes[pop]
        assert sa.times.size > 0, pop
        for field in ("times", "node_ids", "instances"):
            assert np.array_equal(getattr(sa, field), getattr(sb, field)), (pop, field)


# 1 step, then 99 (one program after the first step run op by op), then 1500 (2 programs)
PIECES = (0.1, 9.9, 150.0)


@pytest.mark.parametrize("model", ["cuba", "coba", "brunel"])
def test_programs_agree_with_numpy(model, batch):
    make = {"cuba": lambda: cuba.build(500).network, "coba": lambda: coba.build(400).network,
            "brunel": lambda: brunel.build(2500).network}[model]
    a = run(make(), "numpy", PIECES, batch)
    b = run(make(), "opencl", PIECES, batch)
    assert b.sequences.mode == "program" and b.sequences.program is not None, b.sequences.why_not
    assert b.step_count == a.step_count == 1600
    assert_same_spikes(a, b, list(a.results.spikes))


def test_microcircuit_at_scale_0_05_agrees_with_numpy():
    make = lambda: microcircuit.build(int(round(0.05 * microcircuit.FULL_SIZE))).network  # noqa: E731
    a = run(make(), "numpy", (0.1, 30.0))
    b = run(make(), "opencl", (0.1, 30.0))
    assert b.sequences.mode == "program", b.sequences.why_not
    assert_same_spikes(a, b, microcircuit.POPULATIONS)


def test_plastic_network_weights_and_spikes_agree_with_numpy(batch, monkeypatch):
    # small record buffers: records are pulled between program launches many times
    monkeypatch.setattr(device_records, "MAX_STEPS_PER_PULL", 16)
    a = run(plastic_network(), "numpy", (0.1, 10.0, 13.5), batch)
    b = run(plastic_network(), "opencl", (0.1, 10.0, 13.5), batch)
    assert b.sequences.mode == "program" and b.sequences.steps == 16, b.sequences.why_not
    assert_same_run(a, b)


def test_float32_poisson_drive_is_bit_identical():
    def make():
        net = sk.Network(seed=2)
        src = net.population(300, sk.Poisson(rate=80.0), name="src")
        pop = net.population(300, sk.LIFCurrExp(tau_m=10.0, v_thresh=-60.0), name="pop")
        net.connect(src, pop, sk.OneToOne(), weight=1.5, delay=1.0)
        net.record(src, "spikes")
        net.record(pop, "spikes")
        return net
    a = run(make(), "numpy", PIECES, 2, "float32")
    b = run(make(), "opencl", PIECES, 2, "float32")
    assert b.sequences.mode == "program"
    assert_same_spikes(a, b, ["src", "pop"])
    assert np.array_equal(a.state("pop", "v"), b.state("pop", "v"))


def test_crossover_and_exclusions_are_reported(monkeypatch):
    monkeypatch.delenv("SNNKIT_STEP_PROGRAM")
    net = sk.Network()
    net.record(net.population(70000, sk.LIFCurrExp(), name="big"), "spikes")
    big = run(net, "opencl", (0.1, 0.2), dtype="float32")
    assert big.sequences.mode is None and "crossover" in big.sequences.why_not
    small = run(cuba.build(1000).network, "opencl", (0.1, 0.2), dtype="float32")
    assert small.sequences.mode == "program" and small.sequences.why_not is None
    # a double exp costs ~8 updates, exp_f32 ~2: 8000 x 8 is above the crossover, 8000 x 2 below
    for math, mode in (("exact", None), ("fast", "program")):
        coba_8k = sk.Simulator(coba.build(8000).network, backend="opencl", dtype="float32", seed=5, math=math)
        coba_8k.run(0.3, progress=False)
        assert coba_8k.sequences.mode == mode, (math, coba_8k.sequences.why_not)
        assert mode or "crossover" in coba_8k.sequences.why_not
    monkeypatch.setenv("SNNKIT_STEP_PROGRAM", "0")
    off = run(cuba.build(1000).network, "opencl", (0.1, 0.2), dtype="float32")
    assert off.sequences.mode is None


def test_unsupported_kernels_fall_back_step_by_step_with_a_reason():
    net = sk.Network()
    pop = net.population(10, library.Izhikevich(), name="eq")
    net.record(pop, "spikes")
    sim = run(net, "opencl", (0.1, 2.0))
    assert sim.sequences.mode is None and "neuron_step" in sim.sequences.why_not


def test_plan_rejects_steps_that_differ_beyond_their_step():
    launch = device_program.Launch("propagate", (), "", (3, 3, 2, 1, 7, 0) + (0,) * 13, 256)
    moved = launch._replace(values=(3, 3, 2, 1, 8, 0) + (0,) * 13)
    ops, why = device_program.plan([launch], [moved], 7, lambda b: b)
    assert why is None and ops[0].step_shift == 0
    changed = moved._replace(values=(4, 3, 2, 1, 8, 0) + (0,) * 13)
    assert "n_pre changes" in device_program.plan([launch], [changed], 7, lambda b: b)[1]
    stuck = launch._replace(values=(3, 3, 2, 1, 7, 0) + (0,) * 13)
    assert "other steps" in device_program.plan([launch], [stuck], 7, lambda b: b)[1]


@pytest.mark.skipif(shutil.which("nvcc") is None, reason="nvcc not installed")
def test_the_cuda_dialect_of_a_program_compiles(tmp_path):
    """The same generator writes the CUDA program (GPU flavour: a real block; no GPU here
    to run it, so nvcc compiles it)."""
    backend = BACKENDS["opencl"](dtype="float32")
    sim = sk.Simulator(plastic_network(), backend=backend, batch=2, seed=1, dtype="float32")
    sim.run(0.2, progress=False)
    step = lambda k: [op(k) for op in sim.sequences.step_ops]  # noqa: E731
    ops, why = device_program.plan(backend.record_launches(lambda: step(5)), backend.record_launches(lambda: step(6)),
                                   5, backend.buffer_key)
    assert why is None
    source, buffers = device_program.program_source(ops, "cuda", "float", (), backend.buffer_key)
    (tmp_path / "program.cu").write_text(source)
    done = subprocess.run(["nvcc", "-c", "--fmad=false", "-arch=sm_90", "-o", str(tmp_path / "program.o"),
                           str(tmp_path / "program.cu")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]


def test_one_compute_unit_has_no_crossover():
    """Pinned to one core (POCL_MAX_PTHREAD_COUNT=1), step-by-step launches get no more
    cores than a program: CUBA 40000 ran 79 vs 129 us a step (the note of issue 23)."""
    from snnkit.backends.opencl_backend import PROGRAM_NEURONS_CPU
    backend = BACKENDS["opencl"](dtype="float32")
    for units, expected in ((2, "crossover"), (1, None)):
        backend.compute_units = units
        why_not = backend.step_program_why_not(10, 10 * PROGRAM_NEURONS_CPU)
        assert why_not is None if expected is None else expected in why_not


class ScriptedClock:
    """perf_counter for snnkit.step_sequences: each call returns the next given time."""

    def __init__(self, times):
        self.times = list(times)

    def perf_counter(self):
        return self.times.pop(0)


@pytest.mark.parametrize("program_faster", [True, False])
def test_the_faster_way_is_timed_and_kept(monkeypatch, program_faster):
    """Unforced, on several compute units: TRIAL_STEPS steps launched one by one, then
    TRIAL_STEPS as a program, timed; the faster runs the rest, with the same spikes."""
    from snnkit import step_sequences
    monkeypatch.delenv("SNNKIT_STEP_PROGRAM")
    monkeypatch.setattr(step_sequences, "TRIAL_STEPS", 20)
    # steps: 20 in 1 s; program: 20 in 0.5 s (faster) or 2 s (slower)
    clock = ScriptedClock([0.0, 1.0, 10.0, 10.5 if program_faster else 12.0])
    monkeypatch.setattr(step_sequences, "time", clock)
    a = run(cuba.build(500).network, "numpy", PIECES, dtype="float32")
    sim = sk.Simulator(cuba.build(500).network, backend="opencl", seed=5, dtype="float32")
    sim.backend.compute_units = 2                 # (whatever this machine's)
    sim.sequences.trial = {"phase": "steps", "counted": -1, "start": 0.0}
    for piece in PIECES:
        sim.run(piece, progress=False)
    assert sim.sequences.trial is None and not clock.times
    assert sim.sequences.measured_us == {"steps": 1e6 / 20, "program": (0.5 if program_faster else 2.0) * 1e6 / 20}
    if program_faster:
        assert sim.sequences.mode == "program" and sim.sequences.why_not is None
    else:
        assert sim.sequences.mode is None and sim.sequences.program is None
        assert "measured 50000.0 us a step launched step by step, 100000.0 as a program" in sim.sequences.why_not
    assert_same_spikes(a, sim, ["exc", "inh"])


def test_forced_programs_are_not_timed():
    sim = run(cuba.build(500).network, "opencl", (0.1, 30.0), dtype="float32")
    assert sim.sequences.trial is None and sim.sequences.measured_us == {}
