"""The English catalogue: what a maintainer running ``--lang en`` sees, and that no
translation can break the ``.format()`` call it goes through."""

from __future__ import annotations

import importlib.util
import re
import string
from collections import Counter
from pathlib import Path

import pytest

from app.cli import main
from app.i18n import _, current_language, parse_po, set_language

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "resources" / "locale" / "en" / "LC_MESSAGES" / "cunwu.po"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]")


def _extractor():
    # tools/ is not a package; load the extractor the way the maintainer runs it
    spec = importlib.util.spec_from_file_location("i18n_extract", ROOT / "tools" / "i18n_extract.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalog() -> dict[str, str]:
    return parse_po(PO.read_text(encoding="utf-8"))


def _placeholders(text: str) -> Counter[tuple[str, str | None, str]]:
    return Counter((name, conversion, spec or "")
                   for _literal, name, spec, conversion in string.Formatter().parse(text) if name is not None)


def test_every_translation_keeps_the_placeholders_of_its_chinese():
    wrong = {}
    for chinese, english in _catalog().items():
        try:
            if _placeholders(english) != _placeholders(chinese):
                wrong[chinese] = english
        except ValueError as exc:  # a stray "{" or "}" would make .format() raise for the clerk too
            wrong[chinese] = f"{english} ({exc})"
    assert wrong == {}


class _Arg:
    """Stands in for any argument: formats under any spec ({size:.1f}) or conversion ({x!r})."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __format__(self, spec: str) -> str:
        return f"<{self.name}>"

    def __repr__(self) -> str:
        return f"<{self.name}>"

    __str__ = __repr__


def test_every_translation_formats_with_the_arguments_the_code_passes():
    for chinese, english in _catalog().items():
        args = {name: _Arg(name) for name, _conv, _spec in _placeholders(chinese)}
        shown = english.format(**args)
        assert all(f"<{name}>" in shown for name in args), (chinese, shown)


def test_switching_language_changes_what_the_cli_says_and_back():
    set_language("en")
    assert current_language() == "en"
    assert _("错误:{reason}") == "Error: {reason}"
    assert _("错误:{reason}").format(reason="x") == "Error: x"
    set_language("zh")
    assert _("错误:{reason}") == "错误:{reason}"


def test_an_unknown_string_stays_chinese_in_english_mode():
    set_language("en")
    assert _("这句话没有翻译") == "这句话没有翻译"


def test_cli_error_in_english_is_one_plain_line(tmp_path, capsys):
    missing = str(tmp_path / "none")
    code = main(["--lang", "en", "--data-dir", missing, "check"])
    out = capsys.readouterr()
    assert code == 1
    lines = out.err.strip().splitlines()
    assert len(lines) == 1, out.err
    assert lines[0].startswith("Error: ")
    assert CJK.search(lines[0].replace(missing, "")) is None, lines[0]


def test_the_same_cli_error_is_chinese_without_lang(tmp_path, capsys):
    code = main(["--data-dir", str(tmp_path / "none"), "check"])
    assert code == 1
    assert capsys.readouterr().err.startswith("错误:")


def test_every_cli_string_has_english():
    catalog = _catalog()
    cli = ROOT / "app" / "cli" / "__init__.py"
    strings = [text for text, _line in _extractor().strings_in(cli)]
    assert len(strings) > 20
    untranslated = [text for text in strings if not catalog.get(text, "").strip()]
    assert untranslated == []


def test_cli_english_has_no_chinese_left_in_it():
    catalog = _catalog()
    cli = ROOT / "app" / "cli" / "__init__.py"
    for text, _line in _extractor().strings_in(cli):
        assert CJK.search(catalog.get(text, "")) is None, text


@pytest.mark.parametrize("text", ["第一行\n第二行", '带"引号"和\\反斜杠', "\t缩进\n", "  前后空格  "])
def test_strings_survive_the_extractor_quoting_and_parse_po(text):
    ex = _extractor()
    po = f'msgid ""\nmsgstr ""\n"Language: en\\n"\n\nmsgid {ex.quote(text)}\nmsgstr {ex.quote(text + "!")}\n'
    assert parse_po(po) == {text: text + "!"}


def test_parse_po_joins_continuation_lines_of_multi_line_strings():
    po = 'msgid ""\n"第一行\\n"\n"第二行"\nmsgstr ""\n"First line\\n"\n"second line"\n\nmsgid "空"\nmsgstr ""\n'
    assert parse_po(po) == {"第一行\n第二行": "First line\nsecond line"}
