"""The certificate, its 样张 and the certificate register as printouts of the one toolkit (issue 16).

Each is compared with what it printed before the toolkit (the same lines of text, the same number of
pages, read back from the PDF with pdftotext -layout), except the words issue 16 changes on purpose:
防篡改链 and 校验码 became 核验码 with one plain sentence, and the page numbers read 第 x 页 / 共 y 页.
"""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.certificates.printing import (
    CHECK_SENTENCE,
    CertificateLayoutError,
    certificate_printout,
    print_after_commit,
    register_printout,
    render_certificate,
    render_register,
    specimen_before_commit,
)
from app.printing.fonts import MissingGlyphError
from app.printing.ops import Qr, Text
from test_cert_printing import COLUMNS, SERIAL, make_view, register_rows
from test_cert_support import DAY, cert_store, catalogues, counts, request  # noqa: F401

# The certificate of test_cert_printing.make_view as pdftotext -layout reads it, a line each, spaces taken
# out; the same lines as before the toolkit but for the last two words of the bottom left.
EXPECTED_LINES = [
    "存根（本联由出具单位留存备查）",
    "编号柳林证字〔2026〕第0042号证明种类居住证明",
    "申请人赵𠀀明出具日期2026年11月24日",
    "用途办理子女入学核实人李会计",
    "审批人王主任申请人身份证号3701**********1234",
    "柳林村第一村民小组柳林路18",
    "住址",
    "号",
    "沿此线剪开沿此线剪开",
    "柳林证字〔2026〕第0042号",
    "骑缝编号",
    "编号：柳林证字〔2026〕第0042号",
    "居住证明",
    "兹证明赵𠀀明，男，身份证号码3701**********1234，系本村第一村民",
    "小组村民，自2015年3月起在本村柳林路18号居住至今，居住情况属实。该同",
    "志在本村居住期间遵纪守法，家庭和睦，积极参加村里组织的各项公益活动，",
    "按时缴纳新型农村合作医疗和养老保险费用。",
    "因其子女申请在石桥镇中心小学入学，需提供居住证明。经村民委员会入",
    "户走访、查阅村民花名册并向所在村民小组组长及邻居核实，上述情况属实。",
    "其家庭现有人口四人，均在本村居住，无外出务工记录，房屋为自建砖混结构",
    "住房，建于2012年。",
    "本证明仅证明上述居住事实，不作为其他用途的依据。",
    "特此证明。",
    "用途：办理子女入学",
    "柳林村村民委员会",
    "盖章处统一社会信用代码",
    "54371426MF5000001X",
    "K7Q2M9二〇二六年十一月二十四日",
    "核验码",
    "扫二维码或输入核验码,可以查对这份证明有没有被改动。本证明未加盖公章无效",
]
JARGON = ("防篡改链", "校验值", "校验码", "哈希", "hash")


