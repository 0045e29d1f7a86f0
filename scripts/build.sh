#!/usr/bin/env bash
# Builds the one-folder program with PyInstaller (build.spec): DIST/cunwu/ with cunwu-desktop and cunwu,
# then says how big the folder is and how many files it holds.
#   bash scripts/build.sh                    # into dist/ (work files in build/)
#   bash scripts/build.sh --dist D --work W  # elsewhere (the tests build into a temporary folder)
# Needs the test environment (bash scripts/setup.sh --test), which has PyInstaller.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=dist
work=build
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) dist=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "用法:bash scripts/build.sh [--dist 文件夹] [--work 文件夹]" >&2; exit 2 ;;
  esac
done
PY=${PYTHON:-.venv/bin/python}
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  echo "缺少 PyInstaller。请先运行 bash scripts/setup.sh --test。" >&2
  exit 1
fi
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$dist" --workpath "$work" build.spec
folder="$dist/cunwu"
size=$(du -sm "$folder" | cut -f1)
files=$(find "$folder" -type f | wc -l)
echo "已生成 $folder:${size} MB,${files} 个文件"
# the user guide for printing, beside the folder (made from docs/user-guide.md; never kept in the repository,
# so it cannot go stale)
"$PY" -m app.guide_pdf -o "$dist/用户手册.pdf"
