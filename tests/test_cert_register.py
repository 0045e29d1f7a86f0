"""The certificate register (台账): filters, the Excel export for the township, print rows."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

from app.certificates.register import (RegisterQuery, count_register, export_register, print_rows,
                                       search_register)
from app.certificates.service import print_certificate, void_certificate
from test_cert_support import cert_store, catalogues, issue, request  # noqa: F401

LAND = {"contract_no": "HT-7", "plots": "2", "area": "3.5"}


def _fill(store, catalogues) -> dict[str, str]:
    a = issue(store, catalogues).certificate.serial
    b = issue(store, catalogues, request(store, who="王小红")).certificate.serial
    c = issue(store, catalogues, request(store, "SD-03", who="张三", fields=LAND)).certificate.serial
    d = issue(store, catalogues, day=dt.date(2025, 6, 1)).certificate.serial
    issue(store, catalogues, request(store, "SD-02", fields={"household_size": "3", "location": "村东",
                                                             "area": "120", "discussion": "同意"}))
    issue(store, catalogues, request(store, "死亡证明", fields={}))
    with store.begin("测试") as s:
        void_certificate(s, b, "姓名写错")
        print_certificate(s, a)
    with store.begin("测试") as s:
        print_certificate(s, a)
    return {"a": a, "b": b, "c": c, "d": d}


def test_filters_by_kind_year_applicant_and_state(cert_store, catalogues):
    made = _fill(cert_store, catalogues)
    with cert_store.read() as s:
        assert count_register(s) == 5  # the refusal is not a certificate
        assert [r.serial for r in search_register(s, RegisterQuery(kind="SD-03"))] == [made["c"]]
        assert [r.serial for r in search_register(s, RegisterQuery(kind="居住", year=2025))] == [made["d"]]
        assert {r.applicant_name for r in search_register(s, RegisterQuery(applicant="小红"))} == {"王小红"}
        voided = search_register(s, RegisterQuery(state="voided"))
        assert [(r.serial, r.void_reason, r.state_label) for r in voided] == [(made["b"], "姓名写错", "已作废")]
        pending = search_register(s, RegisterQuery(state="pending", year=2026))
        assert len(pending) == 1 and pending[0].serial == "" and pending[0].due_date
        rows = search_register(s, RegisterQuery(year=2026))
        assert rows[-1].state == "pending"  # pending ones, without a number, come last
        assert next(r for r in rows if r.serial == made["a"]).print_count == 2


def test_excel_export_masks_ids_and_lists_voids_and_refusals(cert_store, catalogues, tmp_path):
    made = _fill(cert_store, catalogues)
    path = tmp_path / "台账.xlsx"
    with cert_store.read() as s:
        n = export_register(s, path, RegisterQuery(year=2026))
    assert n == 4
    wb = load_workbook(path)
    sheet = wb["证明台账"]
    assert "柳林村出具证明台账(2026年)" == sheet["A1"].value and "统一社会信用代码" in sheet["A2"].value
    header = [c.value for c in sheet[4]]
    rows = [dict(zip(header, [c.value for c in row])) for row in sheet.iter_rows(min_row=5)]
    by_serial = {r["编号"]: r for r in rows}
    assert by_serial[made["b"]]["状态"] == "已作废" and by_serial[made["b"]]["作废原因"] == "姓名写错"
    assert by_serial[made["a"]]["打印次数"] == 2 and by_serial[made["a"]]["审批人"] == "张三(主任)"
    ids = [r["公民身份号码(已遮盖)"] for r in rows]
    assert all("*" in i for i in ids)
    refused = [[c.value for c in row] for row in wb["拒绝开具记录"].iter_rows(min_row=5)]
    assert len(refused) == 1 and refused[0][1] == "死亡证明" and "医疗卫生机构" in refused[0][4]
    assert not list(tmp_path.glob("*.part"))


def test_print_rows_mark_voided(cert_store, catalogues):
    made = _fill(cert_store, catalogues)
    with cert_store.read() as s:
        title, rows, columns = print_rows(s, RegisterQuery(year=2026))
    assert title == "柳林村出具证明台账(2026年)"
    assert ("serial", "编号") in columns
    voided = [r for r in rows if r["voided"]]
    assert [r["serial"] for r in voided] == [made["b"]]
    assert all("*" in r["applicant_id_masked"] for r in rows)
