"""Steps in captured sequences: K steps launched as one CUDA graph (CuPy) or one
replayed launch list (OpenCL) instead of K times every step op.

With a device clock (kernels/clock.h: CuPy; OpenCL with device_clock=True)
every stepped kernel reads its step from the device's step clock: captured
once for steps k0 .. k0 + K - 1 with offsets 0 .. K - 1 and ending with
clock_tick(K), the same sequence runs any K consecutive steps. On a GPU this is what keeps a small network from being bound
by launch overhead (DESIGN.md: no host work inside the step loop).

A simulation captures only when every step op is a device launch that the clock
describes completely:
- spike records: their producers append on the device; the host pulls them
  between sequences (``make_room``), so K is at most the steps a buffer holds;
- not with state monitors (the host picks each sample's buffer row) or
  SpikeTimes sources (the host looks up each step's events): those run step by
  step, as does any remainder shorter than K.
SNNKIT_STEP_SEQUENCES=0 turns capturing off (every step launched one by one).

Step programs (snnkit/backends/device_program.py, OpenCL): up to PROGRAM_STEPS
whole steps in one launch of one work-group, any number of steps at a time, no
device clock needed. One work-group is one core of a CPU (one SM of a GPU), so a
program wins while the network is small enough that launch cost dominates: the
backend's measured crossover decides (``step_program_why_not``: neurons x batch
updated per step) rules out large networks; below it, on a device of several
compute units, the first TRIAL_STEPS steps run step by step and the next TRIAL_STEPS
as a program, timed, and the faster way runs the rest (a synapse-heavy network such
as Brunel's spends its time propagating, which launches spread over all cores).
SNNKIT_STEP_PROGRAM=1 / 0 forces programs on / off, untimed.
``mode`` says which ran ("program", "graph" or None: step by step), ``why_not``
why not the faster one.
"""

from __future__ import annotations

import logging
import os
import time

log = logging.getLogger("snnkit")

SEQUENCE_STEPS = 64          # steps per captured sequence (at most; see StepSequences.steps)
PROGRAM_STEPS = 1000         # steps per step-program launch (at most): ~10 ms of a small network
TRIAL_STEPS = 200            # steps timed each way before choosing between programs and launches


