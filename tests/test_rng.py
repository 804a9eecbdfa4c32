"""Philox4x32-10 against Random123's published known-answer vectors, and the draws built on it."""

import numpy as np
import pytest

from snnkit import rng

# Random123 tests/kat_vectors, "philox4x32 10": counter[4] key[2] -> result[4]
KAT = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]


@pytest.mark.parametrize("counter,key,expected", KAT)
def test_known_answer_vectors(counter, key, expected):
    out = rng.philox4x32_10(*counter, *key)
    assert tuple(int(x) for x in out) == expected


def test_vectorised_equals_scalar():
    c = np.arange(50, dtype=np.uint32)
    out = rng.philox4x32_10(c, 7, 3, 1, 123, 456)
    for i in (0, 17, 49):
        single = rng.philox4x32_10(i, 7, 3, 1, 123, 456)
        assert all(int(o[i]) == int(s) for o, s in zip(out, single))


def test_each_counter_word_and_key_changes_the_draw():
    u = lambda *a: np.array(a, np.uint32)                   # noqa: E731
    neurons, streams = np.arange(4, dtype=np.uint32), np.full(4, 2, np.uint32)
    base = rng.draw(5, neurons, u(0), streams, u(9), u(0))[0]
    variants = [
        rng.draw(6, neurons, u(0), streams, u(9), u(0)),
        rng.draw(5, neurons, u(1), streams, u(9), u(0)),
        rng.draw(5, neurons, u(0), streams + 1, u(9), u(0)),
        rng.draw(5, neurons, u(0), streams, u(10), u(0)),
        rng.draw(5, neurons, u(0), streams, u(9), u(1)),
    ]
    for v in variants:
        assert not np.array_equal(v[0], base)
    assert len(set(base.ravel().tolist())) == 4          # neurons differ too


def test_uniform_is_exact_and_in_range():
    x = np.array([0, 255, 256, 0xFFFFFFFF], np.uint32)
    u = rng.uniform01(x)
    assert u.dtype == np.float32
    assert u.tolist() == [0.0, 0.0, 2.0 ** -24, 1.0 - 2.0 ** -24]


def test_uniform_and_normal_statistics():
    words = rng.philox4x32_10(np.arange(200_000, dtype=np.uint32), 0, 0, 0, 42, 0)
    u = rng.uniform01(words[0], np.float64)
    assert abs(u.mean() - 0.5) < 5 * np.sqrt(1 / 12 / u.size)
    assert abs(u.var() - 1 / 12) < 0.002
    n = rng.standard_normal(words[1], words[2], np.float64)
    assert np.all(np.isfinite(n))
    assert abs(n.mean()) < 5 / np.sqrt(n.size)
    assert abs(n.std() - 1) < 0.01


def test_split_seed():
    assert rng.split_seed(0x1234567890ABCDEF) == (0x90ABCDEF, 0x12345678)
