"""The dashboard launcher and the offline front-end assets."""

from __future__ import annotations

import argparse
import io
import json
import tarfile

import ipyvue
import pytest
from carepath.dashboards import assets, cli, results

from tests.dashboards.helpers import charts, render_page, widgets


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(argv)


def test_defaults_bind_this_machine_only():
    args = _parse()
    assert (args.host, args.port, args.experiment) == ("127.0.0.1", 8765, None)


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_bad_ports_are_refused(port, capsys):
    with pytest.raises(SystemExit):
        _parse("--port", port)
    assert "port" in capsys.readouterr().err


def test_server_runs_in_production_without_telemetry_or_public_cdn(monkeypatch, tmp_path):
    monkeypatch.delenv("SOLARA_ASSETS_CDN", raising=False)
    env = cli.server_environment(tmp_path)
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["SOLARA_ASSETS_PROXY"] == "True"
    assert env["SOLARA_ASSETS_CDN"].startswith("http://127.0.0.1:")
    assert env["CAREPATH_EXPERIMENT"] == str(tmp_path.resolve())
    assert env["CAREPATH_ROOT"] == str(tmp_path.cwd().resolve())  # loopback: the working folder
    command = cli.server_command("127.0.0.1", 8800)
    assert command[3:5] == ["run", "carepath.dashboards.app"]
    assert {"--production", "--no-check-version", "--no-open"} <= set(command)


def test_the_server_filters_solara_s_cookie_warning_only(monkeypatch):
    monkeypatch.setenv("PYTHONWARNINGS", "error::DeprecationWarning")
    filters = cli.server_environment()["PYTHONWARNINGS"].split(",")
    assert filters == ["error::DeprecationWarning", cli.COOKIE_WARNING]
    # The filter matches the start of Solara's message, as Python's -W filters do.
    action, message, category = cli.COOKIE_WARNING.split(":")
    assert (action, category) == ("ignore", "UserWarning")
    assert message == "Cookies with samesite=none require https"


def test_missing_experiment_folder_is_refused(tmp_path, capsys):
    assert cli.main(_parse("--experiment", str(tmp_path / "nope"))) == 2
    assert "no such folder" in capsys.readouterr().err


def test_required_packages_follow_the_installed_solara():
    template = assets.solara_files()[0].read_text(encoding="utf-8")
    wanted = dict(assets.required_packages())
    assert "requirejs" in wanted and "echarts" in wanted
    app = "@widgetti/solara-vuetify3-app" if "@widgetti/solara-vuetify3-app" in wanted else None
    app = app or "@widgetti/solara-vuetify-app"
    assert f"{app}@{wanted[app]}/" in template
    assert "mermaid" not in wanted


@pytest.mark.parametrize(
    ("path", "opened"),
    [("/", False), ("/compare", False), ("/explorer", False), ("/explorer", True)],
)
def test_pages_never_ask_for_mermaid(path, opened, experiment_dir, monkeypatch):
    # A solara.Markdown has the browser fetch mermaid, which is not installed: a 404 after a while.
    if opened:
        monkeypatch.setenv(results.ROOT_ENV, str(experiment_dir.parent))
        monkeypatch.setenv(results.EXPERIMENT_ENV, str(experiment_dir))
    rc = render_page(path)
    templates = [w.template for w in widgets(rc, ipyvue.VueTemplate)]
    texts = [t.template if isinstance(t, ipyvue.Template) else str(t) for t in templates]
    assert texts and not [t for t in texts if "mermaid" in t]
    if path == "/explorer":
        assert bool(charts(rc)) == opened  # the experiment was opened, not refused


def _npm_tarball(path, name: str, version: str) -> None:
    data = json.dumps({"name": name, "version": version}).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("package/package.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))


def test_install_fetches_only_what_is_missing(monkeypatch, tmp_path):
    cache = tmp_path / "cdn"
    monkeypatch.setattr(assets, "cache_dir", lambda: cache)
    monkeypatch.setattr(
        assets, "required_packages", lambda: [("@x/app", "1.2.3"), ("lib", "4.5.6")]
    )
    fetched = []

    def fake_fetch(name, version, into):
        fetched.append(name)
        target = into / "p.tgz"
        _npm_tarball(target, name, version)
        return target

    monkeypatch.setattr(assets, "fetch_tarball", fake_fetch)
    with pytest.raises(assets.AssetError, match="missing"):
        assets.install(check_only=True)
    assert assets.install() == ["@x/app@1.2.3", "lib@4.5.6"]
    assert (cache / "@x" / "app@1.2.3" / "package.json").is_file()
    assert assets.install() == [] and fetched == ["@x/app", "lib"]
    assets.install(check_only=True)


def test_a_failed_fetch_is_one_clear_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(assets, "cache_dir", lambda: tmp_path)
    monkeypatch.setattr(assets, "required_packages", lambda: [("lib", "4.5.6")])
    monkeypatch.setattr(assets.shutil, "which", lambda _: None)
    monkeypatch.setattr(assets, "_REGISTRY", "http://127.0.0.1:9")
    assert assets.main([]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("solara assets: cannot download http://127.0.0.1:9/lib/-/lib-4.5.6.tgz")
    assert "\n" not in err
