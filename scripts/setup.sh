#!/usr/bin/env bash
# Installs what cunwu needs on Debian 12 / UOS / Kylin: the system libraries Qt
# and the tests use (when we may run apt), a virtualenv in .venv, and the
# Python packages. Safe to run again: it only adds what is missing.
#   bash scripts/setup.sh          # to run the program
#   bash scripts/setup.sh --test   # also what the test suite needs
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

pkgs=(python3-venv python3-pip libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
      libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
      libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1)
# postgresql: the hub tests start their own throwaway server from its binaries
# (tests/pgserver.py); the cluster the package may create on 5432 is not used.
[ $want_test = 1 ] && pkgs+=(poppler-utils sqlite3 postgresql postgresql-client zbar-tools)
[ $want_test = 1 ] && pkgs+=(nsis dpkg-dev fakeroot binutils)  # the installers: makensis, dpkg-deb (tests/test_packaging*.py)
[ $want_test = 1 ] && pkgs+=(cups-daemon cups-client printer-driver-cups-pdf)  # tests/test_cups_printing.py: its own cupsd
[ $want_test = 1 ] && pkgs+=(chromium chromium-driver)  # tests/test_public_browser.py: the public pages in a real browser
[ $want_test = 1 ] && pkgs+=(nginx-light)  # tests/test_deploy_hub.py runs docs/deploy-hub.md's block on loopback

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
  if [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; then
    echo "安装系统组件: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    # nginx's package starts its default site on every address; the tests run their own on loopback only
    if [[ " ${missing[*]} " == *" nginx-light "* ]]; then
      $sudo service nginx stop >/dev/null 2>&1 || true
    fi
  else
    echo "提示:缺少系统组件 ${missing[*]},请让管理员用 apt-get install 安装。" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
target=".[server]"
[ $want_test = 1 ] && target=".[test,server]"
if ! .venv/bin/python -m pip install -q -e "$target" > .venv/pip-install.log 2>&1; then
  cat .venv/pip-install.log >&2
  echo "安装 Python 组件失败,详见上面的信息。" >&2
  exit 1
fi
