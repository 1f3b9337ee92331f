"""Every parameter a preset or a constructor lever sets has a mechanism test, and it exists."""

from __future__ import annotations

import ast
from pathlib import Path

from carepath.sim.model import LEVERS
from carepath.sim.presets import PRESETS
from carepath.sim.scenario import ScenarioError, set_path

HERE = Path(__file__).parent
LEVER_NAMES = {path: lever for lever, path in LEVERS.items()}


def parameters_set_by_presets_and_levers() -> set[str]:
    from_presets = {p.path for preset in PRESETS.values() for p in preset.parameters}
    from_levers = {path for lever, path in LEVERS.items() if lever != "years"}
    return from_presets | from_levers


def functions_in(file: str) -> dict[str, str]:
    source = (HERE / file).read_text(encoding="utf-8")
    return {
        node.name: ast.get_source_segment(source, node) or ""
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }


def test_every_preset_parameter_and_lever_has_a_mechanism_test(mechanism_tests):
    missing = sorted(parameters_set_by_presets_and_levers() - set(mechanism_tests))
    assert not missing, f"no mechanism test registered in conftest.MECHANISM_TESTS for: {missing}"


def test_each_registered_test_exists_and_moves_its_parameter(mechanism_tests):
    problems = []
    for path, where in mechanism_tests.items():
        try:
            set_path({}, path, None)
        except ScenarioError as exc:
            problems.append(f"{path}: not a scenario field ({exc})")
            continue
        file, _, name = where.partition("::")
        if not (HERE / file).is_file():
            problems.append(f"{path}: {file} does not exist")
            continue
        body = functions_in(file).get(name)
        if body is None:
            problems.append(f"{path}: no test {name} in {file}")
            continue
        names = {path.rsplit(".", 1)[-1], LEVER_NAMES.get(path, path)}
        if not any(n in body for n in names):
            problems.append(f"{path}: {file}::{name} never mentions {' or '.join(sorted(names))}")
    assert not problems, "\n".join(problems)
