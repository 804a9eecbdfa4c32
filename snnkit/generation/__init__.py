"""Connectivity generated from counters: who connects to whom, and each synapse's
weight and delay, as pure functions of Philox counters (seed, projection, row, draw).

The NumPy code here is the executable specification of kernels/connect.c: a
device backend builds the same synapse table, element for element, on the device
(no synapse crosses the host bus), and the NumPy backend builds it here.

    counters   the counter layout and the draws every rule is made of
    rules      each random connector's rows (or columns) from its counters
    values     weights and delays drawn per synapse from (pre, post, occurrence)
    recipe     which projections can be generated, and the table they make
"""