class StepSequences:
    """Decides how a Simulator's steps run: in step programs, in captured sequences, or
    step by step; builds the program or captures the sequence on first use."""

    def __init__(self, backend, step_ops: list, spike_records: list, why_not: str | None):
        self.backend, self.step_ops, self.spike_records = backend, step_ops, spike_records
        self.sequence = self.program = None
        self.steps = 0
        self.mode = None             # "program", "graph", or None: step by step
        self.warm = False            # a step ran op by op since the last (re)binding of a kernel
        if why_not is None and os.environ.get("SNNKIT_STEP_SEQUENCES", "1") == "0":
            why_not = "SNNKIT_STEP_SEQUENCES=0"
        self.pull_steps = min([getattr(r, "steps_per_pull", PROGRAM_STEPS) for r in spike_records],
                              default=PROGRAM_STEPS)
        self.force_program = os.environ.get("SNNKIT_STEP_PROGRAM")
        self.trial = None            # while timing both ways: {"phase": "steps" | "program", ...}
        self.measured_us = {}        # microseconds a step, each way timed ("steps", "program")
        if why_not is None and hasattr(backend, "compile_step_program") and self.force_program != "0":
            self.mode, self.steps, self.why_not = "program", min(PROGRAM_STEPS, self.pull_steps), None
            if self.force_program != "1" and getattr(backend, "compute_units", 1) > 1:
                self.trial = {"phase": "steps", "counted": -1, "start": 0.0}
        else:
            self._graph_mode(why_not)

    def _graph_mode(self, why_not: str | None) -> None:
        """Captured sequences where the backend can replay them, else step by step."""
        if why_not is None and not hasattr(self.backend, "replay"):
            why_not = f"the {self.backend.name} backend runs each step on the host"
        if why_not is None and not getattr(self.backend, "device_clock", False):
            why_not = f"the {self.backend.name} backend runs without a device clock (kernels/clock.h)"
        self.mode = None if why_not else "graph"
        self.steps = 0 if why_not else min(SEQUENCE_STEPS, self.pull_steps)
        self.why_not = why_not

    def can_run(self, n_steps: int) -> bool:
        """Whether the next n_steps steps (or the first of them, for a program) can run
        in one launch: a step has run one by one since a kernel was last bound (``warm``:
        every kernel is bound, every buffer allocated; nothing may be allocated while
        capturing)."""
        if self.trial is not None and self.trial["phase"] == "steps":
            return False
        return self.steps > 0 and self.warm and n_steps >= (1 if self.mode == "program" else self.steps)

    def stepped(self, k: int) -> None:
        """Step k ran op by op (the Simulator's loop). While timing launches, the steps
        after the first (which binds every kernel) are counted; after that first one
        the program is built (or found too large: ``why_not``)."""
        self.warm = True
        trial = self.trial
        if trial is None or trial["phase"] != "steps":
            return
        if trial["counted"] < 0:
            if self.program is None and not self._build_program(k + 1):
                self.trial = None
                return
            self.backend.synchronize()
            trial["start"] = time.perf_counter()
        trial["counted"] += 1
        if trial["counted"] == TRIAL_STEPS:
            self.backend.synchronize()
            self.measured_us["steps"] = (time.perf_counter() - trial["start"]) / TRIAL_STEPS * 1e6
            trial["phase"] = "program"

    def invalidate(self) -> None:
        """A kernel was bound again (snnkit.parameters): build or capture anew, after a step op by op."""
        self.sequence = self.program = None
        self.warm = False

    def run(self, first: int, available: int | None = None) -> int:
        """Run steps from ``first`` on, at most ``available`` of them (a program runs any
        number up to ``steps``; a sequence exactly ``steps``); return how many ran (0:
        building or capturing failed, and the next call uses what is left)."""
        if self.mode == "program":
            if self.program is None and not self._build_program(first):
                return 0
            n_steps = self.steps if available is None else min(self.steps, available)
            if self.trial is not None:
                return self._timed_program(first, min(n_steps, TRIAL_STEPS))
            return self._recorded(n_steps, lambda: self.program.run(first, n_steps))
        if self.sequence is None and not self._capture(first):
            return 0
        return self._recorded(self.steps, lambda: self.backend.replay(self.sequence, first))

    def _timed_program(self, first: int, n_steps: int) -> int:
        """Run n_steps as a program, timed; with enough of them, keep the faster way.
        Its first launch runs one step untimed, so that one-time work of a first launch
        (a driver may finish building the kernel there) is not counted against it."""
        if not self.trial.get("program_warm"):
            self.trial["program_warm"] = True
            return self._recorded(1, lambda: self.program.run(first, 1))
        self.backend.synchronize()
        start = time.perf_counter()
        ran = self._recorded(n_steps, lambda: self.program.run(first, n_steps))
        self.backend.synchronize()
        if n_steps < TRIAL_STEPS // 2:               # too few to time (a schedule change is near)
            return ran
        program_us = self.measured_us["program"] = (time.perf_counter() - start) / n_steps * 1e6
        steps_us, self.trial = self.measured_us["steps"], None
        log.info("snnkit: %.1f us a step launched step by step, %.1f as a step program", steps_us, program_us)
        if steps_us < program_us:
            self._without_program(f"measured {steps_us:.1f} us a step launched step by step, "
                                  f"{program_us:.1f} as a program")
        return ran

    def _without_program(self, why_not: str) -> None:
        """Drop step programs (why_not says why) for captured sequences or single steps."""
        self.program = None
        self._graph_mode(None)
        self.why_not = f"no step program: {why_not}" + (f"; {self.why_not}" if self.why_not else "")
        log.info("snnkit: %s", self.why_not)

    def _recorded(self, n_steps: int, launch) -> int:
        for record in self.spike_records:
            record.make_room(n_steps)
        launch()
        for record in self.spike_records:
            record.steps_done(n_steps)
        return n_steps

    def _issue_step(self, k: int) -> None:
        for op in self.step_ops:
            op(k)

    def _build_program(self, first: int) -> bool:
        from .backends import device_program
        try:
            self.program, why_not = device_program.build(self.backend, self._issue_step, first,
                                                         force=self.force_program == "1")
        except Exception as err:                     # a compiler that rejects it: the other modes
            log.warning("snnkit: building the step program on %s failed (%s: %s)", self.backend.name,
                        type(err).__name__, err)
            self.program, why_not = None, f"the step program failed to build ({type(err).__name__})"
        if self.program is None:
            self._without_program(why_not)
            return False
        log.info("snnkit: steps run in step programs of up to %d on %s", self.steps, self.backend.name)
        return True

    def _capture(self, first: int) -> bool:
        try:
            self.sequence = self.backend.capture_steps(lambda: [self._issue_step(k) for k in
                                                                range(first, first + self.steps)],
                                                       first, self.steps)
        except Exception as err:                     # a driver that cannot capture: launch step by step
            log.warning("snnkit: capturing %d steps on %s failed (%s: %s); running step by step",
                        self.steps, self.backend.name, type(err).__name__, err)
            self.sequence = None
        if self.sequence is None:
            self.steps, self.why_not, self.mode = 0, self.why_not or "the backend could not capture", None
            return False
        log.info("snnkit: steps run in captured sequences of %d on %s", self.steps, self.backend.name)
        return True
