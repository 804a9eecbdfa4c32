"""Step programs: many whole steps of a network in ONE launch (kernels/program.h).

Launched step by step, a small network is bound by launch cost, not arithmetic:
CUBA 4k is 2 launches a step on OpenCL/PoCL (about 10 us each), more than its
neuron updates and synaptic events cost. A step program is one kernel, run by
one work-group, that loops over K steps and, in each, calls every op of the
step as a function, a barrier after each: the same op files, the same
arithmetic in the same order, so the spikes and state are those of the per-step
launches bit for bit.

The program is generated from the launches of the ops themselves: two
consecutive steps are recorded (nothing runs, ``BoundKernel`` notes its
arguments); each launch must be a kernel programs know (``PROGRAM_KERNELS``) and
the two steps must differ only in each launch's step. Every scalar is then
compiled in as a literal (the compiler specialises on sizes and flags, and the
kernel's parameter list holds only buffers: kernels/program.h), and the step
of launch j is k + c_j. A launch of G work-groups becomes G virtual groups run in
turn; the spike-list consumers stride over their list (``STRIDED``), so one
virtual group runs them whatever their length.

Whether a network runs as a program or step by step is decided in
snnkit/step_sequences.py (``StepSequences``).
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from .. import kernels

# op kernels a step program can call (each starts its parameters with PROGRAM_IDS)
PROGRAM_KERNELS = {"lif_step", "poisson_step", "propagate", "trace_decay", "stdp_on_pre", "stdp_on_post",
                   "trace_jump", "count_spikes"}
# kernels whose work-items stride over all their work: one virtual group does it all
STRIDED = {"propagate", "stdp_on_pre", "stdp_on_post", "trace_jump", "count_spikes"}
# kernels with a barrier between two phases (PHASE(1), PHASE(2): kernels/program.h),
# whose phase 2 does nothing where the flag in slot 0 is 0 (kernels/propagate.h)
TWO_PHASES = {"lif_step", "poisson_step"}
STEP_MASK = 0xFFFFFFFF


class Launch(NamedTuple):
    """One recorded launch: the kernel (manifest name), how it was compiled, its
    arguments in signature order and its global size (work-items)."""
    name: str
    switches: tuple
    generated: str
    values: tuple
    global_size: int


class ProgramOp(NamedTuple):
    launch: Launch
    step_shift: int             # the launch's step is k + step_shift (mod 2^32)


def plan(first_step: list, second_step: list, first: int, buffer_key) -> tuple[list, str | None]:
    """The ops of a step program from the launches recorded for steps ``first`` and
    ``first + 1``, or ([], why not). buffer_key(value): a buffer's identity."""
    if not first_step:
        return [], "a step launches nothing"
    if len(first_step) != len(second_step):
        return [], "consecutive steps launch different kernels"
    ops = []
    for a, b in zip(first_step, second_step):
        if a.name not in PROGRAM_KERNELS:
            return [], f"kernel {a.name} cannot run in a step program yet (snnkit/backends/device_program.py)"
        if (a.name, a.switches, a.generated, a.global_size) != (b.name, b.switches, b.generated, b.global_size):
            return [], f"consecutive steps launch {a.name} differently"
        shift = 0
        for (param, kind), x, y in zip(kernels.MANIFEST[a.name][1], a.values, b.values):
            if param == "step_offset":
                if (int(y) - int(x)) & STEP_MASK != 1:
                    return [], f"{a.name} is launched for other steps than the step's own"
                shift = (int(x) - first) & STEP_MASK
            elif (buffer_key(x) != buffer_key(y)) if kind == "ptr" else (x != y):
                return [], f"{a.name}'s argument {param} changes from step to step"
        ops.append(ProgramOp(a, shift))
    return ops, None


def scalar_literal(value, kind: str, real: str) -> str:
    """A scalar argument as a C literal of the kernel's type (exact: hexadecimal floats)."""
    if kind == "u32":
        return f"{int(value) & STEP_MASK}u"
    c_type = real if kind == "real" else "double"
    x = float(value)
    if math.isnan(x):
        raise ValueError("a NaN argument cannot be compiled in")
    if math.isinf(x):
        return f"({'-' if x < 0 else ''}({c_type})INFINITY)"
    return kernels.literal(x, c_type)


