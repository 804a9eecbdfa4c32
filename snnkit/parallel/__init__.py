"""Partitioned runs over MPI: each rank owns a contiguous block of every population
(partition.py), its slice of the network (slicing.py, lowering.py), exchanges spikes once
per window of the shortest delay (exchange.py), runs through the Simulator (run.py), and
rank 0 merges every rank's record file into one (merge.py)."""
