"""Install the front-end packages Solara loads from a CDN, so the dashboards work offline.

Solara's page asks its server for ``/_solara/cdn/NAME@VERSION/...``; the server answers from a
local folder (``solara.server.settings.assets.proxy_cache_dir``) and only goes to a public CDN
for what that folder lacks. On a closed network that fetch fails and the page stays blank.
This script reads which packages the installed Solara asks for (its page template and the
components the dashboards use), and puts any that are missing into that folder, taken from the
npm registry: with ``npm pack`` when npm is installed, otherwise by downloading the tarball.

Idempotent: packages already there are left alone. Set-up runs it through
``scripts/solara_assets.py`` with the Python of the environment that runs the dashboards, and
``carepath dashboard`` checks it again before starting the server::

    .venv/bin/python scripts/solara_assets.py [--check] [--list]

``--check`` only reports what is missing (exit status 1 if anything is). On failure it prints
one line starting with ``solara assets:`` and exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

# `{{cdn}}/NAME@X.Y.Z/` in a template, `${this.getCdn()}/NAME@X.Y.Z/` in a component, and
# `const version = "X.Y.Z"` beside an import of `NAME@${version}` (how echarts.vue does it).
_PINNED = re.compile(
    r"(?:\{\{\s*cdn\s*\}\}|getCdn\(\)\})/((?:@[\w.-]+/)?[\w.-]+)@(\d+\.\d+\.\d+[\w.-]*)/"
)
_VERSION_CONST = re.compile(r"const version = \"(\d+\.\d+\.\d+[\w.-]*)\"")
_VERSIONED_IMPORT = re.compile(r"getCdn\(\)\}/((?:@[\w.-]+/)?[\w.-]+)@\$\{version\}/")
# Loaded only to draw Mermaid diagrams, which the dashboards do not use (and it is large).
_NOT_NEEDED = {"mermaid"}
_REGISTRY = os.environ.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org").rstrip("/")


class AssetError(RuntimeError):
    """Set-up of an asset failed; the message is one line for the user."""


def solara_files() -> list[Path]:
    """The Solara files whose CDN references the dashboards depend on."""
    import solara

    root = Path(solara.__file__).parent
    # The page template, plus the components the dashboards render: echarts for charts,
    # markdown (which loads KaTeX for any formula) and the grid Mesa's SolaraViz lays out in.
    return [
        root / "server" / "templates" / "solara.html.j2",
        root / "components" / "echarts.vue",
        root / "components" / "markdown.py",
        root / "widgets" / "vue" / "gridlayout.vue",
    ]


def required_packages() -> list[tuple[str, str]]:
    """``(name, version)`` of every npm package the installed Solara asks its CDN proxy for."""
    import ipyvue
    import solara.server.settings as server_settings

    found: set[tuple[str, str]] = set()
    for path in solara_files():
        text = path.read_text(encoding="utf-8")
        found.update(_PINNED.findall(text))
        versions = _VERSION_CONST.findall(text)
        for name in _VERSIONED_IMPORT.findall(text):
            found.update((name, v) for v in versions)
    # The template links one Vuetify app or the other, depending on ipyvue's major version.
    vue3 = ipyvue.__version__.startswith("3")
    unused = "solara-vuetify-app" if vue3 else "solara-vuetify3-app"
    found = {(n, v) for n, v in found if n != f"@widgetti/{unused}" and n not in _NOT_NEEDED}
    fontawesome = server_settings.assets.fontawesome_path.strip("/").split("/")[0]
    name, _, version = fontawesome.rpartition("@")
    if server_settings.assets.fontawesome_enabled and name:
        found.add((name, version))
    return sorted(found)


def cache_dir() -> Path:
    """The folder Solara's server serves ``/_solara/cdn/`` from."""
    import solara.server.settings as server_settings

    return Path(server_settings.assets.proxy_cache_dir)


def is_installed(cache: Path, name: str, version: str) -> bool:
    """True when ``name@version`` has been unpacked into ``cache``."""
    return (cache / f"{name}@{version}" / "package.json").is_file()


def fetch_tarball(name: str, version: str, into: Path) -> Path:
    """Download the npm tarball of ``name@version`` into the folder ``into``."""
    npm = shutil.which("npm")
    if npm:
        done = subprocess.run(
            [npm, "pack", "--silent", "--pack-destination", str(into), f"{name}@{version}"],
            capture_output=True,
            text=True,
            check=False,
        )
        tarballs = sorted(into.glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            detail = (done.stderr.strip().splitlines() or ["no tarball"])[-1]
            raise AssetError(f"npm pack {name}@{version} failed ({detail})")
        return tarballs[0]
    # Without npm, take the tarball from the registry the way npm would.
    base = name.rsplit("/", 1)[-1]
    url = f"{_REGISTRY}/{name}/-/{base}-{version}.tgz"
    target = into / f"{base}-{version}.tgz"
    try:
        with urllib.request.urlopen(url, timeout=60) as response, target.open("wb") as out:
            shutil.copyfileobj(response, out)
    except OSError as exc:
        raise AssetError(f"cannot download {url} ({exc})") from None
    return target


def unpack(tarball: Path, cache: Path, name: str, version: str) -> None:
    """Unpack an npm tarball into ``cache/name@version``, replacing nothing half-written."""
    final = cache / f"{name}@{version}"
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    try:
        with tarfile.open(tarball) as archive:
            archive.extractall(staging, filter="data")
        # npm tarballs hold one top folder, usually `package/`.
        tops = [p for p in staging.iterdir() if p.is_dir()]
        if len(tops) != 1 or not (tops[0] / "package.json").is_file():
            raise AssetError(f"{tarball.name}: not an npm package tarball")
        if final.exists():
            shutil.rmtree(final)
        tops[0].rename(final)
    except (tarfile.TarError, OSError) as exc:
        raise AssetError(f"cannot unpack {tarball.name} ({exc})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def install(check_only: bool = False) -> list[str]:
    """Install every missing package; return the ``name@version`` of those installed.

    Raises:
        AssetError: when a package cannot be fetched or unpacked (or, with ``check_only``,
            when any is missing).
    """
    cache = cache_dir()
    missing = [(n, v) for n, v in required_packages() if not is_installed(cache, n, v)]
    if check_only:
        if missing:
            names = ", ".join(f"{n}@{v}" for n, v in missing)
            raise AssetError(f"missing in {cache}: {names}")
        return []
    installed = []
    for name, version in missing:
        with tempfile.TemporaryDirectory() as tmp:
            unpack(fetch_tarball(name, version, Path(tmp)), cache, name, version)
        installed.append(f"{name}@{version}")
    return installed


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report what is missing")
    parser.add_argument("--list", action="store_true", help="print the packages and exit")
    args = parser.parse_args(argv)
    try:
        if args.list:
            print(json.dumps([f"{n}@{v}" for n, v in required_packages()]))
            return 0
        installed = install(check_only=args.check)
    except ImportError as exc:
        print(f"solara assets: solara is not installed in {sys.prefix} ({exc})", file=sys.stderr)
        return 1
    except AssetError as exc:
        print(f"solara assets: {exc}", file=sys.stderr)
        return 1
    if installed:
        print(f"solara assets: installed {', '.join(installed)} into {cache_dir()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
