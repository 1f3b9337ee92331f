"""What a visitor cannot do: open folders outside the root, or see a traceback in the page."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import time
from pathlib import Path

import carepath.dashboards.compare
import carepath.dashboards.explorer
import carepath.dashboards.live
import ipyvuetify as v
import pytest
from carepath.dashboards import cli, results
from carepath.dashboards.levers import make_model

from tests.dashboards.helpers import button, charts, field_labelled, render_page, widgets

SERVER_PATHS = ("/work/", "site-packages", ".py", "/tmp/", "/usr/")


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The explorer's root folder, empty but for what a test puts there."""
    folder = tmp_path / "root"
    folder.mkdir()
    monkeypatch.setenv(results.ROOT_ENV, str(folder))
    monkeypatch.delenv(results.EXPERIMENT_ENV, raising=False)
    return folder


@pytest.fixture
def copy(experiment_dir: Path, root: Path) -> Path:
    """A copy of the test experiment inside the root, for a test to damage."""
    return Path(shutil.copytree(experiment_dir, root / "exp"))


def _open(text: str):
    rc = render_page("/explorer")
    field_labelled(rc, "Experiment folder").v_model = text
    button(rc, "Open").click()
    return rc


def _page_text(rc) -> str:
    """Every string any widget of the page holds (text, HTML, labels, values)."""
    found = []
    for widget in widgets(rc):
        for name in widget.keys:
            value = getattr(widget, name, None)
            items = value if isinstance(value, list | tuple) else [value]
            found += [item for item in items if isinstance(item, str)]
    return "\n".join(found)


def _errors(rc) -> list[str]:
    return [str(c) for w in widgets(rc, v.Alert) if w.type == "error" for c in w.children]


def _plain(rc, root: Path) -> None:
    """The page shows no traceback and none of the server's paths."""
    text = _page_text(rc)
    assert "Traceback" not in text and 'File "' not in text
    assert str(root) not in text
    assert not [p for p in SERVER_PATHS if p in text], text


# The root rule.


def test_a_folder_inside_the_root_opens_by_its_relative_name(copy, root):
    rc = _open("exp")
    assert len(charts(rc)) == 3 and not _errors(rc)
    summary = [t for t in _page_text(rc).splitlines() if "finished runs shown" in t]
    assert summary == ["exp: 4 arms, 16 finished runs shown"]
    _plain(rc, root)
    rc.close()


@pytest.mark.parametrize("how", ["absolute", "dotdot"])
def test_a_folder_outside_the_root_is_refused(experiment_dir, root, how):
    text = str(experiment_dir) if how == "absolute" else os.path.relpath(experiment_dir, root)
    assert (root / text).resolve() == experiment_dir.resolve()
    rc = _open(text)
    [error] = _errors(rc)
    assert "outside the folder the dashboards may open" in error
    assert charts(rc) == {}
    rc.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("~", "Cannot open this folder: ~: no such folder"),
        ("a\0b", "Cannot open this folder: 'a\\x00b': not a folder name"),
        ("loop", "Cannot open this folder: 'loop': not a folder name"),
    ],
)
def test_odd_folder_names_are_one_plain_message(root, text, expected):
    (root / "loop").symlink_to(root / "loop")
    rc = _open(text)
    assert _errors(rc) == [expected]
    _plain(rc, root)
    rc.close()


def test_a_symlink_inside_the_root_to_a_folder_outside_is_refused(experiment_dir, root):
    (root / "link").symlink_to(experiment_dir, target_is_directory=True)
    rc = _open("link")
    [error] = _errors(rc)
    assert error.startswith("Cannot open this folder: link: outside the folder")
    assert charts(rc) == {}
    # Nor is it offered: folders are found without following links.
    assert results.find_experiments(root) == []
    rc.close()


def test_a_manifest_linked_to_a_file_outside_the_root_is_refused(copy, experiment_dir, root):
    (copy / "manifest.json").unlink()
    (copy / "manifest.json").symlink_to(experiment_dir / "manifest.json")
    rc = _open("exp")
    [error] = _errors(rc)
    assert "exp/manifest.json: a link to a file outside the root folder" in error
    assert charts(rc) == {}
    _plain(rc, root)
    rc.close()


def test_found_folders_are_named_relative_to_the_root(copy, root):
    (root / "deeper").mkdir()
    shutil.copytree(copy, root / "deeper" / "exp2")
    assert results.find_experiments(root) == ["deeper/exp2", "exp"]


# Damaged stores: one plain message, the traceback in the server's log only.


def _list_manifest(folder: Path) -> None:
    (folder / "manifest.json").write_text("[1, 2, 3]", encoding="utf-8")


def _junk_part(folder: Path) -> None:
    (folder / "runs.parquet" / "run-000003.parquet").write_bytes(b"not parquet at all" * 20)


def _manifest_without_fingerprint(folder: Path) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    del manifest["fingerprint"]
    path.write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (_list_manifest, "exp/manifest.json: not a valid manifest (a JSON list, not an object)"),
        (_junk_part, "exp/runs.parquet/run-000003.parquet: damaged, not a readable Parquet part"),
        (_manifest_without_fingerprint, "exp/manifest.json: fingerprint: missing or not text"),
    ],
    ids=["manifest-a-list", "junk-part", "manifest-without-field"],
)
def test_a_damaged_store_is_one_plain_message(copy, root, damage, expected):
    damage(copy)
    rc = _open("exp")
    [error] = _errors(rc)
    assert error.startswith(f"Cannot open this folder: {expected}")
    assert "\n" not in error
    assert charts(rc) == {}
    _plain(rc, root)
    rc.close()


