"""Printed certificates and the certificate register, read back the way a clerk or a scanner reads them."""

from __future__ import annotations

import dataclasses
import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.certificates.printing import (
    MM,
    SEAM_Y,
    CertificateLayoutError,
    certificate_printout,
    chinese_date,
    render_certificate,
    render_register,
)
from app.certificates.view import CertificateView
from app.printing.fonts import MissingGlyphError
from conftest import make_id

RARE_NAME = "赵𠀀明"  # U+20000 is only in the fallback font
SERIAL = "柳林证字〔2026〕第0042号"
VILLAGE_CODE = "54371426MF5000001X"
PAYLOAD = "CUNWU1|54371426MF5000001X|2026-0042|20261124|K7Q2M9|3f2a9c1b"
FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")

LONG_BODY = (
    "兹证明" + RARE_NAME + "，男，身份证号码3701**********1234，系本村第一村民小组村民，"
    "自2015年3月起在本村柳林路18号居住至今，居住情况属实。该同志在本村居住期间遵纪守法，"
    "家庭和睦，积极参加村里组织的各项公益活动，按时缴纳新型农村合作医疗和养老保险费用。\n"
    "因其子女申请在石桥镇中心小学入学，需提供居住证明。经村民委员会入户走访、查阅村民花名册"
    "并向所在村民小组组长及邻居核实，上述情况属实。其家庭现有人口四人，均在本村居住，"
    "无外出务工记录，房屋为自建砖混结构住房，建于2012年。\n"
    "本证明仅证明上述居住事实，不作为其他用途的依据。\n特此证明。"
)


def make_view(**changes: object) -> CertificateView:
    view = CertificateView(
        village_name="柳林村",
        village_code=VILLAGE_CODE,
        serial=SERIAL,
        kind_name="居住证明",
        title="居住证明",
        body=LONG_BODY,
        applicant_name=RARE_NAME,
        purpose="办理子女入学",
        issue_date=datetime.date(2026, 11, 24),
        verifier="李会计",
        approver="王主任",
        qr_payload=PAYLOAD,
        check_code="K7Q2M9",
        reprint=False,
        print_count=1,
        chain_head="第 123 号 · 3f2a9c1b",
        stub_lines=[("申请人身份证号", "3701**********1234"), ("住址", "柳林村第一村民小组柳林路18号")],
    )
    return dataclasses.replace(view, **changes)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def squeeze(text: str) -> str:
    return "".join(text.split())


def text_lines_by_height(path: Path) -> dict[float, str]:
    """The text of the first page grouped by baseline height in points, bottom = 0."""
    lines: dict[float, str] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            y = round(tm[4] * cm[1] + tm[5] * cm[3] + cm[5], 1)
            lines[y] = lines.get(y, "") + text

    PdfReader(path).pages[0].extract_text(visitor_text=visit)
    return lines


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    path = tmp_path / "certificate.pdf"
    render_certificate(path, make_view())
    return path


def test_certificate_shows_what_the_applicant_and_the_office_need(certificate: Path) -> None:
    text = squeeze(pdf_text(certificate))
    for expected in ("居住证明", RARE_NAME, "柳林村村民委员会", VILLAGE_CODE, "K7Q2M9", "存根", "沿此线剪开",
                     "盖章处", "二〇二六年十一月二十四日", "李会计", "王主任", "核验码",
                     "扫二维码或输入核验码,可以查对这份证明有没有被改动。"):
        assert expected in text, expected
    assert "补打" not in text
    # plain words on paper (issue 16): no jargon a villager cannot read
    for jargon in ("防篡改链", "校验值", "校验码", "哈希"):
        assert jargon not in text, jargon


def test_certificate_is_one_page_with_the_whole_long_body(certificate: Path) -> None:
    assert len(PdfReader(certificate).pages) == 1
    text = squeeze(pdf_text(certificate))
    for paragraph in LONG_BODY.splitlines():
        assert squeeze(paragraph) in text


def test_serial_is_on_the_stub_the_certificate_and_across_the_cut(certificate: Path) -> None:
    assert squeeze(pdf_text(certificate)).count(SERIAL) >= 3
    heights = [y for y, line in text_lines_by_height(certificate).items() if SERIAL in squeeze(line)]
    assert any(y > SEAM_Y + 20 for y in heights), "serial missing on the stub"
    assert any(y < SEAM_Y - 20 for y in heights), "serial missing on the certificate"
    # The seam number's baseline is just under the cut and its 15 pt characters
    # reach above it, so scissors cut every character in half.
    assert any(SEAM_Y - 15 * 0.6 < y < SEAM_Y - 2 for y in heights), "serial does not straddle the cut line"


def test_reprint_is_marked_on_both_halves(tmp_path: Path) -> None:
    path = tmp_path / "reprint.pdf"
    render_certificate(path, make_view(reprint=True, print_count=2))
    text = squeeze(pdf_text(path))
    assert text.count("补打（第2次打印）") == 2