def layout_lines(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return ["".join(line.split()) for line in out.splitlines() if line.strip()]


def texts(printout, leave_out: frozenset[str] = frozenset()) -> list[str]:  # type: ignore[no-untyped-def]
    return [op.text for page in printout.pages for op in page.ops if isinstance(op, Text) and op.text not in leave_out]


def assert_inside(printout) -> None:  # type: ignore[no-untyped-def]
    """Every piece of text inside its page's body box (the certificate: the printable area; a flowing printout:
    between its side margins, and on the paper)."""
    for page in printout.pages:
        left, bottom, right, top = page.body
        for op in page.ops:
            if isinstance(op, Text):
                where = "{t!r} on page {n}".format(t=op.text[:20], n=page.number)
                assert left - 0.5 <= op.x and op.x + op.width <= right + 0.5, where
                assert 0 < op.y - 0.25 * op.size and op.y + op.size < page.height, where


# ---------------------------------------------------------------- the certificate


def test_certificate_prints_the_lines_it_printed_before_on_one_page(tmp_path: Path) -> None:
    path = tmp_path / "certificate.pdf"
    render_certificate(path, make_view())
    assert len(PdfReader(path).pages) == 1
    assert layout_lines(path) == EXPECTED_LINES


def test_certificate_says_核验码_in_the_same_words_as_the_notice_and_no_jargon() -> None:
    from app.disclosure.layout import CHECK_SENTENCE as NOTICE_SENTENCE

    assert CHECK_SENTENCE == NOTICE_SENTENCE
    words = "".join(texts(certificate_printout(make_view())))
    assert "扫二维码或输入核验码,可以查对这份证明有没有被改动。" in words
    for jargon in JARGON:
        assert jargon not in words, jargon


def test_a_reprint_prints_the_same_lines_with_its_mark_on_both_halves(tmp_path: Path) -> None:
    path = tmp_path / "reprint.pdf"
    render_certificate(path, make_view(reprint=True, print_count=3))
    lines = layout_lines(path)
    assert lines[0] == "补打（第3次打印）存根（本联由出具单位留存备查）"
    assert "补打（第3次打印）编号：柳林证字〔2026〕第0042号" in lines
    assert len(PdfReader(path).pages) == 1


# ---------------------------------------------------------------- 样张


SPECIMEN_MARKS = frozenset({"样张", "样张 · 未开具,不能使用", "不能核验", "编号：样张"})


def test_specimen_has_no_serial_no_qr_code_and_no_核验码() -> None:
    view = make_view()
    specimen = certificate_printout(view, specimen=True)
    words = texts(specimen)
    assert not any(SERIAL in w for w in words)
    assert not any(isinstance(op, Qr) for op in specimen.pages[0].ops)
    assert not set(view.check_code) & set("".join(w for w in words if len(w) == 1))
    assert "样张" in specimen.title and specimen.subject == ""


def test_specimen_is_marked_large_and_gray_across_the_page_and_where_the_serial_goes() -> None:
    page = certificate_printout(make_view(), specimen=True).pages[0]
    big = [op for op in page.ops if isinstance(op, Text) and op.text == "样张" and op.size >= 100]
    assert len(big) == 2  # one across the stub, one across the certificate
    assert all(0.5 < op.gray < 1 and op.width > page.width / 3 for op in big)
    small = [op for op in page.ops if isinstance(op, Text) and op.text == "样张" and op.size < 20]
    assert len(small) >= 3  # on the stub's 编号 line, across the cut, and in place of the QR code
    assert any(op.text == "编号：样张" for op in page.ops if isinstance(op, Text))
    assert sum(op.text == "样张 · 未开具,不能使用" for op in page.ops if isinstance(op, Text)) == 2


def test_the_issued_page_is_the_specimen_with_its_number() -> None:
    view = make_view()
    specimen = certificate_printout(view, specimen=True)
    issued = certificate_printout(view)
    numbers = frozenset({SERIAL, "编号：" + SERIAL, *view.check_code})
    assert texts(specimen, SPECIMEN_MARKS) == texts(issued, numbers)
    assert [op.payload for op in issued.pages[0].ops if isinstance(op, Qr)] == [view.qr_payload]


def test_specimen_before_commit_keeps_nothing(cert_store, catalogues) -> None:  # noqa: F811
    from app.certificates.service import certificate_view, issue_certificate
    from app.keys import load_village_key

    key = load_village_key(cert_store.data_dir)
    before = counts(cert_store)

    def work(s):  # type: ignore[no-untyped-def]
        out = issue_certificate(s, request(cert_store), catalogues=catalogues, signer=key, today=DAY)
        return out, certificate_view(s, out.certificate.serial)

    outcome, specimen = specimen_before_commit(cert_store, "测试", work)
    assert outcome.status == "issued" and specimen is not None and "样张" in texts(specimen)
    assert counts(cert_store) == before
    # the real one takes the number the 样张 would have had
    with cert_store.begin("测试") as s:
        assert issue_certificate(s, request(cert_store), catalogues=catalogues, signer=key,
                                 today=DAY).certificate.serial == outcome.certificate.serial


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("change", [
    {"applicant_name": "赵\ue000明"},
    {"stub_lines": [("住址", "柳林路\ue000号")]},
    {"purpose": "办理\ue000入学"},
])
def test_a_character_no_font_has_stops_printing_naming_it(tmp_path: Path, change: dict) -> None:
    path = tmp_path / "box.pdf"
    with pytest.raises(MissingGlyphError, match="U\\+E000"):
        render_certificate(path, make_view(**change))
    with pytest.raises(MissingGlyphError, match="U\\+E000"):
        certificate_printout(make_view(**change), specimen=True)
    assert not path.exists()


def test_a_character_no_font_has_uses_no_serial(cert_store, catalogues, tmp_path: Path) -> None:  # noqa: F811
    from app.certificates.service import issue_certificate, print_certificate
    from app.keys import load_village_key

    key = load_village_key(cert_store.data_dir)
    before = counts(cert_store)
    bad = request(cert_store, fields={"address": "第一村民小组\ue000号", "since": "2019年3月"})

    def work(s):  # type: ignore[no-untyped-def]
        out = issue_certificate(s, bad, catalogues=catalogues, signer=key, today=DAY)
        return out, print_certificate(s, out.certificate.serial, who="测试")

    with pytest.raises(MissingGlyphError, match="U\\+E000"):
        specimen_before_commit(cert_store, "测试", work)
    with pytest.raises(MissingGlyphError, match="U\\+E000"):
        print_after_commit(cert_store, "测试", work, lambda _view: tmp_path / "c.pdf")
    assert counts(cert_store) == before
    assert not (tmp_path / "c.pdf").exists()


def test_the_longest_values_the_form_allows_lay_out_inside_the_page(catalogues) -> None:  # noqa: F811
    """Every kind with its fields at their printed length (the form refuses longer: app.certificates.service
    check_fields, PURPOSE_MAX, CHECK_MAX), a long name, the purpose at 40 characters and what was checked and
    on what document at 60 each: the stub gives those a whole row each (before the toolkit such a stub was
    refused as too long)."""
    from app.certificates.service import CHECK_MAX, PURPOSE_MAX

    kinds = [k for lst in catalogues.approved for k in lst.items]
    assert kinds
    for kind in kinds:
        values = {"village": "柳林村", "purpose": "用" * PURPOSE_MAX, "name": "欧阳赵𠀀明", "id_number": "370112199001011234",
                  "sex": "男", "group": "第十二村民小组", **{f.name: "字" * f.max_len for f in kind.fields}}
        stub = [("公民身份号码", "3701**********1234"), ("核实内容", "核" * CHECK_MAX), ("核实依据", "依" * CHECK_MAX),
                ("目录版本", "SD-2020-示例-1")]
        view = make_view(title=kind.title, kind_name=kind.name, body=kind.render(values), purpose=values["purpose"],
                         applicant_name=values["name"], verifier="欧阳核实人", approver="欧阳审批人(副主任受托)",
                         stub_lines=stub, applicant_id_number=values["id_number"])
        for specimen in (False, True):
            printout = certificate_printout(view, specimen=specimen)
            assert len(printout) == 1
            assert_inside(printout)


def test_a_500_character_value_is_refused_not_cut_off(tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    for change in ({"stub_lines": [("住址", "长" * 500)]}, {"body": "长" * 500 * 3}, {"purpose": "长" * 500},
                   {"title": "很长的标题" * 20}, {"village_name": "村" * 500}):
        with pytest.raises(CertificateLayoutError, match="太长|太多"):
            render_certificate(path, make_view(**change))
        assert not path.exists()


def test_a_long_value_that_fits_stays_inside_the_page() -> None:
    view = make_view(stub_lines=[("住址", "长" * 120)], purpose="用" * 60)
    assert_inside(certificate_printout(view))


# ---------------------------------------------------------------- the register


def test_register_prints_the_rows_with_the_header_and_title_on_every_page(tmp_path: Path) -> None:
    path = tmp_path / "register.pdf"
    render_register(path, "柳林村出具证明台账", register_rows(70), COLUMNS)
    lines = layout_lines(path)
    pages = PdfReader(path).pages
    assert len(pages) == 4  # as many as before the toolkit
    assert lines.count("柳林村出具证明台账") == 4
    assert lines.count("编号出具日期证明种类申请人用途核实人审批人状态") == 4
    assert [line for line in lines if line.startswith("第") and "页/共" in line] == [
        "第1页/共4页", "第2页/共4页", "第3页/共4页", "第4页/共4页"]
    rows = [line for line in lines if line.startswith("柳林证字")]
    assert len(rows) == 70  # every row on one line: nothing broken
    assert rows[6] == "柳林证字〔2026〕第0007号2026-01-08居住证明村民7办理子女入学李会计王主任已作废"
    assert rows[4] == "柳林证字〔2026〕第0005号2026-01-06居住证明村民5办理子女入学李会计王主任已出具"


def test_register_serials_ids_and_dates_never_break_and_voided_rows_are_gray() -> None:
    columns = [("serial", "编号"), ("applicant_id_masked", "公民身份号码(已遮盖)"), ("issue_date", "开具日期"),
               ("purpose", "用途"), ("state", "状态")]
    rows = [{"serial": "柳林证字〔2026〕第{n:04d}号".format(n=n), "applicant_id_masked": "3701**********1234",
             "issue_date": datetime.date(2026, 1, n), "purpose": "用途" * 200, "state": "已出具", "voided": n == 2}
            for n in range(1, 4)]
    printout = register_printout("台账", rows, columns)
    words = texts(printout)
    for row in rows:
        assert row["serial"] in words and row["issue_date"].isoformat() in words
    assert words.count("3701**********1234") == 3
    ops = [op for page in printout.pages for op in page.ops if isinstance(op, Text)]
    voided = next(op for op in ops if op.text == rows[1]["serial"])
    kept = next(op for op in ops if op.text == rows[0]["serial"])
    assert voided.gray > 0.2 and kept.gray == 0
    assert next(op for op in ops if op.text == "已作废").gray == 0
    assert_inside(printout)


def test_an_empty_register_is_one_page_with_its_header() -> None:
    printout = register_printout("柳林村出具证明台账(1999年)", [], COLUMNS)
    assert len(printout) == 1 and printout.landscape
    words = texts(printout)
    assert "(无)" in words and "第 1 页 / 共 1 页" in words
    assert all(label in words for _key, label in COLUMNS)
    assert_inside(printout)


def test_register_cells_of_500_characters_and_a_long_title_lay_out_inside_the_page() -> None:
    rows = [dict(r, purpose="办理" * 250) for r in register_rows(3)]
    printout = register_printout("很长的台账标题" * 8, rows, COLUMNS)
    assert_inside(printout)
    assert "".join(texts(printout)).count("办理") >= 750


def test_register_a_character_no_font_has_stops_printing_naming_it() -> None:
    rows = register_rows(3)
    rows[1]["applicant"] = "赵\ue000明"
    with pytest.raises(MissingGlyphError, match="U\\+E000"):
        register_printout("台账", rows, COLUMNS)


def test_register_has_no_jargon() -> None:
    words = "".join(texts(register_printout("台账", register_rows(3), COLUMNS)))
    for jargon in JARGON:
        assert jargon not in words


def test_register_rows_keep_their_content_when_the_layout_changes() -> None:
    rows = register_rows(12)
    words = "".join(texts(register_printout("台账", rows, COLUMNS)))
    for row in rows:
        for key, _label in COLUMNS:
            value = row[key]
            text = value.isoformat() if isinstance(value, datetime.date) else str(value).replace("\n", " ")
            if key == "state" and row["voided"]:
                text = "已作废"
            assert text.replace(" ", "") in words.replace(" ", ""), text




def test_a_certificate_issued_but_not_printed_is_待补打_in_the_printed_register(cert_store, catalogues) -> None:  # noqa: F811
    """docs/certificates.md §4.1: the printer did not print it; the register says so until 补打 prints it."""
    from app.certificates.register import print_rows
    from app.certificates.service import issue_certificate, print_certificate
    from app.keys import load_village_key

    key = load_village_key(cert_store.data_dir)
    with cert_store.begin("测试") as s:
        serial = issue_certificate(s, request(cert_store), catalogues=catalogues, signer=key,
                                   today=DAY).certificate.serial
    with cert_store.read() as s:
        title, rows, columns = print_rows(s)
    assert [r["state"] for r in rows] == ["已开具,待补打"]
    assert "已开具,待补打" in texts(register_printout(title, rows, columns))
    with cert_store.begin("测试") as s:
        print_certificate(s, serial, who="测试")
    with cert_store.read() as s:
        assert [r["state"] for r in print_rows(s)[1]] == ["已开具"]
