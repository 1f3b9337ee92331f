"""The carepath dashboards as one Solara app: ``solara run dashboards.app``.

Pages: the live run (``/``), the comparison of organisational models (``/compare``) and the
results explorer (``/explorer``). Every page keeps its models in its own component state, so
each browser session has its own runs.
"""

# Solara components are named like classes (PascalCase), as in Solara and Mesa.

from __future__ import annotations

import solara
import solara.lab
from carepath.dashboards.compare import ComparePage
from carepath.dashboards.explorer import ExplorerPage
from carepath.dashboards.live import LivePage
from carepath.dashboards.widgets import Guarded


@solara.component
def Layout(children: list = []):  # noqa: B006 (Solara passes children this way)
    """The app bar with a tab per page, a sidebar for each page's controls, and the page."""
    route, pages = solara.use_route()
    solara.Style(CSS)
    # One child only: AppLayout would take a first child of several for the sidebar. Tabs in
    # the app bar replace the tabs AppLayout would make, which are named by path, not label.
    with (
        solara.AppLayout(title="carepath", color="#1f4e79"),
        solara.Column(style={"padding": "0"}),
    ):
        # A page that fails to draw shows a message, never Solara's traceback; the tabs stay.
        Guarded(children=children)
        with solara.AppBar(), solara.lab.Tabs(value=pages.index(route), align="right"):
            for page in pages:
                solara.lab.Tab(page.label, path_or_route=page)


# Slider labels sit above their track, so long labels leave the track its full width.
CSS = """
.v-slider.v-input--horizontal {
  grid-template-areas: "prepend prepend prepend" "control control control" "a messages b";
}
.v-slider.v-input--horizontal .v-input__prepend { margin-bottom: 0; }
.v-slider .v-label { white-space: normal; }
.kpi-table td, .kpi-table th { padding: 4px 8px; vertical-align: top; }
.kpi-table thead th, .kpi-table td { text-align: right; }
.arm-table th:first-child { text-align: left; font-weight: normal; }
.chart-card { margin-bottom: 8px; }
"""

routes = [
    solara.Route(path="/", component=LivePage, label="Live run", layout=Layout),
    solara.Route(path="compare", component=ComparePage, label="Compare"),
    solara.Route(path="explorer", component=ExplorerPage, label="Results explorer"),
]