def test_overlong_body_is_refused_instead_of_cut_off(tmp_path: Path) -> None:
    path = tmp_path / "too-long.pdf"
    with pytest.raises(CertificateLayoutError, match="太长"):
        render_certificate(path, make_view(body=LONG_BODY * 3))
    assert not path.exists()


def test_name_no_font_has_stops_printing_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "box.pdf"
    with pytest.raises(MissingGlyphError, match="字库"):
        render_certificate(path, make_view(applicant_name="赵\ue000明"))
    assert not path.exists()


def test_no_full_id_number_reaches_the_paper(tmp_path: Path) -> None:
    full_id = make_id(datetime.date(1990, 1, 1), 123)
    path = tmp_path / "masked.pdf"
    # One ID already masked by the certificate core, one that slipped through unmasked.
    body = "兹证明赵明（身份证号3701**********1234）之子，身份证号" + full_id + "，系本村村民。\n特此证明。"
    render_certificate(path, make_view(body=body, stub_lines=[("身份证号", full_id)]))
    text = pdf_text(path)
    assert "3701**********1234" in text
    assert full_id not in squeeze(text)
    assert not FULL_ID.search(squeeze(text))
    assert VILLAGE_CODE in squeeze(text)  # the committee's public code is not a personal number


def test_qr_code_is_drawn_with_the_payload_and_is_at_least_30_mm() -> None:
    from app.printing.ops import QR_QUIET, Qr, qr_modules

    qrs = [op for op in certificate_printout(make_view()).pages[0].ops if isinstance(op, Qr)]
    assert [q.payload for q in qrs] == [PAYLOAD]
    modules = len(qr_modules(PAYLOAD))
    symbol_mm = qrs[0].size * modules / (modules + 2 * QR_QUIET) / MM
    assert symbol_mm >= 30


@pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="no offline QR decoder (Debian zbar-tools) or poppler-utils",
)
def test_qr_code_scans_back_to_the_payload(certificate: Path, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-gray", str(certificate), str(tmp_path / "page")], check=True)
    scanned = subprocess.run(
        ["zbarimg", "-q", "--raw", str(tmp_path / "page-1.png")], capture_output=True, text=True
    ).stdout.strip()
    assert scanned == PAYLOAD


@pytest.mark.parametrize(
    ("day", "written"),
    [
        (datetime.date(2026, 11, 24), "二〇二六年十一月二十四日"),
        (datetime.date(2030, 10, 5), "二〇三〇年十月五日"),
        (datetime.date(2027, 1, 20), "二〇二七年一月二十日"),
    ],
)
def test_dates_are_written_in_chinese_numerals(day: datetime.date, written: str) -> None:
    assert chinese_date(day) == written


COLUMNS = [
    ("serial", "编号"), ("issued", "出具日期"), ("kind", "证明种类"), ("applicant", "申请人"),
    ("purpose", "用途"), ("verifier", "核实人"), ("approver", "审批人"), ("state", "状态"),
]


def register_rows(count: int) -> list[dict]:
    return [
        {
            "serial": "柳林证字〔2026〕第{n:04d}号".format(n=n),
            "issued": datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
            "kind": "居住证明",
            "applicant": RARE_NAME if n == 3 else "村民{n}".format(n=n),
            "purpose": "办理子女\n入学" if n == 5 else "办理子女入学",  # a line break typed into the field
            "verifier": "李会计",
            "approver": "王主任",
            "state": "已出具",
            "voided": n == 7,
        }
        for n in range(1, count + 1)
    ]


def test_register_repeats_its_header_and_numbers_every_page(tmp_path: Path) -> None:
    path = tmp_path / "register.pdf"
    render_register(path, "柳林村出具证明台账", register_rows(70), COLUMNS)
    pages = [squeeze(page.extract_text()) for page in PdfReader(path).pages]
    assert len(pages) == 4  # 70 rows of one line each: as many pages as before the one toolkit
    for number, text in enumerate(pages, start=1):
        assert "".join(label for _key, label in COLUMNS) in text, "header missing on page {n}".format(n=number)
        assert "第{n}页/共{m}页".format(n=number, m=len(pages)) in text
    everything = "".join(pages)
    assert RARE_NAME in everything
    assert "柳林证字〔2026〕第0070号" in everything


def test_register_shows_voided_certificates_as_voided(tmp_path: Path) -> None:
    path = tmp_path / "register.pdf"
    render_register(path, "柳林村出具证明台账", register_rows(8), COLUMNS)
    lines = [squeeze(line) for line in text_lines_by_height(path).values()]
    voided = next(line for line in lines if "第0007号" in line)
    kept = next(line for line in lines if "第0006号" in line)
    assert voided.endswith("已作废")
    assert kept.endswith("已出具")
    assert sum(line.count("已作废") for line in lines) == 1
