"""Re-creates roster_2003.xls, the old-format (.xls) fixture of test_spreadsheet.py.

Nothing in the project can write .xls, so the file is kept in the repository;
run this with the xlwt package installed only if the fixture has to change:
    python tests/data/make_roster_xls.py
"""

import datetime as dt
import sys
from pathlib import Path

import xlwt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for the one check-digit helper
from conftest import make_id  # noqa: E402


def main() -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    sheet.write_merge(0, 0, 0, 5, "东岭村村民花名册（2003年）")
    for col, title in enumerate(["姓名", "性别", "身份证号码", "出生日期", "电话", "组别"]):
        sheet.write(1, col, title)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write(2, 0, "王建国")
    sheet.write(2, 2, make_id(dt.date(1965, 3, 4), 123))
    sheet.write(2, 4, 13800138000)  # a phone typed as a number
    sheet.write(2, 5, 1)  # group typed as a number
    sheet.write(3, 0, "王小花")
    sheet.write(3, 1, "女")
    sheet.write(3, 3, dt.date(2023, 5, 6), date_style)  # an infant without an ID yet
    sheet.write(3, 5, 1)
    sheet.write(4, 0, "李四")
    sheet.write(4, 2, float(make_id(dt.date(1970, 1, 1), 1)))  # an ID typed as a number
    sheet.write(4, 5, 2)
    book.save(str(Path(__file__).with_name("roster_2003.xls")))


if __name__ == "__main__":
    main()
