"""Results explorer: an experiment's KPIs by arm, with 95% intervals, filtered by factor.

It opens experiment folders inside one root folder only (``carepath dashboard --root DIR``,
else the folder the server started in), and names them relative to it: a visitor cannot
read other folders of the server, nor learn where it keeps its files. A folder that cannot
be read, or an experiment that cannot be drawn, is one message in the page; the traceback
goes to the server's log.
"""

# Solara components are named like classes (PascalCase), as in Solara and Mesa.

from __future__ import annotations

import logging
import os
from pathlib import Path

import solara
from carepath.dashboards import charts, results
from carepath.dashboards.widgets import Guarded, Heading, Prose, failure
from carepath.experiments.store import StoreError

logger = logging.getLogger(__name__)


@solara.component
def FolderPicker(root: Path, initial: str, on_open):
    """Type a folder (relative to ``root``), or pick one of the experiment folders found in it."""
    text = solara.use_reactive(initial)
    found = solara.use_memo(lambda: results.find_experiments(root), [root])
    solara.InputText("Experiment folder", value=text, on_value=text.set, continuous_update=True)
    if found:
        solara.Select("…or one found here", values=found, value=None, on_value=text.set)
    solara.Button(
        "Open", icon_name="mdi-folder-open", color="#1f4e79", on_click=lambda: on_open(text.value)
    )


@solara.component
def ExperimentView(experiment: results.Experiment):
    """Filters, the KPI table and the charts of one experiment."""
    choices = solara.use_reactive(
        {f: results.factor_values(experiment, f) for f in experiment.factors}
    )
    kpis = solara.use_reactive(experiment.headline)
    runs = results.filtered(experiment, choices.value)
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    failed = len(runs) - len(ok)

    names = solara.use_memo(lambda: results.arm_names(experiment), [experiment])
    with solara.Sidebar(), solara.Card("Filter by factor", margin=0):
        for factor in experiment.factors:
            # Shown in words (a preset's title, yes/no), kept as the values the runs hold.
            shown = {
                results.value_name(factor, v): v for v in results.factor_values(experiment, factor)
            }
            solara.SelectMultiple(
                results.factor_name(factor),
                values=[results.value_name(factor, v) for v in choices.value[factor]],
                all_values=list(shown),
                on_value=lambda chosen, f=factor, shown=shown: choices.set(
                    {**choices.value, f: [shown[c] for c in chosen]}
                ),
            )
        labels = experiment.labels
        by_label = {label: key for key, label in labels.items()}
        solara.SelectMultiple(
            "KPIs",
            values=[labels[k] for k in kpis.value],
            all_values=list(labels.values()),
            on_value=lambda chosen: kpis.set([by_label[label] for label in chosen]),
        )

    Heading(experiment.name)
    solara.Text(
        f"{experiment.shown}: {ok['arm'].nunique()} arms, {len(ok)} finished runs shown"
        + (f", {failed} failed" if failed else ""),
        classes=["experiment-summary"],
    )
    if ok.empty or not kpis.value:
        solara.Warning("No finished run matches these filters (or no KPI is chosen).")
        return
    table = results.summary(ok, kpis.value)
    solara.Text(
        "Each card: the KPI's mean over replications with its 95% confidence interval per arm, "
        "and the paired difference from the first arm shown (same random numbers).",
        style={"font-size": "13px", "color": "#555"},
    )
    solara.FileDownload(
        lambda: results.table_csv(table, names),
        filename=f"{charts.slug(experiment.name)}-kpis.csv",
        label="Download table (CSV)",
        mime_type="text/csv",
    )
    height = 120 + 40 * ok["arm"].nunique()  # room for an arm name on two lines
    with solara.ColumnsResponsive(default=12, xlarge=6):
        for kpi in kpis.value:
            rows = table[table["kpi"] == kpi]
            scale, unit = results.chart_scale(kpi)
            with solara.Card(margin=0, classes=["chart-card"]):
                solara.FigureEcharts(
                    option=charts.interval_option(
                        experiment.labels[kpi],
                        [names.get(str(a), str(a)) for a in rows["arm_label"]],
                        (rows["mean"] * scale).tolist(),
                        (rows["ci_low"] * scale).tolist(),
                        (rows["ci_high"] * scale).tolist(),
                        list(
                            zip(
                                [names.get(str(a), str(a)) for a in ok["arm_label"]],
                                ok[kpi].astype(float) * scale,
                                strict=True,
                            )
                        ),
                        unit=unit,
                    ),
                    attributes={"style": f"height: {height}px;"},
                    responsive=True,
                )
                solara.HTML(
                    tag="table",
                    unsafe_innerHTML=results.table_html(table, kpi, names),
                    classes=["kpi-table", "arm-table"],
                    style="width: 100%; font-size: 13px;",
                )


@solara.component
def ExplorerPage():
    """The results-explorer page."""
    root = solara.use_memo(results.root_folder, [])
    experiment = solara.use_reactive(None)
    error = solara.use_reactive(None)

    def open_folder(folder: str) -> None:
        try:
            experiment.set(results.load(folder, root))
            error.set(None)
        except StoreError as exc:  # its message is one line, paths relative to the root
            error.set(f"Cannot open this folder: {exc}")
        except Exception as exc:  # anything else is a bug: its text and trace stay in the log
            logger.exception("opening experiment folder %r failed", folder)
            error.set(f"Cannot open this folder: it could not be read ({failure(exc)})")

    initial = os.environ.get(results.EXPERIMENT_ENV, "")
    shown = results.relative(root, initial) if initial else ""
    solara.use_effect(lambda: open_folder(initial) if initial else None, [])

    solara.Title("carepath: results explorer")
    with solara.Sidebar(), solara.Card("Experiment", margin=0):
        FolderPicker(root, shown, open_folder)
    if error.value:
        solara.Error(error.value, classes=["explorer-error"])
    if experiment.value is None:
        Prose(
            "<h2>Results explorer</h2><p>Open the folder of an experiment written by "
            "<code>carepath sweep</code> to see its KPIs by arm with 95% confidence intervals.</p>"
        )
        return
    # Keyed by folder, so that opening another experiment starts with fresh filters.
    with Guarded(message="Cannot show this experiment").key(str(experiment.value.folder)):
        ExperimentView(experiment.value)
