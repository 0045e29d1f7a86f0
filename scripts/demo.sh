#!/usr/bin/env bash
# Quick start: install everything and open cunwu on a demo village.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/cunwu-desktop --demo "$@"
