"""The carepath dashboards as one Solara app: ``solara run dashboards.app``.

Pages: the live run (``/``), the comparison of organisational models (``/compare``), the
results explorer (``/explorer``) and an options appraisal (``/appraisal``). Every page keeps its models in its own component state, so
each browser session has its own runs.
"""

# Solara components are named like classes (PascalCase), as in Solara and Mesa.

from __future__ import annotations

import solara
import solara.lab
from carepath.dashboards.appraisal import AppraisalPage
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
    # No opening state for the sidebar: Vuetify then opens it on a wide screen and leaves it
    # closed on a phone, where it would cover the page (it reports back the state it chose).
    with (
        solara.AppLayout(title="carepath", color="#1f4e79", sidebar_open=None),
        solara.Column(style={"padding": "0"}),
    ):
        # A page that fails to draw shows a message, never Solara's traceback; the tabs stay.
        Guarded(children=children)
        with solara.AppBar(), solara.lab.Tabs(value=pages.index(route), align="right"):
            for page in pages:
                solara.lab.Tab(page.label, path_or_route=page)


# Slider labels sit above their track, so long labels leave the track its full width.
SLIDERS = """
.v-slider.v-input--horizontal {
  grid-template-areas: "prepend prepend prepend" "control control control" "a messages b";
}
.v-slider.v-input--horizontal .v-input__prepend { margin-bottom: 0; }
.v-slider .v-label { white-space: normal; }
"""

TABLES_AND_CARDS = """
.kpi-table td, .kpi-table th { padding: 4px 8px; vertical-align: top; }
.kpi-table thead th, .kpi-table td { text-align: right; }
.kpi-table th.kpi-name { text-align: left; font-weight: 500; }
.kpi-table .kpi-unit { font-size: 12px; color: #666; font-weight: normal; }
/* A table wider than the screen scrolls inside its card instead of being cut off. */
.kpi-table { display: block; overflow-x: auto; max-width: 100%; }
.arm-table th:first-child { text-align: left; font-weight: normal; }
.appraisal-table thead th:first-child { text-align: left; }
/* Sentences and names read from the left; numbers stay right-aligned. */
.thresholds-table td, .thresholds-table thead th,
.differences-table td:nth-child(2), .differences-table thead th:nth-child(2),
.differences-table td:last-child, .differences-table thead th:last-child { text-align: left; }
.chart-card { margin-bottom: 8px; }
.kpi-card .kpi-label { font-size: 12px; color: #555; }
.kpi-card .kpi-value { font-size: 22px; font-weight: 500; }
.kpi-card .kpi-note, .kpi-card .kpi-better { font-size: 12px; color: #555; }
.kpi-card .kpi-definition { display: none; }
.kpi-card--warmup { background: #f4f4f4 !important; }
.kpi-card--warmup .kpi-value { color: #666; }
.kpi-warmup-tag {
  font-size: 11px; color: #555; text-transform: uppercase; letter-spacing: 0.04em;
  text-align: left !important; font-weight: normal;
}
/* The level table is a grid of numbers read across and down: on a phone it keeps its grid and
   scrolls sideways, each option's name held at the left. */
.kpi-table.levels-table td, .kpi-table.levels-table th { padding: 3px 5px; }
.levels-table tbody th, .levels-table thead tr:first-child th:first-child {
  position: sticky; left: 0; z-index: 1; background: #fff; min-width: 11em;
}
.levels-table td, .levels-table th.level-number { white-space: nowrap; }
.levels-table thead th { vertical-align: bottom; }
.levels-table th.levels-group { text-align: center !important; border-bottom: 1px solid #ccc; }
/* On a phone a table's rows stack: each value under its KPI, named by its column. */
@media (max-width: 600px) {
  .kpi-table thead { display: none; }
  .kpi-table tr, .kpi-table th, .kpi-table td { display: block; text-align: left !important; }
  .kpi-table tr { padding: 6px 0; border-bottom: 1px solid #e0e0e0; }
  .kpi-table td[data-label]::before {
    content: attr(data-label) ": "; color: #555; font-size: 12px;
  }
  .kpi-table.levels-table thead { display: table-header-group; }
  .kpi-table.levels-table tr { display: table-row; }
  .kpi-table.levels-table th, .kpi-table.levels-table td {
    display: table-cell; text-align: right !important;
  }
  .kpi-table.levels-table tbody th,
  .kpi-table.levels-table thead tr:first-child th:first-child {
    text-align: left !important; min-width: 9em; max-width: 9em; box-shadow: 1px 0 #e0e0e0;
  }
  /* Its heading starts in view, beside the option's name, not centred off the screen. */
  .kpi-table.levels-table th.levels-group { text-align: left !important; }
  .kpi-table.levels-table td[data-label]::before { content: none; }
}
"""

# A flex item is at least as wide as its content unless told otherwise: the charts' canvases,
# drawn at the first width, held the whole page at that width after the window narrowed
# (Vuetify 3's application box is a flex item of Solara's).
REFLOW = """
.v-application .v-application, .v-application__wrap, .v-main { min-width: 0 !important; }
.v-application .v-application { width: 100%; }
.v-main .solara-echarts { width: 100%; max-width: 100%; }
/* The days-per-update toggle wraps in a narrow sidebar instead of losing "quarter". */
.v-btn-toggle, .v-btn-group { flex-wrap: wrap; height: auto !important; }
"""

# Vuetify 3's app-bar button draws its icon from an alias Solara's icon set lacks: the
# glyph is the Material Design Icons "menu" that the page's icon font already holds.
# On a phone the sidebar is a drawer: narrower than the screen and under the app bar, so
# the menu button and the dimmed page beside it both close it.
MENU = r"""
.v-app-bar-nav-icon .v-btn__content::before {
  content: "\F35C";
  font: normal normal normal 24px/1 "Material Design Icons";
}
.v-navigation-drawer--mobile {
  width: min(400px, 88vw) !important;
  min-width: 0 !important;
  top: 112px !important;
  height: calc(100% - 112px) !important;
}
"""

# Printing: the whole page, not the one screen the scrolling panel shows; no sidebar,
# tabs or buttons; cards and charts not split across pages; card definitions printed.
PRINT = """
@media print {
  html, body, .v-application, .v-application__wrap, .v-layout, .v-main,
  .v-main > div, .v-main > div > div, div[style*="100vh"] {
    height: auto !important; max-height: none !important; overflow: visible !important;
  }
  .v-main { padding: 0 !important; }
  .v-navigation-drawer, .v-navigation-drawer__scrim, .v-app-bar, .v-btn,
  .v-toolbar { display: none !important; }
  .chart-card, .kpi-card, .kpi-table tr { break-inside: avoid; }
  .kpi-card .kpi-definition { display: block; font-size: 10px; color: #555; }
}
"""

CSS = SLIDERS + TABLES_AND_CARDS + REFLOW + MENU + PRINT

routes = [
    solara.Route(path="/", component=LivePage, label="Live run", layout=Layout),
    solara.Route(path="compare", component=ComparePage, label="Compare"),
    solara.Route(path="explorer", component=ExplorerPage, label="Results explorer"),
    solara.Route(path="appraisal", component=AppraisalPage, label="Appraisal"),
]
