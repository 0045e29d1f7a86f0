"""Hostile spreadsheet files for the tests of bounded reading (tests/test_sheet_bounds.py and the fuzz suite).

A zip bomb is made the way an attacker makes one, without inflating it here: one deflate block of a
repeated row, flushed so it stands alone, written many times over. A 2.5 MB file then declares (and
really holds) over 2 GB of sheet XML.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

SHEET = "xl/worksheets/sheet1.xml"
_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_TAIL = b"</sheetData></worksheet>"


def _row(cells: list[str]) -> bytes:
    inner = "".join('<c t="inlineStr"><is><t>{}</t></is></c>'.format(c) for c in cells)
    return "<row>{}</row>".format(inner).encode("utf-8")


def roster_rows() -> list[list[str]]:
    return [["姓名", "性别", "出生日期"], ["张三", "男", "1980-01-02"]]


def ledger_rows() -> list[list[str]]:
    return [["日期", "凭证号", "摘要", "科目", "收入", "支出", "余额"],
            ["", "", "上年结转", "", "", "", "1000.00"],
            ["2026-01-05", "记-001", "鱼塘承包费", "发包及上交收入", "100.00", "", "1100.00"]]


def workbook(rows: list[list[str]]) -> bytes:
    """A small genuine .xlsx (openpyxl) holding ``rows``."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet(base: bytes, name: str, data: bytes, compress_size: int | None = None, *,
               raw: bytes | None = None, crc: int | None = None, size: int | None = None) -> bytes:
    """``base`` (an .xlsx) with member ``name`` replaced: by ``data`` deflated normally, or by a ready
    deflate stream ``raw`` that inflates to ``size`` bytes with checksum ``crc``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == name:
                continue
            dst.writestr(info, src.read(info.filename))
        if raw is None:
            dst.writestr(name, data)
        else:
            _write_raw(dst, name, raw, crc or 0, size or 0)
    return out.getvalue()


def _write_raw(dst: zipfile.ZipFile, name: str, raw: bytes, crc: int, size: int) -> None:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.CRC, info.compress_size, info.file_size = crc, len(raw), size
    info.header_offset = dst.fp.tell()  # type: ignore[union-attr]
    zip64 = size >= zipfile.ZIP64_LIMIT
    dst.fp.write(info.FileHeader(zip64))  # type: ignore[union-attr]
    dst.fp.write(raw)  # type: ignore[union-attr]
    dst.start_dir = dst.fp.tell()  # type: ignore[union-attr]
    dst.filelist.append(info)
    dst.NameToInfo[name] = info


def bomb(rows: list[list[str]], inflated: int, *, giant_cell: bool = False) -> bytes:
    """A real .xlsx whose sheet holds ``rows`` and then the last row repeated until the sheet XML is about
    ``inflated`` bytes, or (``giant_cell``) one more row with a cell of ``inflated`` letters; the zip
    directory is honest (sizes and checksum true)."""
    head = _HEAD + b"".join(_row(r) for r in rows)
    if giant_cell:
        head += b'<row><c t="inlineStr"><is><t>'
        chunk = b"A" * (1 << 20)
        end = b"</t></is></c></row>" + _TAIL
    else:
        repeated = _row(rows[-1])
        chunk = repeated * max(1, (1 << 20) // len(repeated))
        end = _TAIL
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    last = comp.compress(end) + comp.flush()
    times = max(1, inflated // len(chunk))
    raw = first + block * times + last
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(end, crc)
    size = len(head) + len(chunk) * times + len(end)
    return with_sheet(workbook(rows), SHEET, b"", raw=raw, crc=crc, size=size)


def lying_bomb(rows: list[list[str]], inflated: int, declared: int = 4096, *, giant_cell: bool = False) -> bytes:
    """Like :func:`bomb`, but the zip directory says the sheet is only ``declared`` bytes."""
    data = bomb(rows, inflated, giant_cell=giant_cell)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    patched = bytearray(data)
    # the local header: uncompressed size at offset 22; the central directory entry: at offset 24
    struct.pack_into("<I", patched, info.header_offset + 22, declared)
    name = SHEET.encode()
    at = bytes(patched).rfind(b"PK\x01\x02", 0, bytes(patched).rfind(name))
    struct.pack_into("<I", patched, at + 24, declared)
    return bytes(patched)


def many_members(rows: list[list[str]], count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook(rows))) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        for i in range(count):
            dst.writestr("xl/media/image{}.bin".format(i), b"")
    return out.getvalue()


def sheet_xml(rows_xml: bytes) -> bytes:
    return _HEAD + rows_xml + _TAIL


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
