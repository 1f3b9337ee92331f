"""Only the `carepath` namespace is installed: no generic top-level packages."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_every_installed_package_is_under_carepath():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    assert all(p == "carepath" or p.startswith("carepath.") for p in setuptools["packages"])
    assert set(setuptools["package-dir"]) <= set(setuptools["packages"])
    # Every folder with an __init__.py under the mapped folders is listed, so none is left out.
    listed = set(setuptools["packages"])
    for package, folder in setuptools["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT / folder).parts
            assert ".".join((package, *parts)) in listed, f"{init.parent} is not packaged"


@pytest.mark.parametrize("name", ["sim", "experiments", "dashboards"])
def test_pre_namespace_names_do_not_import_outside_the_checkout(tmp_path, name):
    probe = f"import carepath.{name}\ntry:\n    import {name}\nexcept ModuleNotFoundError:\n    print('absent')\n"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "absent"
