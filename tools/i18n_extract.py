"""Collect every ``_("...")`` string of app/ and ui/ into the English .po file.

Existing translations are kept; new strings get an empty msgstr (shown in
Chinese until translated). Run: python tools/i18n_extract.py
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.i18n import parse_po  # noqa: E402

PO = ROOT / "resources" / "locale" / "en" / "LC_MESSAGES" / "cunwu.po"


def strings_in(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.args[0].value, node.lineno))
    return found


def collect() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for top in ("app", "ui"):
        for path in sorted((ROOT / top).rglob("*.py")):
            for text, line in strings_in(path):
                out.setdefault(text, []).append(f"{path.relative_to(ROOT)}:{line}")
    return out


def quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def main() -> int:
    old = parse_po(PO.read_text(encoding="utf-8")) if PO.exists() else {}
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', '"Language: en\\n"', ""]
    strings = collect()
    for text, where in strings.items():
        lines.append("#: " + " ".join(where[:3]))
        lines.append("msgid " + quote(text))
        lines.append("msgstr " + quote(old.get(text, "")))
        lines.append("")
    PO.parent.mkdir(parents=True, exist_ok=True)
    PO.write_text("\n".join(lines), encoding="utf-8")
    missing = sum(1 for t in strings if not old.get(t))
    print(f"{len(strings)} strings, {missing} without English")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
