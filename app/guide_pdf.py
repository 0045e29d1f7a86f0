"""The user guide as a PDF the township can print (用户手册.pdf), made with the program's own printing.

docs/user-guide.md (the text 帮助 shows) is read as the little Markdown it uses: headings (#, ##, ###),
paragraphs, lists (-, 1.) nested by indentation, pictures on a line of their own, and tables, whose cells
are text or pictures. Bold and code marks are dropped. The text is laid out with app.printing.flow.Flow
(measured and wrapped by app.printing.metrics.Metrics, with the fonts every printout uses), drawn with
app.printing.pdf.draw_pages; the screenshots are drawn on the same pages with ReportLab's drawImage.

    python -m app.guide_pdf -o 用户手册.pdf [--source docs/user-guide.md]
"""

from __future__ import annotations

import argparse
import re
import struct
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import UserError
from app.i18n import _
from app.printing.flow import Flow, TableStyle, page_texts
from app.printing.metrics import Metrics
from app.printing.ops import Line, Page, Rect
from app.printing.pages import MM
from app.printing.tables import PrintedTable

BODY = 10.5
LEADING = 1.65
SIZES = {1: 22.0, 2: 15.0, 3: 12.5}
BULLET = "•"
GAP = 4 * MM
IMAGE_MAX_HEIGHT = 0.42  # of the page's body: two screenshots and their text share a page
TABLE_STYLE = TableStyle(size=9.5, title_size=10.0, pad_x=4.0, pad_y=2.5, keep_whole=6.0)

_IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)$")
_IMAGE_ANYWHERE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_LIST = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$")


class GuideError(UserError):
    """The guide cannot be made (a picture it names is missing or is no PNG): said on the command line."""


def plain(text: str) -> str:
    """A line as printed: links as their text, without bold and code marks."""
    text = _LINK.sub(r"\1", text)
    return text.replace("**", "").replace("`", "").replace("\\|", "|").strip()


# ---------------------------------------------------------------- reading the Markdown


@dataclass
class Block:
    kind: str               # heading, paragraph, item, image, table
    text: str = ""
    level: int = 0          # heading level; list depth
    marker: str = ""        # a list item's bullet or number
    image: Path | None = None
    rows: list[list[str]] = field(default_factory=list)


def parse(markdown: str, base: Path) -> list[Block]:
    """The blocks of ``markdown``; pictures are resolved against ``base`` (the guide's folder)."""
    blocks: list[Block] = []
    para: list[str] = []
    table: list[str] = []
    indents: list[int] = []

    def flush() -> None:
        if para:
            text = " ".join(p.strip() for p in para)
            last = blocks[-1] if blocks else None
            if last is not None and last.kind == "item" and para[0].startswith(" "):
                last.text += " " + text  # a list item's continuation line
            else:
                blocks.append(Block("paragraph", _join_cjk(text)))
            para.clear()
        if table:
            rows = [_cells(r) for r in table if not re.fullmatch(r"\|?[\s:|-]+\|?", r.strip())]
            blocks.append(Block("table", rows=rows))
            table.clear()

    for raw in markdown.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if stripped.startswith("|"):
            if para:
                flush()
            table.append(stripped)
            continue
        if table:
            flush()
        if m := re.match(r"^(#{1,3})\s+(.*)$", stripped):
            flush()
            indents.clear()
            blocks.append(Block("heading", plain(m.group(2)), level=len(m.group(1))))
            continue
        if m := _IMAGE.match(stripped):
            flush()
            blocks.append(Block("image", plain(m.group(1)), image=(base / m.group(2)).resolve(),
                                level=_depth(indents, len(line) - len(line.lstrip()))))
            continue
        if m := _LIST.match(line):
            flush()
            indent = len(m.group(1))
            while indents and indents[-1] > indent:
                indents.pop()
            if not indents or indents[-1] < indent:
                indents.append(indent)
            marker = BULLET if m.group(2) in "-*+" else m.group(2)
            blocks.append(Block("item", plain(m.group(3)), level=len(indents) - 1, marker=marker))
            continue
        para.append(plain(line) if not line.startswith(" ") else " " + plain(line))
    flush()
    for b in blocks:
        if b.kind == "item":
            b.text = _join_cjk(b.text)
    return blocks


def _depth(indents: list[int], indent: int) -> int:
    """The list depth a picture indented by ``indent`` belongs to (0 outside lists)."""
    if not indent:
        return 0
    return sum(1 for i in indents if i < indent)


def _join_cjk(text: str) -> str:
    """Lines joined as one paragraph: no space between two Chinese characters that a line break parted."""
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])", "", text)


def _cells(row: str) -> list[str]:
    row = row.strip().strip("|")
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)]


