"""Learning with plasticity: a Diehl & Cook (2015) network that learns handwritten
digits without labels, many samples at once as batch instances.

- ``datasets``: scikit-learn's 8x8 digits with a seeded, stratified held-out split;
  MNIST from its standard IDX files when the user has them locally (no download).
- ``config.DiehlCook``: the network's and the training's parameters.
- ``train``: unsupervised training; ``shared``: how batch instances combine what they learn.
- ``evaluate``: labelling neurons by their strongest class response, and predicting.
- ``classifier.fit`` / ``LearnedClassifier``: all of it, saved to and loaded from HDF5.
- ``fields``: receptive fields as a PNG, and how well they match their class.
- ``readout``: an output layer on the frozen STDP layer, trained by a delta rule on
  spike counts (supervised plasticity): ``fit(..., readout=ReadoutConfig())``.
- ``baseline``: logistic regression on the raw pixels, for comparison.
"""

from .baseline import logistic_regression_accuracy
from .classifier import LearnedClassifier, fit
from .config import DiehlCook
from .datasets import Split, digits, mnist, read_idx
from .readout import ReadoutConfig
from .train import train

__all__ = ["DiehlCook", "LearnedClassifier", "ReadoutConfig", "Split", "digits", "fit", "logistic_regression_accuracy", "mnist",
           "read_idx", "train"]
