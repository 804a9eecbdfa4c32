"""The non-spiking yardstick for the digit classifier: logistic regression on raw pixels
(scikit-learn), trained and scored on the same split."""

from __future__ import annotations

from .datasets import Split


def logistic_regression_accuracy(split: Split, seed: int = 0) -> float:
    """Held-out accuracy of a multinomial logistic regression on the flattened pixels."""
    from sklearn.linear_model import LogisticRegression
    n_train, n_test = len(split.train_labels), len(split.test_labels)
    model = LogisticRegression(max_iter=5000, random_state=seed)
    model.fit(split.train_images.reshape(n_train, -1), split.train_labels)
    return float(model.score(split.test_images.reshape(n_test, -1), split.test_labels))