def png_size(path: Path) -> tuple[int, int]:
    """Width and height in pixels of a PNG file (its IHDR chunk), without decoding it."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise GuideError(_("{path} 不是 PNG 图片。").format(path=path))
    return struct.unpack(">II", head[16:24])


# ---------------------------------------------------------------- laying it out


@dataclass(frozen=True)
class Picture:
    page: int               # index into the pages
    x: float
    y: float                # bottom-left, PDF points
    w: float
    h: float
    path: Path


class GuideLayout:
    """The guide's pages as drawing operations, and where each picture goes."""

    def __init__(self, blocks: Sequence[Block], *, version: str, base: Path) -> None:
        self.base = base
        texts = [b.text for b in blocks] + [c for b in blocks for r in b.rows for c in r] + [BULLET, version]
        texts += page_texts(_("第 {n} 页")) + [_("村务 使用说明"), _("版本 {version}").format(version=version)]
        self.m = Metrics(texts)
        self.flow = Flow(self.m, body_size=BODY, body_leading=LEADING, margin_side=20 * MM, margin_top=18 * MM,
                         margin_bottom=18 * MM)
        self.pictures: list[Picture] = []
        self.following: Block | None = None
        self.version = version
        self.title = _("村务 使用说明")
        for i, block in enumerate(blocks):
            self.following = blocks[i + 1] if i + 1 < len(blocks) else None
            getattr(self, "_" + block.kind)(block)

    # each kind of block

    def _heading(self, b: Block) -> None:
        f = self.flow
        size = SIZES[b.level]
        if b.level == 1:
            self.title = b.text
            f.space(40 * MM)
            f.title(b.text, size)
            f.lines([_("版本 {version}").format(version=self.version)], BODY * 1.2, BODY * 2.4, align="centre")
            f.space(6 * MM)
            return
        f.space(5 * MM if b.level == 2 else 3 * MM)
        f.heading(b.text, size, keep_with=self._keep_with())
        if b.level == 2:
            f.ops.append(Line(f.left, f.y + 1.5, f.right, f.y + 1.5, 0.6, 0.45))
        f.space(1.5 * MM)

    def _keep_with(self) -> float:
        """How much of what follows a heading must fit under it on its page: a subheading and its first
        lines, a screenshot whole, else four lines."""
        lines = 4 * BODY * LEADING
        nxt = self.following
        if nxt is not None and nxt.kind == "heading":
            return 1.5 * SIZES[nxt.level] + 3 * MM + lines
        if nxt is not None and nxt.kind == "image" and nxt.image is not None and nxt.image.is_file():
            return self._image_size(nxt)[1] + GAP * 1.5 + BODY * 1.4
        return lines

    def _image_size(self, b: Block) -> tuple[float, float]:
        """Width and height a picture is printed at."""
        f = self.flow
        indent = (b.level + 1) * 2 * BODY if b.level else 0.0
        px_w, px_h = png_size(b.image)  # type: ignore[arg-type]
        max_h = (f.top - f.bottom) * IMAGE_MAX_HEIGHT
        w = min(f.width - indent, px_w * 0.75)  # never larger than the screen showed it (96 dpi)
        h = w * px_h / px_w
        if h > max_h:
            h, w = max_h, max_h * px_w / px_h
        return w, h

    def _paragraph(self, b: Block) -> None:
        self.flow.paragraph(b.text, size=BODY, leading=BODY * LEADING, after=BODY * 0.5)

    def _item(self, b: Block) -> None:
        f = self.flow
        indent = b.level * 2 * BODY
        marker = b.marker + " "
        hang = indent + self.m.width(marker, BODY)
        f.paragraph(marker + b.text, size=BODY, leading=BODY * LEADING, first_indent=indent, indent=hang,
                    after=BODY * 0.2)

    def _image(self, b: Block) -> None:
        if b.image is None or not b.image.is_file():
            raise GuideError(_("使用说明里的图片 {path} 找不到了。").format(path=b.image))
        f = self.flow
        indent = (b.level + 1) * 2 * BODY if b.level else 0.0
        room = f.width - indent
        w, h = self._image_size(b)
        x = f.left + indent + (room - w) / 2
        self._place([(x, w, h, b.image)], h, caption=b.text)

    def _place(self, row: list[tuple[float, float, float, Path]], height: float, *, caption: str = "") -> None:
        f = self.flow
        cap = BODY * 0.9
        cap_lead = cap * 1.5 if caption else 0.0
        f.need(height + cap_lead + GAP)
        f.space(GAP / 2)
        top = f.y
        for x, w, h, path in row:
            self.pictures.append(Picture(len(f.pages) - 1, x, top - h, w, h, path))
            f.ops.append(Rect(x, top - h, w, h, None, 0.7, 0.5))
        f.y = top - height
        if caption:
            f.lines([caption], cap, cap_lead, align="centre", gray=0.3)
        f.space(GAP)

    def _table(self, b: Block) -> None:
        if not b.rows:
            return
        head, body = b.rows[0], b.rows[1:]
        if body and all(_IMAGE_ANYWHERE.search(c) for c in body[0] if c):
            self._picture_table(head, body)
            return
        f = self.flow
        f.space(GAP / 2)
        f.table(PrintedTable("", [plain(c) for c in head], [[plain(c) for c in r] for r in body]), TABLE_STYLE)
        f.space(GAP)

    def _picture_table(self, head: list[str], body: list[list[str]]) -> None:
        """A row of screenshots side by side, each with its column's heading under it."""
        f = self.flow
        for row in body:
            n = len(row)
            gap = 3 * MM
            cell = (f.width - gap * (n - 1)) / n
            max_h = (f.top - f.bottom) * IMAGE_MAX_HEIGHT
            sizes = []
            for text in row:
                m = _IMAGE_ANYWHERE.search(text)
                if m is None:
                    sizes.append(None)
                    continue
                path = (self.base / m.group(2)).resolve()
                if not path.is_file():
                    raise GuideError(_("使用说明里的图片 {path} 找不到了。").format(path=path))
                px_w, px_h = png_size(path)
                w = min(cell, px_w * 0.75)
                h = min(w * px_h / px_w, max_h)
                sizes.append((path, h * px_w / px_h, h))
            height = max((s[2] for s in sizes if s), default=0.0)
            placed = []
            for i, s in enumerate(sizes):
                if s is None:
                    continue
                path, w, h = s
                x = f.left + i * (cell + gap) + (cell - w) / 2
                placed.append((x, w, h, path))
            cap = BODY * 0.9
            f.need(height + cap * 1.5 + GAP)
            self._place(placed, height)
            # each picture's caption under it, its column's heading
            y = f.y + GAP
            for i, label in enumerate(head[:n]):
                label = plain(label)
                lines = self.m.wrap(label, cap, cell)
                for k, line in enumerate(lines):
                    w = self.m.width(line, cap)
                    x = f.left + i * (cell + gap) + (cell - w) / 2
                    f.put(f.ops, x, y - (k + 1) * cap * 1.4, line, cap, w, gray=0.3)
            f.y -= cap * 1.4 * max(len(self.m.wrap(plain(h), cap, cell)) for h in head[:n]) + GAP / 2

    def pages(self) -> list[Page]:
        f = self.flow
        size = 8.5

        def footer(ops: list, number: int, total: int) -> None:  # type: ignore[type-arg]
            label = _("第 {n} 页").format(n=number)
            w = self.m.width(label, size)
            f.put(ops, (f.w - w) / 2, f.bottom - 10 * MM, label, size, w, gray=0.35)
            if number > 1:
                head = self.title
                f.put(ops, f.left, f.h - 11 * MM, head, size, None, gray=0.45)
                ops.append(Line(f.left, f.h - 12.5 * MM, f.right, f.h - 12.5 * MM, 0.4, 0.6))

        return f.finish(footer)


