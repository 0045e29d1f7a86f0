"""Re-creates roster_2003.xls, the old-format (.xls) fixture of test_spreadsheet.py.

Nothing in the project can write .xls, so the file is kept in the repository;
run this with the xlwt package installed only if the fixture has to change:
    python tests/data/make_roster_xls.py
"""

import datetime as dt
from pathlib import Path

import xlwt

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def main() -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("花名册")
    sheet.write_merge(0, 0, 0, 5, "东岭村村民花名册（2003年）")
    for col, title in enumerate(["姓名", "性别", "身份证号码", "出生日期", "电话", "组别"]):
        sheet.write(1, col, title)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write(2, 0, "王建国")
    sheet.write(2, 2, make_id("37010219650304123"))
    sheet.write(2, 4, 13800138000)  # a phone typed as a number
    sheet.write(2, 5, 1)  # group typed as a number
    sheet.write(3, 0, "王小花")
    sheet.write(3, 1, "女")
    sheet.write(3, 3, dt.date(2023, 5, 6), date_style)  # an infant without an ID yet
    sheet.write(3, 5, 1)
    sheet.write(4, 0, "李四")
    sheet.write(4, 2, float(make_id("37010219700101001")))  # an ID typed as a number
    sheet.write(4, 5, 2)
    book.save(str(Path(__file__).with_name("roster_2003.xls")))


if __name__ == "__main__":
    main()
