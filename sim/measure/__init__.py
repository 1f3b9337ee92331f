"""Measurement: tallies, daily reporters, the run summary and the KPI catalogue."""
