"""Simulator.storage() / snnkit info --network: bytes per synapse table and array."""

import numpy as np

import snnkit as sk
from snnkit.cli import main


def network():
    net = sk.Network(seed=2)
    a = net.population(300, sk.LIF(), name="a")
    b = net.population(200, sk.LIF(), name="b")
    net.connect(a, b, sk.FixedProbability(0.1), weight=0.2, delay=sk.Uniform(0.5, 3.0), name="ab")
    net.connect(b, a, sk.FixedProbability(0.05), weight=0.1, receptor="inhibitory")
    return net


def test_storage_counts_each_table_and_array(backend):
    sim = sk.Simulator(network(), backend=backend, dtype="float32")
    rows = sim.storage()
    # both populations are LIF: one group, so one table holds both projections
    assert len(rows) == 1 and rows[0]["projections"] == ["ab", "b -> a"]
    assert rows[0]["synapses"] == sum(sim.weights(p)[2].size for p in sim.network.projections)
    for row, host in zip(rows, sim.plan.synapses):
        assert row["synapses"] == host["n_synapses"] > 0
        assert row["device_bytes"] == sum(row["arrays"].values())
        assert np.isclose(row["bytes_per_synapse"], row["device_bytes"] / row["synapses"])
        # at least the target index (4 bytes) and the float32 weight of every synapse
        assert row["arrays"]["post_index"] >= 4 * row["synapses"] and row["arrays"]["weight"] == 4 * row["synapses"]


def test_info_reports_a_networks_storage(tmp_path, capsys):
    script = tmp_path / "net.py"
    script.write_text("import snnkit as sk\nfrom tests.test_storage_report import network\nnetwork = network()\n")
    assert main(["info", "--network", str(script)]) == 0
    out = capsys.readouterr().out
    assert "B/synapse" in out and "ab" in out and "b -> a" in out
