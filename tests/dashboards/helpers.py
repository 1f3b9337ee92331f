"""Finding things in a page rendered with ``solara.render``."""

from __future__ import annotations

from typing import Any

import ipyvue
import ipyvuetify as v
import ipywidgets
import solara
from carepath.dashboards.app import routes
from solara.components.echarts import EchartsWidget
from solara.widgets import HTML, Navigator


def render_page(path: str) -> Any:
    """Render the app at ``path`` with its layout (so the sidebar's controls exist)."""
    page = solara.RoutingProvider(children=[solara.RenderPage()], routes=routes, pathname=path)
    _, rc = solara.render(page, handle_error=False)
    return rc


def widgets(rc: Any, cls: type = ipywidgets.Widget) -> list:
    """Every widget of class ``cls`` in the page, nested ones included."""
    found, queue, seen = [], list(rc.find(ipywidgets.Widget).widgets), set()
    while queue:
        item = queue.pop(0)
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, ipywidgets.Widget):
            if isinstance(item, cls):
                found.append(item)
            queue.extend(getattr(item, name) for name in item.keys)
        elif isinstance(item, list | tuple):
            queue.extend(item)
        elif isinstance(item, dict):
            queue.extend(item.values())
    return found


def button(rc: Any, label: str) -> v.Btn:
    """The one button showing ``label``."""
    found = [b for b in widgets(rc, v.Btn) if label in b.children]
    assert len(found) == 1, f"{len(found)} buttons labelled {label!r}"
    return found[0]


def texts(rc: Any) -> list[str]:
    """Every plain text of the page."""
    return [c for w in widgets(rc, ipyvue.Html) for c in w.children if isinstance(c, str)]


def htmls(rc: Any) -> list[str]:
    """The inner HTML of every ``solara.HTML`` of the page."""
    return [w.unsafe_innerHTML for w in widgets(rc, HTML)]


def location(rc: Any) -> str:
    """The address (path and query) the page has set for the browser."""
    [navigator] = widgets(rc, Navigator)
    return navigator.location


def text_with(rc: Any, class_: str) -> str:
    """The text of the element with CSS class ``class_``."""
    found = [w for w in widgets(rc, ipyvue.Html) if class_ in (w.class_ or "").split()]
    assert len(found) == 1, f"{len(found)} elements of class {class_}"
    return found[0].children[0]


def charts(rc: Any) -> dict[str, dict]:
    """ECharts options by title."""
    return {w.option["title"]["text"]: w.option for w in widgets(rc, EchartsWidget)}


def slider(rc: Any, label_start: str) -> v.Slider:
    """The slider whose label starts with ``label_start``."""
    found = [s for s in widgets(rc, v.Slider) if str(s.label).startswith(label_start)]
    assert len(found) == 1, f"{len(found)} sliders labelled {label_start!r}"
    return found[0]


def select(rc: Any, label: str) -> v.Select:
    """The select labelled ``label``."""
    found = [s for s in widgets(rc, v.Select) if s.label == label]
    assert len(found) == 1, f"{len(found)} selects labelled {label!r}"
    return found[0]


def field_labelled(rc: Any, label: str) -> v.TextField:
    """The text field labelled ``label``."""
    found = [f for f in widgets(rc, v.TextField) if f.label == label]
    assert len(found) == 1, f"{len(found)} text fields labelled {label!r}"
    return found[0]


def choose_speed(rc: Any, speed: str) -> None:
    """Pick the days-per-update toggle ``speed`` (what a click on it does in a browser)."""
    [toggle] = widgets(rc, v.BtnToggle)
    toggle.v_model = speed
