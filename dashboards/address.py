"""A live run's scenario (preset, levers, seed) as a page address and as a TOML file.

The address keeps the preset, the seed and only the levers that differ from the preset's
values, so a shared link stays short and says what was changed: ``?preset=in_house&seed=1
&funded_posts=120``. The TOML file is a carepath scenario file: ``carepath run --scenario
FILE`` runs the same model. Both are read back with one-line errors naming the field.
"""

from __future__ import annotations

import tomllib
from typing import Any
from urllib.parse import parse_qsl, urlencode

from carepath.dashboards.levers import (
    DEFAULT_PRESET,
    MAIN_LEVERS,
    Lever,
    parse_seed,
    preset_levers,
)
from carepath.sim.presets import PRESETS
from carepath.sim.scenario import ScenarioError

PRESET_FIELD = "organisation.preset"
SEED_FIELD = "run.seed"
_BY_NAME = {lever.name: lever for lever in MAIN_LEVERS}
_BY_PATH = {lever.path: lever for lever in MAIN_LEVERS}
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


def _check_preset(preset: Any, where: str) -> str:
    if preset not in PRESETS:
        raise ScenarioError(f"{where}: unknown preset {preset!r}; allowed: {', '.join(PRESETS)}")
    return str(preset)


def lever_value(lever: Lever, value: Any) -> Any:
    """``value`` (text from an address, or a TOML value) as the lever's kind wants it.

    Raises:
        ScenarioError: naming the lever and what it allows.
    """
    text = str(value).strip()
    if lever.kind == "bool":
        if isinstance(value, bool):
            return value
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise ScenarioError(f"{lever.name}: {text!r} is not true or false")
    if lever.kind == "choice":
        if text not in lever.choices:
            raise ScenarioError(
                f"{lever.name}: {text!r} is not allowed; allowed: {', '.join(lever.choices)}"
            )
        return text
    try:
        number = float(text)
    except ValueError:
        raise ScenarioError(f"{lever.name}: {text!r} is not a number") from None
    if lever.kind == "int":
        if not number.is_integer():
            raise ScenarioError(f"{lever.name}: {text!r} is not a whole number")
        return int(number)
    return number


def to_query(preset: str, levers: dict[str, Any], seed: str) -> str:
    """The address's query for a scenario: preset, seed, and the levers changed from the preset."""
    defaults = preset_levers(preset)
    changed = {
        lever.name: _text(levers[lever.name])
        for lever in MAIN_LEVERS
        if lever.name in levers and levers[lever.name] != defaults[lever.name]
    }
    return urlencode({"preset": preset, "seed": str(seed).strip(), **changed})


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def from_query(search: str) -> tuple[str, dict[str, Any], str]:
    """The scenario an address's query names: ``(preset, levers, seed text)``.

    Levers it does not give take the preset's values; no preset means the default one.

    Raises:
        ScenarioError: for an unknown key, preset or lever value, or a bad seed.
    """
    pairs = parse_qsl(search.lstrip("?"), keep_blank_values=True)
    given = dict(pairs)
    if len(given) < len(pairs):
        repeated = next(k for k, _ in pairs if sum(1 for key, _ in pairs if key == k) > 1)
        raise ScenarioError(f"address: {repeated} is given twice")
    allowed = ["preset", "seed", *_BY_NAME]
    unknown = [k for k in given if k not in allowed]
    if unknown:
        raise ScenarioError(
            f"address: unknown setting {unknown[0]!r}; allowed: {', '.join(allowed)}"
        )
    preset = _check_preset(given.pop("preset", DEFAULT_PRESET), "address: preset")
    seed = given.pop("seed", "1")
    parse_seed(seed)
    levers = preset_levers(preset)
    levers.update({name: lever_value(_BY_NAME[name], text) for name, text in given.items()})
    return preset, levers, seed


