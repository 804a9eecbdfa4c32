"""kernels/: the manifest matches the sources, and both dialects compile."""

import os
import re
import shutil
import subprocess

import numpy as np
import pytest


from snnkit import kernels
from snnkit.modeling.units import parse_unit
from snnkit.backends import BACKENDS

SIGNATURE = re.compile(r"KERNEL\s+void\s+(\w+)\s*\(([^)]*)\)", re.S)
LIF_VARIANTS = [("SYN_DELTA",), ("SYN_DELTA", "LEAKY", "NOISY", "BIASED"),
                ("SYN_CURR_EXP", "LEAKY", "ADAPTIVE", "BIASED", "METHOD_EULER"),
                ("SYN_COND_EXP", "LEAKY", "NOISY"), ("SYN_COND_EXP", "LEAKY", "METHOD_EULER"),
                ("SYN_COND_EXP", "LEAKY", "EXP_F32"),
                ("SYN_CURR_EXP", "LEAKY", "BIASED") + kernels.shared_parameter_switches(
                    np.linspace(-70.5, 3.25, len(kernels.LIF_PARAMS)), 20, "float")]


def source_signatures() -> dict:
    found = {}
    for path in sorted(kernels.kernel_dir().glob("*.c")):
        for name, args in SIGNATURE.findall(path.read_text()):
            params = []
            for arg in (a.strip() for a in args.split(",")):
                kind = "ptr" if "*" in arg else ("real" if re.search(r"\breal\b", arg) else
                                                 "f64" if re.search(r"\bdouble\b", arg) else "u32")
                params.append((re.findall(r"\w+", arg)[-1], kind))
            found[name] = (path.name, params)
    return found


def test_every_kernel_is_in_the_manifest_and_back():
    assert source_signatures() == kernels.MANIFEST


def generated_models():
    """(generated code, switches) of the generic neuron kernel for models that use each
    integrator and printed construct: exact (alpha synapses), rk4 with exp and minimum,
    exponential Euler (phi1), noise with rand() and int(), a discrete map; one with
    compiled-in parameters."""
    from snnkit.modeling import EquationModel, library
    from snnkit.modeling.codegen_c import ModelSource
    gates = EquationModel("""
        dv/dt = (g_na*m*m*m*(e_na - v) + g_l*(e_l - v))/cm : mV
        dm/dt = alpha*(1 - m) - beta*m : 1
        alpha = k_a*(v_a - v)/(exp((v_a - v)/s_a) - 1) : 1/ms
        beta = k_b*(v - v_b)/(exp((v - v_b)/s_b) - 1) : 1/ms
    """, threshold="v > e_l", parameters={"g_na": (20.0, "uS"), "e_na": (50.0, "mV"), "g_l": (0.01, "uS"),
                                          "e_l": (-60.0, "mV"), "cm": (0.2, "nF"), "k_a": (0.32, "1/(ms*mV)"),
                                          "v_a": (-50.0, "mV"), "s_a": (4.0, "mV"), "k_b": (0.28, "1/(ms*mV)"),
                                          "v_b": (-23.0, "mV"), "s_b": (5.0, "mV")},
        method="exponential_euler", name="gates")
    noisy = EquationModel("dv/dt = -v/tau + sigma*xi/sqrt(tau) + sigma*xi_2/sqrt(tau) : mV",
                          threshold="v > sigma and rand() < 0.5", reset="v = 0*mV + int(rand() < 0.1)*sigma",
                          parameters={"tau": (10.0, "ms"), "sigma": (1.0, "mV")}, name="noisy")
    models = [library.IF_curr_alpha(), library.EIF_cond_exp_isfa_ista(), gates, noisy,
              library.SpikingJellyLIF()]
    out = [(ModelSource.standalone(m, 0.1).text, ()) for m in models]
    shared = ModelSource.standalone(library.IF_curr_alpha(), 0.1)
    out.append((shared.text, kernels.shared_switches({f"MP_{p}": 1.5 for p in shared.parameters}, 3, "float")))
    return out


def generated_synapses():
    """The generated event code of synapse models that use each construct: coupled
    event-driven variables (Tsodyks, per synapse and held per presynaptic neuron),
    on_post with pow and int(==) and traces held per neuron on both sides (STDP),
    rand() (stochastic release), neuron variables read (v_post)."""
    from snnkit.modeling import synapse_library as lib
    from snnkit.modeling.codegen_synapse_c import SynapseSource
    from snnkit.modeling.synapse_model import SynapseModel
    reads = SynapseModel("z : mV", on_pre="z = v_post; delivered = w*int(v_pre > v_post)", on_post="z = z + v_pre",
                         name="reads")
    # an update every step and summed variables (NMDA-like saturation, gap junctions)
    coupled = SynapseModel("g : 1\nx : 1", on_pre="x += 1; delivered = 0*w",
                           update="_g = g + dt*(x*(1 - g) - g)/(5*ms); g = _g; x = x*0.99",
                           summed={"v": "w*g", "z": "w*(v_pre - v_post)/nA"}, name="coupled")
    out = []
    for model, units in ((lib.TsodyksSynapse(), {}), (lib.STDPSynapse(), {}), (lib.SimpleStochasticSynapse(), {}),
                         (reads, {"v": parse_unit("mV")}),
                         (coupled, {"v": parse_unit("nA"), "z": parse_unit("nA")})):
        bound = model.bind("nA", units, units)
        layouts = [bound.layout(), bound.layout(*bound.held_candidates)]
        for layout in layouts[:1 if not layouts[1].per_neuron else 2]:
            out.append(SynapseSource(layout, 0.1, sorted(model.specs)).text)
    return out


