"""Batch experiments: sweeps, replications, results store (see issue 3)."""
