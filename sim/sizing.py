"""Per-head provision: a council's staff, places, hours and money sized to its population.

The scenario's defaults, the calibrated values and the presets describe a council of
``population.sized_for`` people (250,000). Demand and hospital admissions are rates per
resident, so they follow ``population.total`` by themselves; staff, places, home-care hours,
budget and one-off costs are absolute figures and would not. Each such field carries
``PER_HEAD`` in its schema (``json_schema_extra``). When ``population.provision`` is
``per_head`` and ``population.total`` differs from ``sized_for``, every marked field the user
did not give as an absolute figure is multiplied by ``total / sized_for``, so the council has
the same provision per resident. ``sized_for`` is then set to ``total``: the resolved scenario
describes itself, and building it again from its own dump changes nothing.

Which figures are absolute: a value in ``--set`` (the overrides) always; a value in the
scenario file (the data) unless the file says which council its figures are for by giving
``population.sized_for``, as every resolved scenario does. So a saved scenario with a new
``population.total`` is the same council, only bigger, and a hand-written file with
``population.total`` and ``workforce.establishment_fte`` keeps that establishment as written.

Integer fields are rounded to the nearest whole number after scaling (``round``, halves to
even), and never below the field's lower bound. A bound of 0 lets a very small council have
none (85 re-ablement places for 250,000 people round to 0 below about 1,500 people); a field
that must be at least 1 keeps 1. Upper bounds are not clamped: a scaled value above one is
refused by the schema, naming the field.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

# The marker of a size-dependent field: Field(..., json_schema_extra=PER_HEAD).
PER_HEAD: dict[str, str] = {"sized": "per_head"}
# Said by the description of every marked field (the ODD parameter table shows it).
PER_HEAD_NOTE = "Per head: scaled from population.sized_for to population.total unless given."
POPULATION = "population"
_MISSING = object()


@functools.cache
def per_head_paths(root: type[BaseModel]) -> tuple[str, ...]:
    """Dotted paths of every field of ``root`` (a schema, searched in depth) marked ``PER_HEAD``."""
    paths: list[str] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            if info.json_schema_extra == PER_HEAD:
                paths.append(prefix + name)
            elif isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
                walk(info.annotation, f"{prefix}{name}.")

    walk(root, "")
    return tuple(paths)


def fixed_paths(
    root: type[BaseModel], data: Mapping[str, Any], overrides: Mapping[str, Any]
) -> frozenset[str]:
    """The marked fields the user gave as absolute figures, which are not scaled.

    Args:
        root: the scenario schema.
        data: the user's scenario as a nested dict (a scenario file).
        overrides: dotted paths and values (``--set``); a path may name a whole table.
    """
    sized = _get(data, f"{POPULATION}.sized_for") is not _MISSING  # its figures are per head
    return frozenset(
        path
        for path in per_head_paths(root)
        if _in_overrides(overrides, path) or (not sized and _get(data, path) is not _MISSING)
    )


def resize(
    tree: dict[str, Any], root: type[BaseModel], *, fixed: Collection[str]
) -> dict[str, Any]:
    """Scale the marked fields of a layered scenario tree to its population, in place.

    Args:
        tree: every layer merged (a nested dict, not yet validated); changed in place.
        root: the scenario schema (its ``population`` section holds total, sized_for and
            provision).
        fixed: marked paths given as absolute figures (``fixed_paths``), kept as they are.

    Returns:
        ``tree``. Left as it is when its population section is invalid (validation then says
        why); a marked value that is not a number is left for validation too.
    """
    population = _population(tree, root)
    if population is None or not isinstance(tree[POPULATION], dict):
        return tree
    total, sized_for = population.total, population.sized_for
    if population.provision == "per_head" and total != sized_for:
        factor = total / sized_for
        for path in per_head_paths(root):
            value = _get(tree, path)
            if path in fixed or not _is_number(value):
                continue
            scaled = _scaled(_field(root, path), value, factor)
            if scaled is not None:
                _set(tree, path, scaled)
    tree[POPULATION]["sized_for"] = total  # the figures now describe this council
    return tree


def _population(tree: dict[str, Any], root: type[BaseModel]) -> Any:
    section = root.model_fields[POPULATION].annotation
    assert isinstance(section, type) and issubclass(section, BaseModel)
    try:
        return section.model_validate(tree.get(POPULATION, {}))
    except ValidationError:
        return None


def _scaled(info: Any, value: float, factor: float) -> float | int | None:
    if info.annotation is not int:
        return value * factor
    if value != int(value):  # not a whole number: left for validation to refuse
        return None
    count = round(value * factor)
    least = _least_int(info)
    return count if least is None else max(count, least)


def _least_int(info: Any) -> int | None:
    # A scaled count stays valid at the bottom: a field that must be at least 1 keeps 1.
    bounds = [math.ceil(c.ge) for c in info.metadata if getattr(c, "ge", None) is not None]
    bounds += [math.floor(c.gt) + 1 for c in info.metadata if getattr(c, "gt", None) is not None]
    return max(bounds) if bounds else None


def _field(root: type[BaseModel], path: str) -> Any:
    model: Any = root
    *sections, name = path.split(".")
    for part in sections:
        model = model.model_fields[part].annotation
    return model.model_fields[name]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _get(tree: Any, path: str) -> Any:
    node = tree
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _set(tree: dict[str, Any], path: str, value: Any) -> None:
    *sections, name = path.split(".")
    node = tree
    for part in sections:
        node = node[part]
    node[name] = value


def _in_overrides(overrides: Mapping[str, Any], path: str) -> bool:
    for key, value in overrides.items():
        if key == path:
            return True
        if path.startswith(key + ".") and _get(value, path[len(key) + 1 :]) is not _MISSING:
            return True  # a whole table set at once (``--set 'workforce={...}'``)
    return False
