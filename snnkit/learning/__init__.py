"""Learning with plasticity (issue 8): data sets for the STDP digit classifier.

So far: ``datasets`` (scikit-learn's 8x8 digits with a seeded, stratified held-out
split; MNIST from its standard IDX files when the user has them locally) and the
logistic-regression baseline on raw pixels. The network and its training are to come.
"""

from .baseline import logistic_regression_accuracy
from .datasets import Split, digits, mnist, read_idx

__all__ = ["Split", "digits", "logistic_regression_accuracy", "mnist", "read_idx"]
