"""Packages import downwards only: sim <- experiments <- dashboards <- the command line.

Read from the source, lazy imports inside functions included, so a cycle cannot hide in one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {
    "carepath.sim": ROOT / "sim",
    "carepath.experiments": ROOT / "experiments",
    "carepath.dashboards": ROOT / "dashboards",
}
# What each part may not import (the command line and docs generator sit on top of all).
FORBIDDEN = {
    "carepath.sim": (
        "carepath.experiments",
        "carepath.dashboards",
        "carepath.cli",
        "carepath.docs",
    ),
    "carepath.experiments": ("carepath.dashboards", "carepath.cli", "carepath.docs"),
    "carepath.dashboards": ("carepath.cli", "carepath.docs"),
    # The engine is domain-free; decision rules depend on the engine, the schema and the
    # pathway's states, never on the agents that carry them out.
    "carepath.sim.engine": ("carepath.sim.",),
    "carepath.sim.mechanisms": ("carepath.sim.",),
}
ALLOWED_WITHIN = {
    "carepath.sim.engine": ("carepath.sim.engine",),
    "carepath.sim.mechanisms": (
        "carepath.sim.mechanisms",
        "carepath.sim.engine",
        "carepath.sim.scenario",
        "carepath.sim.states",
    ),
}


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules() -> list[tuple[str, Path]]:
    found = []
    for package, folder in FOLDERS.items():
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder).with_suffix("").parts
            found.append((".".join((package, *parts)), path))
    return found


def violations(module: str, names: set[str]) -> list[str]:
    bad = []
    for part, forbidden in FORBIDDEN.items():
        if module != part and not module.startswith(part + "."):
            continue
        allowed = ALLOWED_WITHIN.get(part, ())
        for name in sorted(names):
            if name.startswith(forbidden) and not name.startswith(allowed):
                bad.append(f"{module} imports {name}")
    return bad


@pytest.mark.parametrize(("module", "path"), modules(), ids=lambda v: str(v))
def test_imports_go_downwards(module, path):
    assert violations(module, imports_of(path)) == []


def test_the_rule_catches_an_upward_import():
    assert violations("carepath.sim.model", {"carepath.experiments.runs"}) == [
        "carepath.sim.model imports carepath.experiments.runs"
    ]
    assert violations("carepath.sim.mechanisms.prices", {"carepath.sim.person"}) == [
        "carepath.sim.mechanisms.prices imports carepath.sim.person"
    ]
    assert violations("carepath.sim.mechanisms.prices", {"carepath.sim.scenario"}) == []
