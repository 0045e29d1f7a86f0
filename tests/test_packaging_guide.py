"""The user guide as a PDF the township prints (docs/用户手册.pdf), made by app.guide_pdf from
docs/user-guide.md with the program's own printing, screenshots included (issue: on the clerk's PC,
item 6)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.guide_pdf import GuideError, main, parse, write_guide_pdf

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "user-guide.md"


@pytest.fixture(scope="module")
def guide_pdf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("guide") / "用户手册.pdf"
    assert main(["-o", str(out)]) == 0
    return out


def _images_drawn(reader: PdfReader) -> int:
    n = 0
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        content = page.get_contents().get_data().decode("latin-1")
        n += sum(content.count(f"{name} Do") for name in xobjects
                 if xobjects[name].get_object()["/Subtype"] == "/Image")
    return n


def test_every_heading_and_every_screenshot_of_the_guide_is_printed(guide_pdf):
    reader = PdfReader(guide_pdf)
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    source = GUIDE.read_text(encoding="utf-8")
    headings = [re.sub(r"[*`]", "", h) for h in re.findall(r"(?m)^#{1,3}\s+(.*)$", source)]
    assert len(headings) > 20
    position = 0
    for heading in headings:  # in the guide's order
        found = text.find(re.sub(r"\s+", "", heading), position)
        assert found >= 0, heading
        position = found
    assert _images_drawn(reader) == len(re.findall(r"!\[[^\]]*\]\([^)]+\)", source))
    assert len(reader.pages) >= 15
    assert reader.metadata.title == "村务 使用说明"


def test_the_pages_are_a4_and_numbered(guide_pdf):
    reader = PdfReader(guide_pdf)
    for number, page in enumerate(reader.pages, start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
        assert "第 {n} 页".format(n=number) in page.extract_text()


def test_lists_paragraphs_and_tables_are_read_as_the_guide_writes_them(tmp_path):
    md = ("# 标题\n\n一段话写在\n两行里。\n\n1. 第一步:\n   - 里面的一点\n     接着写\n2. 第二步\n\n"
          "   ![图](a.png)\n\n| 会议 | 通过 |\n|---|---|\n| 村民会议 | **过半数** |\n")
    blocks = parse(md, tmp_path)
    assert [(b.kind, b.level) for b in blocks] == [("heading", 1), ("paragraph", 0), ("item", 0), ("item", 1),
                                                   ("item", 0), ("image", 1), ("table", 0)]
    assert blocks[1].text == "一段话写在两行里。"
    assert blocks[3].text == "里面的一点接着写" and blocks[2].marker == "1."
    assert blocks[6].rows == [["会议", "通过"], ["村民会议", "**过半数**"]]


def test_a_missing_screenshot_is_named_and_no_file_is_written(tmp_path):
    source = tmp_path / "guide.md"
    source.write_text("# 说明\n\n![首页](images/没有这张.png)\n", encoding="utf-8")
    out = tmp_path / "out.pdf"
    with pytest.raises(GuideError, match="没有这张.png"):
        write_guide_pdf(out, source, "0.1.0")
    assert not out.exists()


def test_the_command_makes_the_printable_guide_from_the_current_guide(tmp_path):
    """`python -m app.guide_pdf -o FILE`, as scripts/build.sh runs it for the township."""
    import subprocess
    import sys

    pdf = tmp_path / "用户手册.pdf"
    subprocess.run([sys.executable, "-m", "app.guide_pdf", "-o", str(pdf)], cwd=ROOT, check=True,
                   capture_output=True, timeout=600)
    reader = PdfReader(pdf)
    assert reader.metadata.title == "村务 使用说明" and len(reader.pages) >= 15
    # every stream is binary: no page or picture written out as ASCII85 text
    assert b"/ASCII85Decode" not in pdf.read_bytes()


def test_no_heading_is_left_alone_at_the_foot_of_a_page():
    """A section heading is printed on the page of what it introduces (its subheading, text or screenshot)."""
    from app import program_version
    from app.guide_pdf import SIZES, layout
    from app.printing.ops import Rect, Text

    pages, _pictures, _title = layout(GUIDE, program_version())
    heading_sizes = {SIZES[2], SIZES[3]}
    for page in pages:
        bottom = page.body[1]
        content = [op for op in page.ops if (isinstance(op, Text) and op.y > bottom) or isinstance(op, Rect)]
        headings = [op for op in content if isinstance(op, Text) and op.bold and op.size in heading_sizes]
        for heading in headings:
            below = [op for op in content if op.y < heading.y - heading.size and op not in headings]
            assert below, f"page {page.number}: {heading.text} has nothing under it"
