"""Organisational models as data: each preset is a set of documented mechanism parameters.

The presets live in ``presets.toml`` beside this module. Nothing in the model branches on a
preset's name: a preset only sets parameter values that mechanisms read.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PresetParameter:
    """One mechanism parameter of a preset: its value, why, and where that comes from."""

    path: str
    value: Any
    reason: str
    source: str


@dataclass(frozen=True)
class Preset:
    """An organisational model."""

    name: str
    title: str
    summary: str
    sources: tuple[str, ...]
    parameters: tuple[PresetParameter, ...]


def _load(path: Path) -> tuple[dict[str, str], dict[str, Preset]]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    sources: dict[str, str] = raw["sources"]
    presets: dict[str, Preset] = {}
    for name, body in raw["presets"].items():
        params = tuple(
            PresetParameter(p, spec["value"], spec["reason"], spec["source"])
            for p, spec in body["parameters"].items()
        )
        presets[name] = Preset(name, body["title"], body["summary"], tuple(body["sources"]), params)
    return sources, presets


SOURCES, PRESETS = _load(Path(__file__).with_name("presets.toml"))
MECHANISMS: tuple[str, ...] = tuple(p.path for p in PRESETS["in_house"].parameters)


def preset_values(name: str) -> dict[str, Any]:
    """The dotted-path parameter values of preset ``name``."""
    return {p.path: p.value for p in PRESETS[name].parameters}
