"""Printing Chinese: every character of a name comes out of the PDF, or printing stops with a message."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from app.printing.document import Printout
from app.printing.flow import Flow
from app.printing.fonts import (
    FALLBACK_FONTS,
    PRIMARY_FONT,
    MissingGlyphError,
    font_paths,
    missing_glyphs,
    register_fonts,
)
from app.printing.metrics import Metrics
from app.printing.pdf import write_pdf

ROOT = Path(__file__).resolve().parents[1]
NOTICE_LINE = "村务公开 张三 王𠀀明 㐀"
EXT_C_NAME = "李𪜀"  # U+2A700 is only in the second fallback font
PRIVATE_USE = "\ue000"


def _pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _font_names(path: Path) -> set[str]:
    fonts = PdfReader(path).pages[0]["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]) for font in fonts.values()}


def printout(*lines: str) -> Printout:
    """Lines at 24 pt through the one printing toolkit: measured, split into runs by font, laid out."""
    flow = Flow(Metrics(lines))
    flow.lines(list(lines), 24, 36)
    return Printout("字库", tuple(flow.finish()))


@pytest.fixture
def notice_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "notice.pdf"
    write_pdf(printout(NOTICE_LINE, EXT_C_NAME), path)
    return path


def test_rare_characters_in_names_come_out_of_the_pdf(notice_pdf: Path) -> None:
    text = _squeeze(_pdf_text(notice_pdf))
    assert _squeeze(NOTICE_LINE) in text
    assert EXT_C_NAME in text


def test_rare_characters_are_set_in_the_fallback_fonts(notice_pdf: Path) -> None:
    names = " ".join(_font_names(notice_pdf))
    assert "WenQuanYiMicroHei" in names
    assert "HanaMinA" in names  # 𠀀 and 㐀
    assert "HanaMinB" in names  # 𪜀


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdftotext_reads_the_line_as_printed(notice_pdf: Path) -> None:
    out = subprocess.run(
        ["pdftotext", str(notice_pdf), "-"], capture_output=True, text=True, encoding="utf-8", check=True
    ).stdout
    assert NOTICE_LINE in out
    assert EXT_C_NAME in out


def test_character_in_no_font_is_reported() -> None:
    assert missing_glyphs("张" + PRIVATE_USE + "三") == [PRIVATE_USE]
    assert missing_glyphs(NOTICE_LINE) == ["𠀀", "㐀"]
    assert missing_glyphs("王𠀀明", FALLBACK_FONTS[0]) == []


def test_a_character_in_no_font_stops_before_anything_is_printed(tmp_path: Path) -> None:
    path = tmp_path / "refused.pdf"
    with pytest.raises(MissingGlyphError) as raised:
        write_pdf(printout("张" + PRIVATE_USE + "三"), path)
    assert raised.value.chars == [PRIVATE_USE]
    assert "U+E000" in str(raised.value)
    assert "请检查这个字是否录入正确" in str(raised.value)
    assert not path.exists()


def test_a_line_mixing_rare_characters_switches_font_mid_line(tmp_path: Path) -> None:
    page = printout("低保名单:王𠀀明、李𪜀 <已核实>").pages[0]
    fonts = [op.font for op in page.ops]
    assert fonts[0] == PRIMARY_FONT and set(FALLBACK_FONTS) & set(fonts)
    path = tmp_path / "mixed.pdf"
    write_pdf(printout("低保名单:王𠀀明、李𪜀 <已核实>"), path)
    assert "低保名单:王𠀀明、李𪜀<已核实>" in _squeeze(_pdf_text(path))


def test_register_fonts_twice_keeps_the_same_fonts() -> None:
    register_fonts()
    first = pdfmetrics.getFont(PRIMARY_FONT)
    count = len(pdfmetrics.getRegisteredFontNames())
    register_fonts()
    assert pdfmetrics.getFont(PRIMARY_FONT) is first
    assert len(pdfmetrics.getRegisteredFontNames()) == count


def test_every_shipped_font_has_its_licence_beside_it() -> None:
    paths = font_paths()
    assert list(paths) == [PRIMARY_FONT, *FALLBACK_FONTS]
    for path in paths.values():
        assert path.is_file(), path
    folder = paths[PRIMARY_FONT].parent
    assert "Apache License" in (folder / "wqy-microhei.LICENSE.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE" in (folder / "HanaMin.LICENSE.txt").read_text(encoding="utf-8")


def test_importing_the_font_module_does_not_load_reportlab() -> None:
    code = "import sys, app.printing.fonts; print('reportlab' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_the_big_fallback_fonts_are_read_only_for_a_rare_character() -> None:
    # 50 MB of rare characters: a notice in common characters opens its preview without reading them
    script = (
        "import datetime\n"
        "import app.printing.fonts as fonts\n"
        "from app.disclosure.printing import notice_printout\n"
        "from app.disclosure.view import NoticeView\n"
        "view = NoticeView(village_name='柳林村', number='2026-001', title='村务公开', category='村务',\n"
        "                  period_label='2026年', body='{body}')\n"
        "notice_printout(view)\n"
        "print(','.join(fonts._registered))\n")
    common = subprocess.run([sys.executable, "-c", script.format(body="请村民监督。")], capture_output=True,
                            text=True, check=True, cwd=ROOT).stdout.strip()
    assert common == PRIMARY_FONT
    rare = subprocess.run([sys.executable, "-c", script.format(body="低保对象王𠀀明。")], capture_output=True,
                          text=True, check=True, cwd=ROOT).stdout.strip()
    assert rare.split(",") == [PRIMARY_FONT, *FALLBACK_FONTS]
