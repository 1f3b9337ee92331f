"""Batch experiments: sweeps, replications, the results store, reports, calibration."""