def _defined_macros(text: str) -> list[str]:
    return sorted(set(re.findall(r"^\s*#\s*define\s+(\w+)", text, flags=re.M)))


def _variant(index: int, file: str, switches: tuple) -> str:
    """One op file, compiled with its switches, its kernels renamed <name>_v<index>;
    everything it defines is undefined after it."""
    text = kernels.op_source(file)
    names = [name for name, (f, _) in kernels.MANIFEST.items() if f == file]
    lines = kernels.switch_defines(switches)
    defined = [switch.partition("=")[0] for switch in switches]
    lines += [f"#define {name} {name}_v{index}" for name in names]
    lines += [text, '#line 1 "snnkit/backends/device_program.py (after an op file)"']
    lines += [f"#undef {name}" for name in defined + names + _defined_macros(text)]
    return "\n".join(lines)


def _calls(function: str, launch: Launch, args: str, serial: bool) -> str:
    """The calls that run one launch: its work-groups as virtual groups in turn; on CPUs
    (serial) each work-item of each, phase by phase (kernels/program.h)."""
    strided = launch.name in STRIDED
    groups = 1 if strided else -(-launch.global_size // kernels.GROUP_SIZE)
    if not serial:
        return (f"        for (u32 g_ = 0; g_ < {groups}u; ++g_) {{\n"
                f"            {function}(g_ * GROUP_SIZE, g_, {groups}u, scratch_, {args});\n"
                "            BARRIER_ALL();\n        }")
    if strided:                                   # one work-item strides over it all
        return f"        {function}(0u, 0u, 1u, 1u, 0u, 0u, scratch_, {args});"
    call = f"{function}(g_ * GROUP_SIZE, g_, {groups}u, GROUP_SIZE, l_, %su, scratch_, {args});"
    if launch.name not in TWO_PHASES:
        return (f"        for (u32 g_ = 0; g_ < {groups}u; ++g_)\n"
                f"            for (u32 l_ = 0; l_ < GROUP_SIZE; ++l_)\n                {call % 0}")
    # phase 2 acts only where the flag in slot 0 of scratch_ is set (kernels/propagate.h):
    # the flags are scanned 8 at a time, loaded as phase 1's vector loop stored them
    # (a narrower load of a vector store still in flight stalls: 1.3 ns a flag, measured)
    return (f"        for (u32 g_ = 0; g_ < {groups}u; ++g_) {{\n"
            f"            for (u32 l_ = 0; l_ < GROUP_SIZE; ++l_)\n                {call % 1}\n"
            "            for (u32 l8_ = 0; l8_ < GROUP_SIZE; l8_ += 8u)\n"
            "                if ((scratch_[l8_] | scratch_[l8_ + 1u] | scratch_[l8_ + 2u] | scratch_[l8_ + 3u]\n"
            "                     | scratch_[l8_ + 4u] | scratch_[l8_ + 5u] | scratch_[l8_ + 6u] | scratch_[l8_ + 7u]) != 0u)\n"
            "                    for (u32 l_ = l8_; l_ < l8_ + 8u; ++l_)\n"
            f"                        if (scratch_[l_]) {call % 2}\n        }}")


def program_source(ops: list, dialect: str, real: str, backend_switches: tuple, buffer_key) -> tuple[str, list]:
    """The source of kernel ``step_program(k0, n_steps, b0, b1, ...)`` running steps
    k0 .. k0 + n_steps - 1 of ``ops``, and the buffers b0, b1, ... it takes."""
    serial = "SERIAL_ROWS" in backend_switches
    variants: dict = {}
    buffers: list = []
    slot: dict = {}
    calls = []
    for number, (launch, shift) in enumerate(ops):
        key = (kernels.MANIFEST[launch.name][0], launch.switches)
        if launch.generated:
            raise ValueError(f"{launch.name} with generated code cannot run in a step program yet")
        variant = variants.setdefault(key, len(variants))
        args = []
        for (param, kind), value in zip(kernels.MANIFEST[launch.name][1], launch.values):
            if param == "step_offset":
                args.append(f"k + {shift}u" if shift else "k")
            elif kind == "ptr":
                identity = buffer_key(value)
                if identity not in slot:
                    slot[identity] = len(buffers)
                    buffers.append(value)
                args.append(f"ANY_POINTER(b{slot[identity]})")
            else:
                args.append(scalar_literal(value, kind, real))
        calls.append(f"        /* {number}: {launch.name} */\n"
                     + _calls(f"{launch.name}_v{variant}", launch, ", ".join(args), serial))
    switches = tuple(s for s in backend_switches if s != "DEVICE_CLOCK")
    parts = [kernels.common_headers(dialect, real, switches, program=True)]
    parts += [_variant(index, file, sw) for (file, sw), index in variants.items()]
    params = ", ".join(["const u32 k0", "const u32 n_steps"] + [f"GLOBAL void* RESTRICT b{i}" for i in range(len(buffers))])
    parts.append('#line 1 "snnkit/backends/device_program.py (the step program)"\n'
                 f"ENTRY void step_program({params})\n{{\n"
                 "    PROGRAM_SCRATCH u32 scratch_[PROGRAM_SCRATCH_WORDS];\n"
                 "    for (u32 j_ = 0; j_ < n_steps; ++j_) {\n        const u32 k = k0 + j_;\n"
                 + "\n".join(calls) + "\n    }\n}\n")
    return "\n".join(parts), buffers


def build(backend, issue_step, first: int, force: bool = False):
    """The step program of the steps ``issue_step(k)`` issues, compiled on ``backend``
    (which supplies record_launches, buffer_key, step_program_why_not and
    compile_step_program), or (None, why not). ``force``: whatever the network's size
    (else above the backend's crossover, ``step_program_why_not``, it is not built)."""
    shift = backend.clock_value if backend.device_clock else 0     # a launch's step: offset + clock

    def recorded(k):
        return [launch._replace(values=_true_steps(launch, shift)) for launch in
                backend.record_launches(lambda: issue_step(k))]
    ops, why_not = plan(recorded(first), recorded(first + 1), first, backend.buffer_key)
    if why_not:
        return None, why_not
    try:
        source, buffers = program_source(ops, backend.dialect, backend.real, backend.all_switches(),
                                         backend.buffer_key)
    except ValueError as err:
        return None, str(err)
    neurons = sum(op.launch.global_size * update_cost(op.launch) for op in ops
                  if op.launch.name in ("lif_step", "poisson_step"))
    why_not = backend.step_program_why_not(len(buffers), 0 if force else neurons)
    if why_not:
        return None, why_not
    kernels.dump_source(source, "step_program", backend.dialect)
    return backend.compile_step_program(source, buffers), None


def update_cost(launch: Launch) -> int:
    """A neuron update's cost in CUBA-LIF updates, for the crossover: the exact
    conductance update's exp costs about 8 in double (a libm call, kernels/lif.c:
    COBA 4000 ran 0.94x as fast as a program as on two cores) and about 2 in float32
    (exp_f32.h, vectorised: COBA 4000 took 15.9 us a step as a program, CUBA 4000 8.3;
    benchmarks/results/step_program_*)."""
    if "SYN_COND_EXP" not in launch.switches or "METHOD_EULER" in launch.switches:
        return 1
    return 2 if "EXP_F32" in launch.switches else 8


def _true_steps(launch: Launch, shift: int) -> tuple:
    """The launch's values with step_offset made the step itself (with a device clock,
    a launch adds the clock's value to its offset: kernels/clock.h)."""
    if not shift:
        return launch.values
    index = [p for p, _ in kernels.MANIFEST[launch.name][1]].index("step_offset")
    values = list(launch.values)
    values[index] = (int(values[index]) + shift) & STEP_MASK
    return tuple(values)
