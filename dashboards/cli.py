"""``carepath dashboard``: serve the dashboards with Solara, on this machine only by default."""

from __future__ import annotations

import argparse
import ipaddress
import os
import subprocess
import sys
from pathlib import Path

from carepath.dashboards import assets
from carepath.dashboards.results import EXPERIMENT_ENV

DEFAULT_PORT = 8765
DEFAULT_HOST = "127.0.0.1"
APP = "carepath.dashboards.app"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the dashboard's options to ``parser``."""
    parser.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"port to serve on (default {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this machine only; 0.0.0.0 for all)",
    )
    parser.add_argument(
        "--experiment",
        type=Path,
        metavar="DIR",
        help="experiment folder to open in the results explorer",
    )
    parser.add_argument("--open", action="store_true", help="open a web browser on the dashboards")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1 to 65535)")
    return port


def server_environment(experiment: Path | None = None) -> dict[str, str]:
    """The environment of the Solara server: no telemetry, no public CDN, no Solara banner."""
    env = dict(os.environ)
    env.update(
        {
            "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
            # Serve front-end packages from the local cache that set-up filled ...
            "SOLARA_ASSETS_PROXY": "True",
            "SOLARA_THEME_SHOW_BANNER": "False",
            "SOLARA_THEME_TITLE": "carepath",
        }
    )
    # ... and never fall back to a public CDN for one that is missing: it fails at once,
    # visibly, instead of sending requests off the machine.
    env.setdefault("SOLARA_ASSETS_CDN", "http://127.0.0.1:9/")
    if experiment is not None:
        env[EXPERIMENT_ENV] = str(experiment.resolve())
    return env


def server_command(host: str, port: int, open_browser: bool = False) -> list[str]:
    """The command that runs the Solara server."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        APP,
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-check-version",  # it would ask PyPI at every start
        "--open" if open_browser else "--no-open",
    ]


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def main(args: argparse.Namespace) -> int:
    """Check the front-end assets, then run the server until interrupted."""
    if args.experiment is not None and not args.experiment.is_dir():
        print(
            f"carepath dashboard: --experiment {args.experiment}: no such folder", file=sys.stderr
        )
        return 2
    try:
        for name in assets.install():
            print(f"carepath dashboard: installed front-end package {name}", file=sys.stderr)
    except (assets.AssetError, ImportError) as exc:
        print(
            f"carepath dashboard: front-end assets missing and not installable: {exc}",
            file=sys.stderr,
        )
        return 1
    if not _is_loopback(args.host):
        print(
            f"carepath dashboard: listening on {args.host}: other machines can reach it",
            file=sys.stderr,
        )
    print(f"carepath dashboard: http://{args.host}:{args.port}/ (Ctrl-C stops it)", file=sys.stderr)
    try:
        return subprocess.call(
            server_command(args.host, args.port, args.open), env=server_environment(args.experiment)
        )
    except KeyboardInterrupt:
        return 0