def test_an_unexpected_error_while_loading_shows_its_kind_only(copy, root, monkeypatch, caplog):
    def broken(folder):
        raise RuntimeError(f"cannot decode {folder}/secret.py")

    monkeypatch.setattr(results, "read_runs", broken)
    with caplog.at_level(logging.ERROR, logger=carepath.dashboards.explorer.__name__):
        rc = _open("exp")
    [error] = _errors(rc)
    assert error == (
        "Cannot open this folder: it could not be read "
        "(RuntimeError; the server's log has the details)"
    )
    _plain(rc, root)
    # The server's log has the whole story.
    [record] = [r for r in caplog.records if r.exc_info]
    assert "secret.py" in str(record.exc_info[1])
    rc.close()


def test_an_experiment_that_cannot_be_drawn_is_one_message(copy, root, monkeypatch, caplog):
    def broken(runs, kpis):
        raise ZeroDivisionError(f"in {root}/x.py")

    monkeypatch.setattr(results, "summary", broken)
    with caplog.at_level(logging.ERROR, logger="carepath.dashboards.widgets"):
        rc = _open("exp")
    errors = _errors(rc)
    assert errors == [
        "Cannot show this experiment (ZeroDivisionError; the server's log has the details)."
    ]
    _plain(rc, root)
    assert any(r.exc_info and isinstance(r.exc_info[1], ZeroDivisionError) for r in caplog.records)
    # The sidebar is still there: another folder can be opened.
    button(rc, "Open")
    button(rc, "Try again").click()  # draws it afresh: the same failure, the same message
    assert _errors(rc) == errors
    rc.close()


def test_a_page_that_cannot_be_drawn_is_one_message_and_keeps_its_tabs(monkeypatch):
    def broken(kpi, value):
        raise KeyError("/srv/carepath/indicators.py")

    rc = render_page("/")
    monkeypatch.setattr(carepath.dashboards.live.indicators, "format_kpi", broken)
    button(rc, "Step").click()  # the page draws its KPI cards again, and fails
    assert _errors(rc) == [
        "This page could not be shown (KeyError; the server's log has the details)."
    ]
    assert [t.children for t in widgets(rc, v.Tab)] == [
        ["Live run"],
        ["Compare"],
        ["Results explorer"],
        ["Appraisal"],
    ]
    _plain(rc, Path("/srv"))
    rc.close()


# The live and compare pages: a model step that fails.


class _StepError(Exception):
    """What the broken model raises."""


@pytest.fixture
def failing_steps(monkeypatch: pytest.MonkeyPatch) -> list:
    """Models whose step raises once they reach day 3."""
    built = []

    def failing(preset, chosen, seed):
        model = make_model(preset, chosen, seed)
        step = model.step

        def broken_step() -> None:
            if model.steps >= 3:
                raise _StepError("/srv/carepath/secret.py: boom")
            step()

        model.step = broken_step
        built.append(model)
        return model

    monkeypatch.setattr(carepath.dashboards.live, "make_model", failing)
    monkeypatch.setattr(carepath.dashboards.compare, "make_model", failing)
    return built


@pytest.mark.parametrize("path", ["/", "/compare"])
def test_a_failing_step_button_shows_a_message(failing_steps, path):
    rc = render_page(path)
    button(rc, "Reset").click()  # builds a model with the failing step
    button(rc, "Step").click()  # a week: fails on day 3
    [error] = _errors(rc)
    assert (
        error
        == "The step failed on day 3: the model failed (_StepError; the server's log has the details)"
    )
    _plain(rc, Path("/srv"))
    rc.close()


@pytest.mark.parametrize("path", ["/", "/compare"])
def test_a_failing_play_loop_shows_a_message(failing_steps, path):
    rc = render_page(path)
    button(rc, "Reset").click()
    button(rc, "Play").click()
    # The loop says why it stopped, then stops playing: wait for both.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (
        _errors(rc) and [b for b in widgets(rc, v.Btn) if "Play" in b.children]
    ):
        time.sleep(0.05)
    assert _errors(rc) == [
        "The run stopped on day 3: the model failed (_StepError; the server's log has the details)"
    ]
    button(rc, "Play")  # stopped playing
    _plain(rc, Path("/srv"))
    rc.close()


# The command line.


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(argv)


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list:
    """The (command, environment) of each server ``cli.main`` would start; none starts."""
    started = []
    monkeypatch.setattr(cli.assets, "install", lambda: [])
    monkeypatch.setattr(cli, "serve", lambda command, env: started.append((command, env)) or 0)
    return started


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "dashboards.example.org", ""])
def test_other_machines_need_a_root(host, served, capsys):
    assert cli.main(_parse("--host", host)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"carepath dashboard: --host {host} lets other machines in: give --root")
    assert err.count("\n") == 1 and served == []


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "localhost", "LOCALHOST"])
def test_this_machine_defaults_the_root_to_the_working_folder(host, served, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(_parse("--host", host)) == 0
    [(command, env)] = served
    assert command[command.index("--host") + 1] == host
    assert env[results.ROOT_ENV] == str(tmp_path.resolve())


def test_the_root_and_experiment_reach_the_server(served, copy, root):
    assert (
        cli.main(_parse("--host", "0.0.0.0", "--root", str(root), "--experiment", str(copy))) == 0
    )
    [(_, env)] = served
    assert (env[results.ROOT_ENV], env[results.EXPERIMENT_ENV]) == (str(root), str(copy))


@pytest.mark.parametrize("what", ["missing root", "experiment outside"])
def test_bad_folders_are_refused_at_start(what, served, experiment_dir, root, capsys):
    argv = (
        ["--root", str(root / "nope")]
        if what == "missing root"
        else ["--root", str(root), "--experiment", str(experiment_dir)]
    )
    assert cli.main(_parse(*argv)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and served == []
    assert ("no such folder" if what == "missing root" else "not inside the root folder") in err
