"""One browser session's runs: models stepped together, and snapshots of what to draw.

A ``Simulation`` belongs to one page in one session (it is created inside a component), so
two sessions never share a model. The play loop steps it in a worker thread while the page
renders snapshots: plain numbers copied under the lock, never the live model.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from carepath.dashboards import indicators
from carepath.dashboards.benchmarks import benchmark_lines
from carepath.dashboards.caseloads import Caseloads, caseloads
from carepath.dashboards.list_ages import ListAgeHistory
from carepath.sim.model import CarePathwayModel


@dataclass(frozen=True)
class RunView:
    """What one model looks like at a moment: chart lines, KPI values and flows.

    ``list_ages`` (the waiting list's age profile by week) and ``caseloads`` (each worker's
    open cases) are filled in for a simulation ``with_workload``.
    """

    lines: dict[str, dict[str, list[float | None]]]
    kpis: dict[str, float]
    flows: list[tuple[str, str, int]] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    list_ages: dict[str, list[float | None]] = field(default_factory=dict)
    caseloads: Caseloads | None = None


@dataclass(frozen=True)
class Snapshot:
    """All models of a simulation at one moment (they always share the same day)."""

    day: int
    horizon: int
    days: list[int]
    runs: dict[str, RunView]
    warmup: int = 0
    # Chart key -> national benchmark lines (name with source -> value) for the council shown.
    benchmarks: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        """True when the models have reached the end of their run."""
        return self.day >= self.horizon


class Simulation:
    """Models run side by side, one day at a time, guarded by a lock.

    Args:
        models: label -> model; all are stepped together.
        with_flows: also compute pathway flows for each snapshot.
        with_workload: also follow each model's waiting-list age profile week by week, and
            show each worker's caseload (``RunView.list_ages``, ``RunView.caseloads``).
    """

    def __init__(
        self,
        models: dict[str, CarePathwayModel],
        *,
        with_flows: bool = False,
        with_workload: bool = False,
    ) -> None:
        self.lock = threading.Lock()
        self.with_flows = with_flows
        self.with_workload = with_workload
        self.models = models
        self.list_ages = self._follow(models)
        # Bumped by every replace(), so a play loop started earlier cannot step the new models.
        self.generation = 0

    def replace(self, models: dict[str, CarePathwayModel]) -> None:
        """Start again with new models (waits for a step in progress to end)."""
        with self.lock:
            self.models = models
            self.list_ages = self._follow(models)
            self.generation += 1

    def _follow(self, models: dict[str, CarePathwayModel]) -> dict[str, ListAgeHistory]:
        """A history of the list's age profile per model, when the page shows it."""
        if not self.with_workload:
            return {}
        return {label: ListAgeHistory(model) for label, model in models.items()}

    @property
    def day(self) -> int:
        """Days simulated so far."""
        return min(m.steps for m in self.models.values())

    @property
    def horizon(self) -> int:
        """Days in the run (the shortest of the models)."""
        return min(m.horizon for m in self.models.values())

    @property
    def warmup(self) -> int:
        """Days of warm-up the models' results leave out (the longest of the models)."""
        return max(m.config.run.warmup for m in self.models.values())

    @property
    def finished(self) -> bool:
        """True when there is nothing left to run."""
        return self.day >= self.horizon

    def advance(self, days: int, generation: int | None = None) -> int:
        """Step every model up to ``days`` days (not past the horizon); return days stepped.

        Args:
            days: how many days to simulate.
            generation: if given, step only while the models are still those of this
                generation (see ``replace``).
        """
        with self.lock:
            if generation is not None and generation != self.generation:
                return 0
            todo = max(0, min(days, self.horizon - self.day))
            for _ in range(todo):
                for model in self.models.values():
                    model.step()
                # Each week's day, whatever the days per update, so the chart has every week.
                for history in self.list_ages.values():
                    history.record()
            return todo

    def snapshot(self) -> Snapshot:
        """Copy what the page draws, under the lock."""
        with self.lock:
            first = next(iter(self.models.values()))
            days = indicators.week_days(first)
            runs = {
                label: RunView(
                    lines={
                        chart.key: {name: line(model, days) for name, line in chart.lines.items()}
                        for chart in indicators.CHARTS
                    },
                    kpis={kpi.key: kpi.value(model) for kpi in indicators.KPIS},
                    flows=indicators.flows(model) if self.with_flows else [],
                    notes={k.key: k.note(model) for k in indicators.KPIS if k.note is not None},
                    list_ages=self.list_ages[label].lines(days) if self.with_workload else {},
                    caseloads=caseloads(model) if self.with_workload else None,
                )
                for label, model in self.models.items()
            }
            return Snapshot(
                self.day, self.horizon, days.tolist(), runs, self.warmup, benchmark_lines(first)
            )
