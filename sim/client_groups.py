"""Client groups and the services they use, as data: every value beside its grade and source.

``client_groups.toml`` beside this module holds one table per client group (primary support
reason, as ASC-FR reports it) and the prices and sizes of the services added for them. Each
value carries an evidence grade, the source it comes from and the reasoning, so the docs can
say honestly what rests on a published number and what is the modellers' assumption. The
scenario schema takes its defaults for ``clients``, ``supported_living`` and ``direct_payments``
from here; ``carepath.docs`` writes ``docs/client_groups.md`` from it.

Loading checks the file and stops with ``ClientGroupsError``, one line per problem.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carepath.sim.tomlfile import read_toml

CLIENT_GROUPS_FILE = Path(__file__).with_name("client_groups.toml")
GRADES = {
    "published": "the source gives this number for this group",
    "derived": "arithmetic on published numbers, shown in the reason",
    "analogous": "a published number for a related measure or population",
    "assumption": "the modellers' judgement; the reason says why, the range how unsure",
}
_ENTRY_KEYS = {"value", "grade", "source", "reason", "range"}


class ClientGroupsError(ValueError):
    """``client_groups.toml`` is incomplete or inconsistent; one line per problem."""


@dataclass(frozen=True)
class Entry:
    """One value of the table with its evidence."""

    path: str
    value: Any
    grade: str
    source: str
    reason: str
    range: tuple[float, float] | None


@dataclass(frozen=True)
class GroupsTable:
    """The whole file: sources, group titles and every entry by scenario path."""

    sources: dict[str, dict[str, str]]
    titles: dict[str, tuple[str, str]]
    entries: dict[str, Entry]


def _entry(path: str, raw: Any, sources: dict[str, Any], problems: list[str]) -> Entry | None:
    if not isinstance(raw, dict) or "value" not in raw:
        problems.append(f"{path}: must be a table with value, grade, source and reason")
        return None
    unknown = sorted(set(raw) - _ENTRY_KEYS)
    if unknown:
        problems.append(f"{path}: unknown keys {unknown}; allowed: {sorted(_ENTRY_KEYS)}")
    for key in ("grade", "source", "reason"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            problems.append(f"{path}.{key}: must be non-empty text")
    if raw.get("grade") not in GRADES and isinstance(raw.get("grade"), str):
        problems.append(f"{path}.grade: {raw['grade']!r}; allowed: {', '.join(GRADES)}")
    for key in str(raw.get("source", "")).replace(",", " ").split():
        if key not in sources:
            problems.append(f"{path}.source: {key!r} is not in [sources]")
    span = raw.get("range")
    if span is not None and not (
        isinstance(span, list) and len(span) == 2 and all(isinstance(x, int | float) for x in span)
    ):
        problems.append(f"{path}.range: must be [low, high]")
        span = None
    return Entry(
        path,
        raw["value"],
        str(raw.get("grade", "")),
        str(raw.get("source", "")),
        str(raw.get("reason", "")).strip(),
        tuple(span) if span is not None else None,  # type: ignore[arg-type]
    )


def load_table(path: Path = CLIENT_GROUPS_FILE) -> GroupsTable:
    """Read and check ``client_groups.toml``.

    Raises:
        ClientGroupsError: one line per problem, naming the entry.
    """
    raw = read_toml(path, what="client groups", error=ClientGroupsError)
    problems: list[str] = []
    sources = raw.get("sources", {})
    for key, body in sources.items():
        if not isinstance(body, dict) or not body.get("title"):
            problems.append(f"sources.{key}: needs a title (and a url, unless it is ours)")
    titles: dict[str, tuple[str, str]] = {}
    entries: dict[str, Entry] = {}
    for name, body in raw.get("groups", {}).items():
        titles[name] = (str(body.get("title", "")), str(body.get("summary", "")).strip())
        if not titles[name][0]:
            problems.append(f"groups.{name}.title: missing")
        for field, value in body.items():
            if field in ("title", "summary"):
                continue
            entry = _entry(f"clients.{name}.{field}", value, sources, problems)
            if entry is not None:
                entries[entry.path] = entry
    for section, body in raw.get("services", {}).items():
        for field, value in body.items():
            entry = _entry(f"{section}.{field}", value, sources, problems)
            if entry is not None:
                entries[entry.path] = entry
    if problems:
        raise ClientGroupsError("; ".join(problems))
    return GroupsTable(sources, titles, entries)


@functools.cache
def _table() -> GroupsTable:
    return load_table()


def client_group_values() -> dict[str, Any]:
    """The ``clients`` section's values, a nested dict by group and field."""
    tree: dict[str, Any] = {}
    for path, entry in _table().entries.items():
        parts = path.split(".")
        if parts[0] == "clients":
            tree.setdefault(parts[1], {})[parts[2]] = entry.value
    return tree


def service_value(path: str) -> Any:
    """The value of a service entry (``supported_living.places``), for the schema's defaults."""
    return _table().entries[path].value