def variants(backend_switches=()):
    """Every kernel with each tested set of switches, plus a backend's own (the CUDA
    backend compiles with DEVICE_CLOCK: kernels/clock.h), and the generated code of a
    model where the kernel takes it: (name, file, switches, generated)."""
    for name, (file, _) in kernels.MANIFEST.items():
        if file == "neuron.c":
            for generated, switches in generated_models():
                yield name, file, tuple(switches) + tuple(backend_switches), generated
            continue
        if file == "synapse.c":
            for generated in generated_synapses():
                yield name, file, tuple(backend_switches), generated
            continue
        for switches in (LIF_VARIANTS if file == "lif.c" else [()]):
            yield name, file, tuple(switches) + tuple(backend_switches), ""


def test_assembled_source_points_errors_at_the_kernel_files():
    text = kernels.assemble("lif.c", "opencl", "float", ("SYN_DELTA",))
    for marker in ('#line 1 "kernels/prelude_opencl.h"', '#line 1 "kernels/philox.h"',
                   '#line 1 "kernels/lif.c"'):
        assert marker in text


@pytest.mark.parametrize("real, dtype", [("float", np.float32), ("double", np.float64)])
def test_shared_parameters_compile_in_with_the_same_bits(real, dtype):
    values = dtype([-65.0, 0.1, 1 / 3, 0.9950124791926823, 1e-30, -0.0])
    for value in values:
        text = kernels.literal(value, real)
        assert dtype(float.fromhex(text.strip("()").rstrip("f"))) == value
    names = kernels.LIF_PARAMS[:len(values)]
    switches = kernels.shared_parameter_switches(np.resize(values, len(kernels.LIF_PARAMS)), 7, real)
    assert "PARAMS_SHARED" in switches and "SHARED_REFRAC_STEPS=7" in switches
    assert f"SHARED_P_{names[2].upper()}={kernels.literal(values[2], real)}" in switches
    text = kernels.definitions(real, switches)
    assert "#define SHARED_REFRAC_STEPS 7" in text and "#define PARAMS_SHARED 1" in text


def test_non_finite_shared_parameters_stay_in_memory():
    values = np.zeros(len(kernels.LIF_PARAMS))
    values[kernels.LIF_PARAMS.index("v_thresh")] = np.inf
    assert kernels.shared_parameter_switches(values, 0, "float") == ()


def test_dump_kernels(tmp_path, monkeypatch):
    monkeypatch.setenv("SNNKIT_DUMP_KERNELS", str(tmp_path))
    kernels.assemble("propagate.c", "cuda")
    (dumped,) = tmp_path.glob("propagate.cuda.*.cu")
    assert "KERNEL void propagate" in dumped.read_text()


@pytest.mark.skipif(BACKENDS["opencl"].unavailable_reason() is not None,
                    reason=f"OpenCL: {BACKENDS['opencl'].unavailable_reason()}")
@pytest.mark.parametrize("real", ["float", "double"])
def test_every_kernel_builds_for_opencl(real):
    backend = BACKENDS["opencl"](dtype="float32" if real == "float" else "float64")
    for name, _, switches, generated in variants():
        kernel = backend.kernel(name, switches, generated)
        assert kernel.num_args == len(kernels.MANIFEST[name][1])


@pytest.mark.skipif(shutil.which("nvcc") is None, reason="nvcc not installed: CUDA dialect not compiled")
def test_every_kernel_compiles_in_the_cuda_dialect(tmp_path):
    files, seen = [], set()
    for i, (name, file, switches, generated) in enumerate(variants(("DEVICE_CLOCK",))):
        if (file, switches, generated) in seen:
            continue                                      # same source as an earlier entry
        seen.add((file, switches, generated))
        path = tmp_path / f"{i}_{name}.cu"
        path.write_text(kernels.assemble(file, "cuda", "float", switches, generated))
        files.append(path)
    def compile_one(path):
        return path, subprocess.run(["nvcc", "--ptx", "--fmad=false", "-arch=sm_80", "-o",
                                     str(path.with_suffix(".ptx")), str(path)], capture_output=True, text=True)
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:     # (nvcc runs are independent)
        for path, result in pool.map(compile_one, files):
            assert result.returncode == 0, f"{path.name}:\n{result.stderr}"
            assert "warning" not in result.stderr, f"{path.name}:\n{result.stderr}"


def nvrtc_or_skip():
    try:
        from cupy_backends.cuda.libs import nvrtc
        nvrtc.getVersion()
    except Exception as err:                              # not installed, no libnvrtc
        pytest.skip(f"NVRTC (CuPy's compiler) unavailable: {type(err).__name__}: {err}")
    return nvrtc


@pytest.mark.parametrize("real", ["float", "double"])
def test_every_kernel_compiles_with_nvrtc(real):
    """What CupyBackend does at run time, minus the GPU: NVRTC has fewer implicit
    headers than nvcc, so compile each variant with it too (needs no driver)."""
    nvrtc = nvrtc_or_skip()
    for name, file, switches, generated in variants(("DEVICE_CLOCK",)):
        program = nvrtc.createProgram(kernels.assemble(file, "cuda", real, switches, generated), f"{name}.cu",
                                      [], [])
        try:
            nvrtc.compileProgram(program, ["--fmad=false", "--gpu-architecture=compute_80"])
        except Exception as err:
            pytest.fail(f"{name} {switches}: {err}\n{nvrtc.getProgramLog(program)}")
