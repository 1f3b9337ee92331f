"""``carepath dashboard``: serve the dashboards with Solara, on this machine only by default.

The results explorer opens experiment folders inside one root folder only. On this machine
(a loopback address) the root defaults to the working folder, which is what someone running
``carepath dashboard`` next to their sweeps expects. Served to other machines, the root must be
given (``--root DIR``): a default would let every visitor read whatever the folder the server
happened to start in holds.
"""

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
from carepath.dashboards.appraisal_results import APPRAISAL_ENV, appraisal_folder
from carepath.dashboards.results import EXPERIMENT_ENV, ROOT_ENV

DEFAULT_PORT = 8765
DEFAULT_HOST = "127.0.0.1"
APP = "carepath.dashboards.app"
# A -W filter: the start of the warning's text, its category.
COOKIE_WARNING = "ignore:Cookies with samesite=none require https:UserWarning"


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
        help="experiment folder to open in the results explorer (inside the root folder)",
    )
    parser.add_argument(
        "--appraisal",
        type=Path,
        metavar="DIR",
        help="`carepath appraise` result folder (OUT or OUT/appraisal) to open in the appraisal "
        "page (inside the root folder)",
    )
    parser.add_argument(
        "--root",
        type=Path,
        metavar="DIR",
        help="the results explorer opens experiment folders inside DIR only (default: the "
        "working folder; required when --host is not this machine)",
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


def server_environment(
    experiment: Path | None = None, root: Path | None = None, appraisal: Path | None = None
) -> dict[str, str]:
    """The environment of the Solara server: no telemetry, no public CDN, no Solara banner.

    Args:
        experiment: the folder the explorer opens first.
        root: the folder the explorer may open experiments in (default: the working folder).
        appraisal: the appraisal result folder the appraisal page opens first.
    """
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
    # Solara warns, on every page it serves over plain http to a host not named localhost,
    # that its session cookie falls back from SameSite=None to SameSite=Lax. None is only for
    # pages embedded in another site's frame, which the dashboards are not, and Lax is the
    # browser's own default: the fallback is right, so its 20-line warning is not printed.
    env["PYTHONWARNINGS"] = ",".join(w for w in (env.get("PYTHONWARNINGS"), COOKIE_WARNING) if w)
    # The server reads its settings from here, as it runs the app in its own process.
    env[ROOT_ENV] = str((root or Path.cwd()).resolve())
    if experiment is not None:
        env[EXPERIMENT_ENV] = str(experiment.resolve())
    if appraisal is not None:
        env[APPRAISAL_ENV] = str(appraisal.resolve())
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


def is_loopback(host: str) -> bool:
    """True if ``host`` is this machine only: 127.0.0.0/8, ::1 or ``localhost``."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host.lower() == "localhost"


def _refusal(args: argparse.Namespace) -> str | None:
    """What is wrong with the folders and host asked for, in one line, or None."""
    if args.root is not None and not args.root.is_dir():
        return f"--root {args.root}: no such folder"
    if args.root is None and not is_loopback(args.host):
        return (
            f"--host {args.host} lets other machines in: give --root DIR, the folder whose "
            "experiments the results explorer may open (on 127.0.0.1 it defaults to this folder)"
        )
    if args.experiment is not None and not args.experiment.is_dir():
        return f"--experiment {args.experiment}: no such folder"
    root = (args.root or Path.cwd()).resolve()
    if args.experiment is not None and not args.experiment.resolve().is_relative_to(root):
        return f"--experiment {args.experiment}: not inside the root folder {root} (see --root)"
    appraisal = getattr(args, "appraisal", None)
    if appraisal is not None:
        if not appraisal.is_dir():
            return f"--appraisal {appraisal}: no such folder"
        if not appraisal.resolve().is_relative_to(root):
            return f"--appraisal {appraisal}: not inside the root folder {root} (see --root)"
        folder = appraisal_folder(appraisal)
        if not (folder / "ranking.csv").is_file():
            return (
                f"--appraisal {appraisal}: not an appraisal result (no ranking.csv); give the "
                "folder `carepath appraise` wrote (OUT or OUT/appraisal)"
            )
    return None


def main(args: argparse.Namespace) -> int:
    """Check the options and the front-end assets, then run the server until interrupted."""
    refusal = _refusal(args)
    if refusal:
        print(f"carepath dashboard: {refusal}", file=sys.stderr)
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
    if not is_loopback(args.host):
        print(
            f"carepath dashboard: listening on {args.host}: other machines can reach it",
            file=sys.stderr,
        )
    print(f"carepath dashboard: http://{args.host}:{args.port}/ (Ctrl-C stops it)", file=sys.stderr)
    return serve(
        server_command(args.host, args.port, args.open),
        server_environment(args.experiment, args.root, args.appraisal),
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
