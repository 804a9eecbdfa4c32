"""The codes of kernels/nengo.h (stage kinds NK_*, neuron types NT_*, filter steps NF_*,
STAGE_WORDS, FILTER_MAX_ORDER), read from the header so that it stays their one source."""

from __future__ import annotations

import re

from snnkit import kernels

_text = (kernels.kernel_dir() / "nengo.h").read_text()
CODES: dict[str, int] = {name: int(value) for name, value in
                         re.findall(r"^#define ((?:NK|NT|NF)_\w+|STAGE_WORDS|FILTER_MAX_ORDER) (\d+)u", _text, re.M)}
globals().update(CODES)

# nengo neuron type name -> NT_ code (the types with a kernel; others run on the host)
NEURON_TYPES = {"LIF": CODES["NT_LIF"], "LIFRate": CODES["NT_LIF_RATE"],
                "RectifiedLinear": CODES["NT_RECTIFIED_LINEAR"],
                "SpikingRectifiedLinear": CODES["NT_SPIKING_RECTIFIED_LINEAR"],
                "Sigmoid": CODES["NT_SIGMOID"], "Tanh": CODES["NT_TANH"]}
