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
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger("snnkit")

SEQUENCE_STEPS = 64          # steps per captured sequence (at most; see StepSequences.steps)


class StepSequences:
    """Decides whether a Simulator's steps can run in captured sequences, captures the
    sequence on first use and replays it."""

    def __init__(self, backend, step_ops: list, spike_records: list, why_not: str | None):
        self.backend, self.step_ops, self.spike_records = backend, step_ops, spike_records
        self.sequence = None
        self.steps = 0
        self.warm = False            # a step ran op by op since the last (re)binding of a kernel
        if why_not is None and os.environ.get("SNNKIT_STEP_SEQUENCES", "1") == "0":
            why_not = "SNNKIT_STEP_SEQUENCES=0"
        if why_not is None and not hasattr(backend, "replay"):
            why_not = f"the {backend.name} backend runs each step on the host"
        if why_not is None and not getattr(backend, "device_clock", False):
            why_not = f"the {backend.name} backend runs without a device clock (kernels/clock.h)"
        if why_not is None:
            self.steps = min([SEQUENCE_STEPS] + [r.steps_per_pull for r in spike_records])
        self.why_not = why_not

    def can_run(self, n_steps: int) -> bool:
        """Whether the next n_steps steps can be one sequence: n_steps is the sequence
        length, and a step has run one by one since a kernel was last bound (``warm``:
        every kernel is bound, every buffer allocated; nothing may be allocated while
        capturing)."""
        return self.steps > 0 and n_steps >= self.steps and self.warm

    def invalidate(self) -> None:
        """A kernel was bound again (snnkit.parameters): capture anew, after a step op by op."""
        self.sequence = None
        self.warm = False

    def run(self, first: int) -> int:
        """Run steps first .. first + steps - 1; return how many ran (0: capturing failed,
        and from now on every step runs one by one)."""
        if self.sequence is None and not self._capture(first):
            return 0
        for record in self.spike_records:
            record.make_room(self.steps)
        self.backend.replay(self.sequence, first)
        for record in self.spike_records:
            record.steps_done(self.steps)
        return self.steps

    def _capture(self, first: int) -> bool:
        def issue_steps():
            for k in range(first, first + self.steps):
                for op in self.step_ops:
                    op(k)
        try:
            self.sequence = self.backend.capture_steps(issue_steps, first, self.steps)
        except Exception as err:                     # a driver that cannot capture: launch step by step
            log.warning("snnkit: capturing %d steps on %s failed (%s: %s); running step by step",
                        self.steps, self.backend.name, type(err).__name__, err)
            self.sequence = None
        if self.sequence is None:
            self.steps, self.why_not = 0, self.why_not or "the backend could not capture"
            return False
        log.info("snnkit: steps run in captured sequences of %d on %s", self.steps, self.backend.name)
        return True
