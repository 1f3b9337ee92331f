"""Performance harness for carepath (issue 5): ``python -m benchmarks``.

Modules:
    scaling: a scenario resized to another population (capacities, staff, budget per head kept).
    core: the core pathway's parameters, rules and KPIs, shared by the two reference models.
    naive_mesa: the core pathway as a time-stepped Mesa model that wakes every resident daily.
    simpy_model: the core pathway as a SimPy process model.
    runner: one measurement in a fresh process (``python -m benchmarks.runner``).
    harness: the suite (headline, side by side, KPI agreement, scaling, profiles) and its report.

Results go to ``benchmarks/results/``; ``benchmarks/RESULTS.md`` discusses them.
"""
