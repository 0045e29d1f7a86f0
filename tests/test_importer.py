"""The roster import's grouping into households and its dry run."""

import datetime as dt

from openpyxl import Workbook

from app.people.importer import households_from_roster, import_roster
from app.people.service import count_residents
from app.people.spreadsheet import RosterRow
from conftest import make_id


def _row(n, name, head="", relation="", group="一组", address=""):
    return RosterRow(row_number=n, name=name, sex="男", birth_date=dt.date(1970, 1, 1), id_number=None,
                     group_name=group, head_name=head, relation=relation, address=address)


def test_two_heads_with_the_same_common_name_stay_two_households():
    rows = [_row(2, "王伟", relation="户主"), _row(3, "李娜", head="王伟", relation="配偶"),
            _row(4, "王伟", relation="户主"), _row(5, "王小明", head="王伟", relation="子"),
            _row(6, "张强", relation="户主", group="二组"), _row(7, "张小强", head="张强", relation="子", group="二组")]
    households = households_from_roster(rows)
    assert [[m.name for m in h.members] for h in households] == [["王伟", "李娜"], ["王伟", "王小明"],
                                                                  ["张强", "张小强"]]


def test_dry_run_previews_the_first_rows_and_writes_nothing(store, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "村民小组", "户主姓名", "与户主关系"])
    for i in range(30):
        ws.append([f"新人{i}", make_id(dt.date(1980, 1, 1) + dt.timedelta(days=i), 100 + i), "五组",
                   "新人0", "户主" if i == 0 else "子"])
    path = tmp_path / "名单.xlsx"
    wb.save(path)
    with store.begin() as s:
        before = count_residents(s)
        report = import_roster(s, path, dry_run=True)
    assert not report.errors and report.rows == 30 and report.households == 1
    assert report.groups_created == ["五组"]
    assert [r.name for r in report.preview[:3]] == ["新人0", "新人1", "新人2"] and len(report.preview) == 20
    with store.read() as s:
        assert count_residents(s) == before


def test_a_resident_imported_with_two_phone_numbers_saves_unchanged_in_the_dialog(store, tmp_path):
    # the import and the add/edit dialog share one phone rule
    from app.people.service import ResidentInput, ResidentQuery, search_residents, update_resident

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "联系电话"])
    ws.append(["两部电话", make_id(dt.date(1966, 6, 6), 61), "+86 138 0013 8000、0531-88886666"])
    path = tmp_path / "电话.xlsx"
    wb.save(path)
    with store.begin() as s:
        assert not import_roster(s, path).errors
    with store.read() as s:
        r = search_residents(s, ResidentQuery(text="两部电话"))[0]
    assert r.phone == "13800138000/0531-88886666"
    with store.begin() as s:
        saved = update_resident(s, r.id, ResidentInput(name=r.name, id_number=r.id_number, phone=r.phone))
    assert saved.phone == r.phone


def test_status_words_a_clerk_types_are_understood_and_others_refused(store):
    import pytest

    from app.people.service import FieldError, clean_status

    assert clean_status("已迁出") == "moved" and clean_status(" 已故 ") == "died" and clean_status("在册") is None
    assert clean_status("") is None and clean_status(None) is None
    with pytest.raises(FieldError) as err:
        clean_status("出嫁")
    assert err.value.field == "status" and "已迁出" in err.value.message


def test_the_roster_status_column_imports_exports_and_refuses_what_it_cannot_read(store, tmp_path):
    from app.people.export import export_roster
    from app.people.service import ResidentQuery, search_residents

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "状态"])
    ws.append(["走了的", make_id(dt.date(1970, 1, 1), 71), "已迁出"])
    ws.append(["故去的", make_id(dt.date(1930, 1, 1), 72), "已故"])
    ws.append(["还在的", make_id(dt.date(1990, 1, 1), 73), ""])
    path = tmp_path / "状态.xlsx"
    wb.save(path)
    with store.begin() as s:
        assert not import_roster(s, path).errors
    with store.read() as s:
        status = {r.name: r.status for r in search_residents(s, ResidentQuery(text="的"))}
    assert status == {"走了的": "moved", "故去的": "died", "还在的": None}

    out = tmp_path / "导出.xlsx"
    with store.read() as s:
        export_roster(s, out)
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    header = [c.value for c in next(sheet.iter_rows(min_row=1, max_row=5)) if c.value]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    head_row = next(i for i, r in enumerate(rows) if "状态" in r)
    col = rows[head_row].index("状态")
    by_name = {r[0]: r[col] for r in rows[head_row + 1:]}
    assert by_name["走了的"] == "已迁出" and by_name["故去的"] == "已故" and by_name["张三"] == "在册", header

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "状态"])
    ws.append(["出嫁的", make_id(dt.date(1995, 1, 1), 74), "出嫁"])
    bad = tmp_path / "坏状态.xlsx"
    wb.save(bad)
    with store.begin() as s:
        report = import_roster(s, bad)
    (error,) = report.errors
    assert error.column == "状态" and "出嫁" in error.reason and "已迁出" in error.fix


def test_probationary_members_import_export_and_import_back_unchanged(store, tmp_path):
    # 《中国共产党章程》第七条: a probationary member (预备党员) is not a full member; the roster keeps them apart
    from app.people.export import export_roster
    from app.people.service import ResidentQuery, search_residents

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "政治面貌", "预备期开始"])
    ws.append(["预备甲", make_id(dt.date(1996, 1, 1), 81), "中共预备党员", "2026-02-03"])
    ws.append(["正式乙", make_id(dt.date(1970, 1, 1), 83), "中共党员", "1999-07-01"])
    path = tmp_path / "党员.xlsx"
    wb.save(path)
    with store.begin() as s:
        assert not import_roster(s, path).errors

    def flags(s):  # type: ignore[no-untyped-def]
        return {r.name: (r.party_member, r.probationary, r.probation_since)
                for r in search_residents(s, ResidentQuery(text="甲")) + search_residents(s, ResidentQuery(text="乙"))}

    with store.read() as s:
        before = flags(s)
    assert before["预备甲"] == (False, True, dt.date(2026, 2, 3)) and before["正式乙"] == (True, False, None)

    out = tmp_path / "导出.xlsx"
    with store.read() as s:
        export_roster(s, out)
    from app.people.spreadsheet import read_roster

    again = {r.name: (r.party_member, r.probationary, r.probation_since) for r in read_roster(out).rows}
    assert again["预备甲"] == before["预备甲"] and again["正式乙"] == before["正式乙"]
