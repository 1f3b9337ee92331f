"""Reading the TOML files users hand to carepath, with one-line errors that name the file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any


def read_toml_text(path: Path, *, what: str, error: type[Exception]) -> tuple[dict[str, Any], str]:
    """Read and parse a UTF-8 TOML file; returns its data and its text.

    Args:
        path: the file.
        what: the kind of file, for the message when it is missing (``"scenario"``).
        error: the exception to raise, so each caller keeps its own error type.

    Raises:
        error: ``"PATH: no such WHAT file"``, ``"PATH: not a valid TOML file (...)"`` or
            ``"PATH: cannot read (...)"``.
    """
    try:
        text = path.read_text(encoding="utf-8")
        return tomllib.loads(text), text
    except FileNotFoundError:
        raise error(f"{path}: no such {what} file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error(f"{path}: not a valid TOML file ({exc})") from None
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror})") from None


def read_toml(path: Path, *, what: str, error: type[Exception]) -> dict[str, Any]:
    """Read and parse a UTF-8 TOML file.

    Raises:
        error: see ``read_toml_text``.
    """
    return read_toml_text(path, what=what, error=error)[0]
