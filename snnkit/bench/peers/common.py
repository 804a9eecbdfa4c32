"""What the peer scripts share: ISI CV from spike trains, one JSON line per run."""

import json

import numpy as np


def mean_cv(trains) -> float:
    cvs = []
    for t in trains:
        if len(t) >= 3:
            isi = np.diff(np.sort(np.asarray(t, float)))
            if isi.mean() > 0:
                cvs.append(isi.std() / isi.mean())
    return float(np.mean(cvs)) if cvs else float("nan")


def emit(**row) -> None:
    print(json.dumps(row), flush=True)
