"""Peer implementations of the benchmark models. Each peer is a script run in
its own interpreter (Brian2 2.11 needs Python >= 3.13; NEST is a separate
install), so these files are not imported by snnkit: ``snnkit bench`` runs

    <python> snnkit/bench/peers/<peer>_peer.py --model M --sizes N.. --repeat R --duration MS [--target T]

and reads one JSON line per run: simulator, model, neurons, build_s, sim_s,
rates (Hz per population) and cv (ISI CV per population).
"""
