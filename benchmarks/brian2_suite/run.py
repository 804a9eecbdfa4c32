"""Brian2's own test suite against the snnkit device, as brian2genn and brian2cuda are tested:

    python benchmarks/brian2_suite/run.py [numpy|opencl|cupy] [pytest args...]

Runs ``brian2.test([], test_codegen_independent=False, test_standalone="snnkit")``:
the suite's standalone-compatible tests (single run, then multiple runs), with the
device's backend set by the first argument. A test that raises NotImplementedError
(a feature snnkit_brian2 refuses, named in the message) counts as skipped, as for
brian2genn (``fail_for_not_implemented=False``); ``-rs`` lists them with the reason.
"""

import sys

import brian2
import snnkit_brian2  # noqa: F401  (registers the device)

backend = sys.argv[1] if len(sys.argv) > 1 else "numpy"
extra = sys.argv[2:]
# brian2.test's build_options reach device.build(), which has nothing to build: the
# backend is set on the device itself (set_device keeps options it is not given)
snnkit_brian2.snnkit_device.options["backend"] = backend
ok = brian2.test([], test_codegen_independent=False, test_standalone="snnkit",
                 build_options={"backend": backend}, fail_for_not_implemented=False,
                 additional_args=["-p", "no:cacheprovider", "-q", "-rs"] + extra)
sys.exit(0 if ok else 1)
