"""Equation-defined models on a device backend: the generic neuron kernel
(kernels/neuron.c) with the model's generated code (snnkit/modeling/codegen_c.py).

A group's device arrays: ``state_planes`` (n_state, plane), with ``state``:
variable -> its (B, N) view (as the NumPy group has it), ``ring`` (depth, receptors, plane), ``refrac`` and ``i_inject`` (plane),
the parameters and host constants the kernel reads packed into ``params``
(pack_planes), compiled in as constants when every neuron and instance shares
them. The kernel is compiled once per model, dt, type and switches: the text is
the cache key (kernels.assemble), and PyOpenCL/CuPy keep the binaries on disk.
"""

from __future__ import annotations

import numpy as np

from .. import kernels

EQUATION_HOST_ONLY = {"model", "arrays", "state", "ring", "refrac", "refrac_steps"}


def pack_planes(planes: list, refrac_steps: np.ndarray, batch: int, n: int, dtype, full: bool = False) -> dict:
    """Parameter planes (each (1|B, N)) as one array (n_params, rows, N), rows = 1 or
    batch, with its strides for the kernels' p = b * param_stride + i * param_unit;
    (n_params, 1, 1) when every neuron and instance has the same values (``uniform``).
    full: always (n_params, batch, N), the layout any later values fit (snnkit.parameters)."""
    uniform = not full and all(np.all(p == p.flat[0]) for p in planes + [refrac_steps] if p.size)
    if uniform:
        params = np.array([p.flat[0] if p.size else 0.0 for p in planes] or [0.0], dtype)[:, None, None]
        steps = np.array([[refrac_steps.flat[0] if refrac_steps.size else 0]], np.int32)
        return dict(params=params, refrac_steps=steps, param_plane=1, param_stride=0, param_unit=0,
                    uniform=True)
    n_rows = batch if full or max(p.shape[0] for p in planes + [refrac_steps]) > 1 else 1
    params = np.stack([np.broadcast_to(p, (n_rows, n)) for p in planes] or [np.zeros((n_rows, n))]).astype(dtype)
    steps = np.broadcast_to(refrac_steps, (n_rows, n)).astype(np.int32)
    return dict(params=np.ascontiguousarray(params), refrac_steps=np.ascontiguousarray(steps),
                param_plane=n_rows * n, param_stride=n if n_rows > 1 else 0, param_unit=1, uniform=False)


class DeviceEquationOps:
    """Upload and step of equation-defined groups (mixed into DeviceBackend)."""

    def upload_equation(self, host: dict) -> dict:
        from ..modeling.codegen_c import ModelSource
        model, batch, n = host["model"], host["batch"], host["size"]
        arrays = host["arrays"]
        names = sorted(k for k in arrays if k not in ("I_inject", "dt"))
        source = ModelSource(model, float(host["dt"]), names)
        packed = pack_planes([np.asarray(arrays[k], np.float64) for k in source.parameters],
                             np.asarray(host["refrac_steps"]), batch, n, self.dtype)
        switches = ()
        if packed.pop("uniform"):
            named = {f"MP_{k}": float(v) for k, v in zip(source.parameters, packed["params"].ravel())}
            switches = kernels.shared_switches(named, int(packed["refrac_steps"].flat[0]), self.real)
        out = {k: v for k, v in host.items() if k not in EQUATION_HOST_ONLY and not isinstance(v, np.ndarray)}
        for key in ("rng_neuron", "rng_stream", "key_lo", "key_hi", "instance"):
            out[key] = self.to_device(np.ascontiguousarray(host[key], np.uint32))
        n_all = batch * n
        plane = kernels.plane_stride(max(1, n_all))
        variables = list(model.state_variables)
        state = np.zeros((max(1, len(variables)), plane), self.dtype)
        for j, x in enumerate(variables):
            state[j, :n_all] = host["state"][x].reshape(-1)
        ring = np.zeros(host["ring"].shape[:2] + (plane,), self.dtype)
        ring[..., :n_all] = host["ring"]
        padded = {"state": state, "ring": ring, "refrac": np.zeros(plane, np.int32),
                  "i_inject": np.zeros(plane, self.dtype)}
        padded["refrac"][:n_all] = host["refrac"].reshape(-1)
        padded["i_inject"][:n_all] = np.asarray(arrays["I_inject"]).reshape(-1)
        out.update({k: self.to_device(v) for k, v in padded.items()})
        out["state"], out["state_planes"] = {x: out["state"][j][:n_all].reshape(batch, n)
                                             for j, x in enumerate(variables)}, out["state"]
        out["arrays"] = {"I_inject": out["i_inject"][:n_all].reshape(batch, n)}
        out.update(packed, params=self.to_device(packed["params"]),
                   refrac_steps=self.to_device(packed["refrac_steps"]), switches=switches,
                   generated=source.text, n_receptors=int(host["ring"].shape[1]), model=model,
                   parameter_rows=source.parameters)
        return out

    def equation_step(self, g: dict, spikes, step: int) -> None:
        if g["batch"] * g["size"] == 0:
            return
        if "_neuron" not in g:
            a = self.kernel_arg
            g["_neuron"] = self.bind(
                "neuron_step", g["batch"] * g["size"], g["switches"], g["generated"], n=g["size"],
                batch=g["batch"], depth=g["ring_depth"], param_plane=g["param_plane"],
                param_stride=g["param_stride"], param_unit=g["param_unit"], ring=a(g["ring"]),
                state=a(g["state_planes"]), refrac=a(g["refrac"]), params=a(g["params"]),
                refrac_steps=a(g["refrac_steps"]), i_inject=a(g["i_inject"]), rng_neuron=a(g["rng_neuron"]),
                rng_stream=a(g["rng_stream"]), key_lo=a(g["key_lo"]), key_hi=a(g["key_hi"]),
                instance=a(g["instance"]), **self.clock_args(), **self.producer_args(g, spikes))
        g["_neuron"](step_offset=self.step_offset(step))
