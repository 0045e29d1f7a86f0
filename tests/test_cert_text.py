"""What a printed certificate says, read back from the PDF as the school or office that receives it reads it.

The body carries the applicant's full 公民身份号码 (the certificate is handed to the person to identify them,
so the receiving body must be able to match it); the stub kept in the village and the register stay masked
(个人信息保护法 第六条: no more personal information than the purpose needs; the stub and the register only
have to tell two people apart). The village's name is written once, and the purpose once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from pypdf import PdfReader
from sqlalchemy import select

from app.certificates.models import Certificate
from app.certificates.printing import render_certificate, render_register
from app.certificates.register import RegisterQuery, print_rows
from app.certificates.service import certificate_view, print_certificate
from app.masking import mask_id
from conftest import make_id
from test_cert_support import cert_store, catalogues, issue, request  # noqa: F401


def _text(path) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(str(path)).pages))


def _printed(store, serial: str, path) -> str:
    with store.begin("测试") as s:
        view = print_certificate(s, serial, who="王文书")
    render_certificate(path, view)
    return _text(path)


def _id_of(store, serial: str) -> str:
    with store.read() as s:
        return s.scalar(select(Certificate.applicant_id_number).where(Certificate.serial == serial))


def test_the_certificate_body_carries_the_full_id_number_and_the_stub_keeps_it_masked(cert_store, catalogues,
                                                                                        tmp_path):
    serial = issue(cert_store, catalogues).certificate.serial
    number = _id_of(cert_store, serial)
    text = _printed(cert_store, serial, tmp_path / "c.pdf")
    body = text[text.index("居住证明", text.index("沿此线剪开")):]  # the half handed to the person
    assert "公民身份号码:{n}".format(n=number) in body
    assert text.count(number) == 1  # only the body: the stub above the cut shows it masked
    stub = text[:text.index("沿此线剪开")]
    assert mask_id(number) in stub and number not in stub


def test_the_printed_register_and_its_listing_keep_id_numbers_masked(cert_store, catalogues, tmp_path):
    serial = issue(cert_store, catalogues).certificate.serial
    number = _id_of(cert_store, serial)
    with cert_store.read() as s:
        title, rows, columns = print_rows(s, RegisterQuery())
    render_register(tmp_path / "register.pdf", title, rows, columns)
    text = _text(tmp_path / "register.pdf")
    assert serial in text and mask_id(number) in text and number not in text


def test_an_address_that_already_starts_with_the_village_name_prints_it_once(cert_store, catalogues, tmp_path):
    typed = issue(cert_store, catalogues, request(cert_store, fields={"address": "柳林村第一村民小组12号",
                                                                      "since": "2019年3月"})).certificate
    short = issue(cert_store, catalogues, request(cert_store, fields={"address": "第二村民小组3号",
                                                                      "since": "2019年3月"})).certificate
    text = _printed(cert_store, typed.serial, tmp_path / "typed.pdf")
    assert "在柳林村第一村民小组12号居住至今" in text and "柳林村柳林村" not in text
    text = _printed(cert_store, short.serial, tmp_path / "short.pdf")
    assert "在柳林村第二村民小组3号居住至今" in text


def test_the_purpose_is_written_once_on_the_certificate(cert_store, catalogues, tmp_path):
    serial = issue(cert_store, catalogues).certificate.serial
    text = _printed(cert_store, serial, tmp_path / "c.pdf")
    certificate = text[text.index("沿此线剪开"):]
    assert "此证明用于办理居住证。" in certificate
    assert certificate.count("办理居住证") == 1 and "用途：" not in certificate
    assert "用途办理居住证" in text[:text.index("沿此线剪开")]  # the stub keeps its 用途 box


def test_a_reprint_of_a_certificate_issued_earlier_writes_the_purpose_once(cert_store, catalogues, tmp_path):
    serial = issue(cert_store, catalogues).certificate.serial
    _printed(cert_store, serial, tmp_path / "first.pdf")
    text = _printed(cert_store, serial, tmp_path / "again.pdf")
    assert "补打" in text and text[text.index("沿此线剪开"):].count("办理居住证") == 1


def test_a_kind_whose_text_does_not_name_the_purpose_still_prints_it(cert_store, catalogues, tmp_path):
    serial = issue(cert_store, catalogues).certificate.serial
    with cert_store.read() as s:
        view = certificate_view(s, serial)
    render_certificate(tmp_path / "c.pdf", replace(view, body=view.body.split("\n")[0]))
    text = _text(tmp_path / "c.pdf")
    assert "用途：办理居住证" in text[text.index("沿此线剪开"):]


def test_other_numbers_on_the_certificate_stay_masked(cert_store, catalogues, tmp_path):
    """Only the applicant's own number is printed whole: a family member's number in the text is not."""
    serial = issue(cert_store, catalogues).certificate.serial
    number = _id_of(cert_store, serial)
    other = make_id(dt.date(1960, 2, 3), 41)
    with cert_store.read() as s:
        view = certificate_view(s, serial)
    render_certificate(tmp_path / "c.pdf", replace(view, body=view.body + "\n其母公民身份号码" + other + "。"))
    text = _text(tmp_path / "c.pdf")
    assert number in text and other not in text and mask_id(other) in text