def layout(source: Path, version: str) -> tuple[list[Page], list[Picture], str]:
    """The pages of the guide in ``source``, the pictures on them and the document's title."""
    text = Path(source).read_text(encoding="utf-8")
    base = Path(source).resolve().parent
    g = GuideLayout(parse(text, base), version=version, base=base)
    return g.pages(), g.pictures, g.title


def write_guide_pdf(out: Path, source: Path, version: str) -> int:
    """Write the guide as a PDF to ``out`` (whole or not at all); returns the number of pages."""
    from reportlab.pdfgen.canvas import Canvas

    from app.files import replacing
    from app.printing.fonts import register_fonts
    from app.printing.pdf import binary_streams, draw_pages

    pages, pictures, title = layout(source, version)
    register_fonts()
    by_page: dict[int, list[Picture]] = {}
    for p in pictures:
        by_page.setdefault(p.page, []).append(p)
    # every stream binary, the screenshots included (ReportLab encodes an image when it is drawn)
    with replacing(Path(out)) as tmp, binary_streams():
        canvas = Canvas(str(tmp), pagesize=(pages[0].width, pages[0].height), pageCompression=1, invariant=1)
        canvas.setTitle(title)
        canvas.setCreator(_("村务"))
        canvas.setSubject(_("版本 {version}").format(version=version))
        for i, page in enumerate(pages):
            canvas.setPageSize((page.width, page.height))
            for p in by_page.get(i, []):  # under the page's own drawing: the frame is drawn over it
                canvas.drawImage(str(p.path), p.x, p.y, p.w, p.h)
            draw_pages(canvas, [page])
        canvas.save()
    return len(pages)


def main(argv: Sequence[str] | None = None) -> int:
    from app import program_version

    root = Path(__file__).resolve().parent.parent
    p = argparse.ArgumentParser(prog="python -m app.guide_pdf", description=_("把使用说明做成可以打印的 PDF。"))
    p.add_argument("-o", "--output", required=True, help=_("PDF 文件,例如 dist/用户手册.pdf"))
    p.add_argument("--source", default=str(root / "docs" / "user-guide.md"), help=_("使用说明的 Markdown 文件"))
    args = p.parse_args(argv)
    try:
        n = write_guide_pdf(Path(args.output), Path(args.source), program_version())
    except (GuideError, OSError) as exc:
        print(_("错误:{reason}").format(reason=exc), file=sys.stderr)
        return 1
    print(_("已生成使用说明 {path},共 {n} 页。").format(path=args.output, n=n))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
