"""The network of Fang et al. (ICCV 2021) for small images, in snnkit.torch layers:
blocks of conv3x3 - BatchNorm - PLIF - max pooling 2x2, then dropout - linear - PLIF -
dropout - linear - PLIF, the class read from the output neurons' firing rates over T
steps of direct encoding (the image is the input current at every step). Convolutions
and batch norm see [T * B, ...] (one call for all steps), the neurons [T, B, ...]."""

from __future__ import annotations

import torch
from torch import nn

from .neurons import LIF, PLIF


class Steps(nn.Module):
    """Apply ``module`` to [T, B, ...] as one [T * B, ...] batch."""

    def __init__(self, *modules):
        super().__init__()
        self.module = nn.Sequential(*modules)

    def forward(self, x):
        steps, batch = x.shape[:2]
        y = self.module(x.reshape(steps * batch, *x.shape[2:]))
        return y.reshape(steps, batch, *y.shape[1:])


def neuron(learn_tau: bool, init_tau: float, engine: str):
    return PLIF(init_tau=init_tau, engine=engine, detach_reset=True) if learn_tau else \
        LIF(tau=init_tau, engine=engine, detach_reset=True)


class PLIFNet(nn.Module):
    """``image_shape`` (H, W), ``channels`` per conv block (each halves H and W),
    ``hidden`` neurons of the first linear layer, ``classes`` outputs, ``steps`` T."""

    def __init__(self, image_shape=(8, 8), classes: int = 10, channels=(32, 64), hidden: int = 256,
                 steps: int = 8, learn_tau: bool = True, init_tau: float = 2.0, dropout: float = 0.3,
                 engine: str = "auto"):
        super().__init__()
        self.steps = steps
        blocks, in_channels = [], 1
        height, width = image_shape
        for out_channels in channels:
            blocks += [Steps(nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
                             nn.BatchNorm2d(out_channels)),
                       neuron(learn_tau, init_tau, engine), Steps(nn.MaxPool2d(2, 2))]
            in_channels, height, width = out_channels, height // 2, width // 2
        self.features = nn.Sequential(*blocks)
        self.classifier = nn.Sequential(
            Steps(nn.Flatten(), nn.Dropout(dropout), nn.Linear(in_channels * height * width, hidden, bias=False)),
            neuron(learn_tau, init_tau, engine),
            Steps(nn.Dropout(dropout), nn.Linear(hidden, classes, bias=False)),
            neuron(learn_tau, init_tau, engine))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """images (B, H, W) in [0, 1] -> output firing rates (B, classes)."""
        x = images.unsqueeze(1).unsqueeze(0).expand(self.steps, *images.shape[:1], 1, *images.shape[1:])
        return self.classifier(self.features(x)).mean(dim=0)

    def taus(self) -> list[float]:
        """Each neuron layer's tau, in order."""
        return [float(m.tau.mean()) for m in self.modules() if isinstance(m, PLIF)]
