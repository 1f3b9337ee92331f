#!/usr/bin/env bash
# Set up carepath in ./.venv and run it.
#   bash scripts/dev.sh run [carepath run options]   install, then run the default scenario
#   bash scripts/dev.sh test [pytest options]        install with test extras, then run the tests
#   bash scripts/dev.sh bench [--quick]              benchmarks: ours vs naive Mesa vs SimPy
#   bash scripts/dev.sh python                       print the interpreter the set-up would use
# The interpreter may be forced with CAREPATH_PYTHON=/path/to/python3.12.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf 'carepath set-up: %s\n' "$*" >&2; }

is_suitable() {  # a Python >= 3.12 with venv and pip
  "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1
}

find_python() {
  local c candidates=()
  [ -n "${CAREPATH_PYTHON:-}" ] && candidates+=("$CAREPATH_PYTHON")
  candidates+=(python3.13 python3.12 python3.14)
  # pyenv keeps interpreters outside PATH; its shims refuse versions that are not "global".
  local root="${PYENV_ROOT:-$HOME/.pyenv}"
  for c in "$root"/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
    [ -x "$c" ] && candidates+=("$c")
  done
  candidates+=(python3 python)
  for c in "${candidates[@]}"; do
    if command -v "$c" >/dev/null 2>&1 && is_suitable "$c"; then
      command -v "$c"; return 0
    fi
  done
  say "no Python >= 3.12 found (tried: ${candidates[*]})."
  say "install one (for example 'apt-get install python3.12' or 'pyenv install 3.12') or set CAREPATH_PYTHON."
  return 1
}

ensure_venv() {  # $1: pip extras spec, e.g. "" or "[test]"
  local extras="$1" py stamp want
  if [ ! -x .venv/bin/python ] || ! is_suitable .venv/bin/python; then
    py=$(find_python)
    say "creating .venv with $py ($("$py" --version 2>&1))"
    rm -rf .venv
    "$py" -m venv .venv
  fi
  stamp=.venv/.carepath-installed
  want="$(cat pyproject.toml constraints.txt 2>/dev/null | sha256sum | cut -c1-16)$extras"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing carepath$extras into .venv"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -c constraints.txt -e ".$extras"
    # The dashboards' front-end files, from the npm registry, so pages render offline.
    .venv/bin/python scripts/solara_assets.py
    echo "$want" > "$stamp"
  fi
}

cmd="${1:-run}"; shift || true
case "$cmd" in
  python) find_python ;;
  run)
    ensure_venv ""
    exec .venv/bin/carepath run --out out/default "$@" ;;
  bench)
    ensure_venv "[test,bench]"
    exec .venv/bin/python -m benchmarks "$@" ;;
  test)
    ensure_venv "[test]"
    .venv/bin/ruff check .
    .venv/bin/ruff format --check .
    exec .venv/bin/python -m pytest "$@" ;;
  *) say "unknown command '$cmd'; allowed: run, test, bench, python"; exit 2 ;;
esac