def to_toml(preset: str, levers: dict[str, Any], seed: str) -> str:
    """A carepath scenario file of the scenario: ``carepath run --scenario FILE`` runs it."""
    tables: dict[str, list[str]] = {
        "organisation": [f"preset = {_toml(preset)}"],
        "run": [f"seed = {parse_seed(seed)}"],
    }
    for lever in MAIN_LEVERS:
        table, _, key = lever.path.rpartition(".")
        tables.setdefault(table, []).append(f"{key} = {_toml(levers[lever.name])}")
    lines = [
        "# carepath scenario saved from the live-run dashboard.",
        "# Run it with: carepath run --scenario FILE; open it in the dashboard with Upload.",
    ]
    for table, entries in tables.items():
        lines += ["", f"[{table}]", *entries]
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = value
    return flat


def from_toml(text: str | bytes) -> tuple[str, dict[str, Any], str]:
    """The scenario a TOML scenario file describes: ``(preset, levers, seed text)``.

    It may set the preset, the seed and the dashboard's levers; levers it does not set take
    the preset's values. A file setting anything else is refused, as the page could not
    show the difference.

    Raises:
        ScenarioError: one line naming the field at fault and what is allowed.
    """
    try:
        data = tomllib.loads(text.decode("utf-8") if isinstance(text, bytes) else text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"scenario file: not a valid TOML file ({exc})") from None
    flat = _flatten(data)
    allowed = [PRESET_FIELD, SEED_FIELD, *_BY_PATH]
    other = [path for path in flat if path not in allowed]
    if other:
        raise ScenarioError(
            f"{other[0]}: the live run cannot show this field; a file for it may set "
            f"{', '.join(allowed)}"
        )
    preset = _check_preset(flat.get(PRESET_FIELD, DEFAULT_PRESET), PRESET_FIELD)
    if isinstance(flat.get(SEED_FIELD), bool):
        raise ScenarioError(f"{SEED_FIELD}: must be a whole number, not true or false")
    seed = str(flat.get(SEED_FIELD, 1))
    parse_seed(seed)
    levers = preset_levers(preset)
    for path, lever in _BY_PATH.items():
        if path in flat:
            levers[lever.name] = lever_value(lever, flat[path])
    return preset, levers, seed


def to_compare_query(
    presets: list[str], seed: str, years: int, runs: int = 1, default_runs: int = 1
) -> str:
    """The Compare page's address query: the models in order (the first is the baseline).

    The runs per model are left out when they are the page's default.
    """
    query = {"models": ",".join(presets), "seed": str(seed).strip(), "years": years}
    return urlencode({**query, "runs": runs} if runs != default_runs else query)


def _choice(given: dict[str, str], key: str, default: int, allowed: tuple[int, ...]) -> int:
    try:
        value = int(given.get(key, str(default)))
    except ValueError:
        value = -1
    if value not in allowed:
        raise ScenarioError(
            f"address: {key} must be one of {', '.join(map(str, allowed))}, not {given.get(key)!r}"
        )
    return value


def from_compare_query(
    search: str,
    allowed_years: tuple[int, ...],
    allowed_runs: tuple[int, ...] = (1,),
    default_runs: int = 1,
) -> tuple[list[str], str, int, int]:
    """The comparison an address names: ``(presets, seed text, years, runs per model)``.

    Runs per model the address does not give are ``default_runs``.

    Raises:
        ScenarioError: for an unknown key or preset, a bad seed, or years or runs not offered.
    """
    given = dict(parse_qsl(search.lstrip("?"), keep_blank_values=True))
    known = ("models", "seed", "years", "runs")
    unknown = [k for k in given if k not in known]
    if unknown:
        raise ScenarioError(f"address: unknown setting {unknown[0]!r}; allowed: {', '.join(known)}")
    presets = [
        _check_preset(name.strip(), "address: models")
        for name in given.get("models", "").split(",")
        if name.strip()
    ]
    seed = given.get("seed", "1")
    parse_seed(seed)
    years = _choice(given, "years", 5, allowed_years)
    runs = _choice(given, "runs", default_runs, allowed_runs)
    return presets, seed, years, runs
