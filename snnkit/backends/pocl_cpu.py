"""Name the CPU for PoCL when its LLVM cannot.

The PoCL on PyPI (``pocl-binary-distribution`` 3.0, what ``pyopencl[pocl]`` installs)
bundles LLVM 14, whose host detection names no x86 CPU newer than Zen 3 and Ice Lake:
on a Zen 4/5 or a later Intel part it says "generic", PoCL passes ``-target-cpu
generic`` to clang, which x86 does not accept, and every program build fails ("unknown
target CPU 'generic'"). PoCL 3.0 has no option to override the name (later versions
read POCL_LLVM_CPU_NAME), so before PoCL initialises its devices we replace its
exported ``pocl_get_llvm_cpu_name`` with one that returns the name of the kernel
library variant PoCL picks for this CPU's features (the same choice, by the same flags:
the code it links against is compiled for that CPU). Nothing changes where LLVM knows
the CPU, where PoCL is not the bundled one, or with SNNKIT_POCL_CPU=keep; SNNKIT_POCL_CPU
set to an LLVM CPU name forces that name.
"""

from __future__ import annotations

import ctypes
import glob
import logging
import mmap
import os

log = logging.getLogger("snnkit")

_done = False
_keep = []                      # the replacement (a ctypes callback) lives as long as the process

# PoCL's distro kernel library variants, best first: (cpu flags needed, LLVM CPU name)
VARIANTS = (({"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"}, "skylake-avx512"),
            ({"avx2", "fma", "bmi2"}, "haswell"),
            ({"avx", "fma4"}, "bdver1"),
            ({"avx", "f16c"}, "ivybridge"),
            ({"avx"}, "sandybridge"),
            ({"sse4_1"}, "penryn"),
            (set(), "x86-64"))


def cpu_flags() -> set:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def variant_cpu(flags: set) -> str:
    return next(name for needed, name in VARIANTS if needed <= flags)


def name_cpu_for_pocl() -> str | None:
    """Apply the replacement if needed (once, before the first OpenCL platform query);
    returns the CPU name given to PoCL, or None where nothing was changed."""
    global _done
    if _done:
        return None
    _done = True
    wanted = os.environ.get("SNNKIT_POCL_CPU", "")
    if wanted == "keep" or os.uname().machine != "x86_64":
        return None
    try:
        import pyopencl
    except ImportError:
        return None
    found = glob.glob(os.path.join(os.path.dirname(pyopencl.__file__), ".libs", "libpocl*.so*"))
    if not found:
        return None
    try:
        pocl = ctypes.CDLL(found[0])           # the library the ICD loader will open (same handle)
        libc = ctypes.CDLL(None)
        original = pocl.pocl_get_llvm_cpu_name
    except (OSError, AttributeError):
        return None
    libc.strdup.restype, libc.strdup.argtypes = ctypes.c_void_p, [ctypes.c_char_p]
    libc.free.argtypes = [ctypes.c_void_p]
    libc.mprotect.restype, libc.mprotect.argtypes = ctypes.c_int, [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    original.restype = ctypes.c_void_p
    pointer = original()
    detected = ctypes.string_at(pointer).decode() if pointer else "generic"
    libc.free(pointer)
    if detected != "generic" and not wanted:
        return None
    name = (wanted or variant_cpu(cpu_flags())).encode()
    replacement = ctypes.CFUNCTYPE(ctypes.c_void_p)(lambda: libc.strdup(name))
    _keep.append(replacement)
    entry = ctypes.cast(original, ctypes.c_void_p).value
    target = ctypes.cast(replacement, ctypes.c_void_p).value
    jump = b"\x48\xb8" + target.to_bytes(8, "little") + b"\xff\xe0"       # movabs rax, target; jmp rax
    page = entry & ~(mmap.PAGESIZE - 1)
    span = entry + len(jump) - page
    if libc.mprotect(page, span, 7) != 0:                                     # read, write, execute
        log.warning("PoCL's LLVM does not know this CPU and its code could not be patched: "
                    "OpenCL programs will not build here")
        return None
    ctypes.memmove(entry, jump, len(jump))
    libc.mprotect(page, span, 5)                                              # read, execute
    log.info("PoCL's LLVM names this CPU %r; PoCL builds for %r instead", detected, name.decode())
    return name.decode()
