"""One rule for a person's name, at the door of the register (issue 14, item 11).

《中华人民共和国民法典》第一千零一十二条: 自然人享有姓名权,有权依法决定、使用、变更或者许可他人使用自己的
姓名,但是不得违背公序良俗。The register keeps the name as the person's documents give it: any script, the
middle dot of minority names, up to the 30 characters a certificate prints. Names of 5,000 characters, or with
U+202E, control or zero-width characters were imported and only refused later, when a certificate was
issued; now the roster import, the resident dialog and certificates refuse them alike, in plain words.
"""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.errors import FieldError
from app.people.models import Resident
from app.people.names import NAME_MAX, check_name
from app.people.service import ResidentInput, add_resident, update_resident
from conftest import make_id
from test_cert_support import cert_store, catalogues, issue, request  # noqa: F401

LONGEST = "阿卜杜热合曼·买买提明·艾尔肯·阿不都热依木·吐尔逊·阿里木"  # 30 characters with the dots
BAD = {
    "5,000 characters": ("张" * 5000, "5000 个字"),
    "right-to-left override": ("张\u202e三", "U+202E"),
    "bell": ("张\x07三", "U+0007"),
    "zero-width space": ("张\u200b三", "U+200B"),
    "zero-width joiner": ("李\u200d四", "U+200D"),
    "31 characters": ("张" * 31, "31 个字"),
}


def people(store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Resident)))


def names(store) -> set[str]:
    with store.read() as s:
        return set(s.scalars(select(Resident.name)))


def roster(path, rows: list[list[str]]) -> str:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([["姓名", "性别", "出生日期"], *rows])
    return str(path)


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_the_longest_sample_is_exactly_the_limit():
    assert len(LONGEST) == NAME_MAX == 30


# ---------------------------------------------------------------- the roster import


def test_import_reports_every_bad_name_on_its_row_and_imports_nothing(store, tmp_path, capsys):
    rows = [["王五", "男", "1970-01-01"]] + [[name, "女", "1990-02-03"] for name, _shown in BAD.values()]
    path = roster(tmp_path / "花名册.csv", rows)
    before = people(store)
    code, out = run(capsys, "--data-dir", str(store.data_dir), "residents", "import", path)
    assert code == 1
    assert "没有导入任何数据" in out and "出现意外问题" not in out
    lines = out.splitlines()
    for row, (_name, shown) in enumerate(BAD.values(), start=3):
        line = next(line for line in lines if line.strip().startswith("第{}行 [姓名]".format(row)))
        assert shown in line
    assert "张" * 100 not in out  # the 5,000 characters are not echoed back
    assert people(store) == before


def test_import_keeps_real_names_as_their_documents_give_them(store, tmp_path, capsys):
    path = roster(tmp_path / "花名册.csv", [
        [LONGEST, "男", "1970-01-01"],
        ["张 三", "男", "1971-01-01"],            # a space to line up two characters with three: dropped
        ["  John   Smith ", "男", "1972-01-01"],  # words of a Latin name keep one space
        ["Zoe\u0301", "女", "1973-01-01"],         # e and a combining accent: stored as the one character é
        ["\u9fb6\U000e0100", "女", "1974-01-01"],  # a variation selector keeps a rare character's glyph
        ["\ue000明", "男", "1975-01-01"],           # a rare character given a private-use code point
    ])
    code, out = run(capsys, "--data-dir", str(store.data_dir), "residents", "import", path)
    assert code == 0, out
    assert {LONGEST, "张三", "John Smith", "Zoé", "\u9fb6\U000e0100", "\ue000明"} <= names(store)
    assert unicodedata.is_normalized("NFC", "Zoé")


# ---------------------------------------------------------------- the resident dialog


@pytest.mark.parametrize("case", list(BAD))
def test_the_resident_form_refuses_a_bad_name_next_to_the_name_field(store, case):
    name, shown = BAD[case]
    before = people(store)
    with pytest.raises(FieldError) as caught:
        with store.begin("测试") as s:
            add_resident(s, ResidentInput(name=name, sex="女", birth_date=dt.date(1990, 2, 3)))
    assert caught.value.field == "name" and shown in str(caught.value)
    assert people(store) == before


def test_editing_a_resident_to_a_bad_name_is_refused_and_the_old_name_stays(store):
    with store.begin("测试") as s:
        rid = add_resident(s, ResidentInput(name="赵六", sex="男", birth_date=dt.date(1980, 1, 1))).id
    with pytest.raises(FieldError, match="U\\+202E"):
        with store.begin("测试") as s:
            update_resident(s, rid, ResidentInput(name="赵\u202e六", sex="男", birth_date=dt.date(1980, 1, 1)))
    assert "赵六" in names(store) and "赵\u202e六" not in names(store)


def test_the_form_and_the_import_store_the_same_name():
    assert check_name(" 张 三 ") == "张三"
    assert check_name("John   Smith") == "John Smith"
    with pytest.raises(FieldError, match="请填写姓名"):
        check_name(" \u3000 ")


# ---------------------------------------------------------------- certificates take what the register took


def test_a_certificate_is_issued_for_the_longest_name_the_register_takes(cert_store, catalogues):  # noqa: F811
    with cert_store.begin("测试") as s:
        add_resident(s, ResidentInput(name=LONGEST, id_number=make_id(dt.date(1970, 1, 1), 11, area="650102")))
    out = issue(cert_store, catalogues, request(cert_store, who=LONGEST))
    assert out.status == "issued" and out.certificate.applicant_name == LONGEST


def test_a_certificate_for_an_outsider_is_refused_in_the_registers_words(cert_store, catalogues):  # noqa: F811
    from app.certificates.service import Applicant

    outsider = Applicant("刘\u202e建军", make_id(dt.date(1980, 5, 6), 77, area="410526"))
    with pytest.raises(FieldError) as at_certificate:
        issue(cert_store, catalogues, request(cert_store, resident_id=None, applicant=outsider))
    with pytest.raises(FieldError) as at_register:
        check_name("刘\u202e建军")
    assert str(at_certificate.value) == str(at_register.value)
