"""``carepath dashboard``: serve the dashboards with Solara, on this machine only by default."""

from __future__ import annotations

import argparse
import ipaddress
import os
import signal
import subprocess
import sys
import time
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
    return serve(
        server_command(args.host, args.port, args.open), server_environment(args.experiment)
    )


# After passing on a stop signal, how long the server has to shut down before it is killed.
STOP_TIMEOUT_SECONDS = 10.0
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def serve(command: list[str], env: dict[str, str]) -> int:
    """Run the server as a child, pass SIGTERM and SIGINT on to it, and exit with it.

    The child gets its own process group, so a terminal's Ctrl-C reaches it once, from here,
    and a SIGTERM to this process (a service manager, ``kill``) stops the server too instead
    of leaving it running and holding the port.

    Returns:
        The server's exit status (128 + the signal's number if a signal ended it).
    """
    child = subprocess.Popen(command, env=env, process_group=0)
    asked_to_stop: list[float] = []

    def forward(signum: int, _frame: object) -> None:
        if child.poll() is None:
            child.send_signal(signum)
        asked_to_stop.append(time.monotonic())

    previous = {s: signal.signal(s, forward) for s in _STOP_SIGNALS}
    try:
        while child.poll() is None:
            try:
                child.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                if asked_to_stop and time.monotonic() - asked_to_stop[0] > STOP_TIMEOUT_SECONDS:
                    child.kill()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if child.poll() is None:  # leaving for another reason: never leave the server behind
            child.kill()
            child.wait()
    status = child.returncode
    return 128 - status if status < 0 else status
