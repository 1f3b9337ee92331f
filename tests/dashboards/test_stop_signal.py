"""``carepath dashboard`` stopped with SIGTERM takes its Solara server down with it."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psutil

START_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 30.0


def _free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # an error page is still an answer
    except OSError:
        return False


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_sigterm_stops_the_server_child_and_frees_the_port(tmp_path):
    port = _free_loopback_port()
    log = (tmp_path / "dashboard.log").open("w")
    command = [sys.executable, "-m", "carepath.cli", "dashboard", "--port", str(port)]
    # Its own session, as when started in the background: no terminal passes the signal on.
    parent = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
    children: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not _answers(port):
            assert parent.poll() is None, (tmp_path / "dashboard.log").read_text()
            assert time.monotonic() < deadline, "the dashboard did not answer in time"
            time.sleep(0.5)
        children = psutil.Process(parent.pid).children(recursive=True)
        assert children, "the server runs as a child process"

        parent.send_signal(signal.SIGTERM)

        # It exits with the server: 0 after a graceful shutdown, 143 if SIGTERM ended it.
        assert parent.wait(timeout=STOP_TIMEOUT_SECONDS) in (0, 128 + signal.SIGTERM)
        _, alive = psutil.wait_procs(children, timeout=STOP_TIMEOUT_SECONDS)
        assert alive == []
        assert _port_is_free(port)
    finally:
        for process in [psutil.Process(parent.pid)] if parent.poll() is None else []:
            process.kill()
        for child in children:
            if child.is_running():
                child.kill()
        parent.wait(timeout=STOP_TIMEOUT_SECONDS)
        log.close()
