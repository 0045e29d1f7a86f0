"""Screenshots of the residents screen for the user guide: ``python tools/screenshots_residents.py``.

Builds the small demo village in a temporary directory and writes, in the main window at 1366x728 (a 1366x768
office screen less its taskbar) offscreen:
docs/images/residents.png, docs/images/resident-dialog.png (a wrong ID number
refused) and docs/images/import-errors.png (the import wizard listing what is
wrong in a small bad roster).
``--large`` takes them in 大字模式 and ``--out DIR`` writes them elsewhere.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shotkit import SIZE, application, arguments, demo_window, save, settle  # noqa: E402


def bad_roster(path: Path) -> Path:
    """A small roster with the mistakes clerks really make."""
    import openpyxl

    from app.people.idcard import random_valid_id

    rng = random.Random(7)

    def person_id(year: int, month: int, day: int, sex: str) -> str:
        return random_valid_id(rng, area="371426", birth=dt.date(year, month, day), sex=sex)

    wrong_check = person_id(1978, 4, 12, "女")
    wrong_check = wrong_check[:-1] + ("1" if wrong_check[-1] != "1" else "2")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "性别", "身份证号", "出生日期", "联系电话", "村民小组", "户主姓名", "与户主关系"])
    sheet.append(["刘建国", "男", person_id(1965, 3, 2, "男"), "", "13805310001", "第一村民小组", "", "户主"])
    sheet.append(["王桂兰", "女", wrong_check, "", "", "第一村民小组", "刘建国", "配偶"])
    sheet.append(["刘小军", "男", 3.71426199905e17, "", "", "第一村民小组", "刘建国", "子"])
    sheet.append(["", "女", person_id(2001, 8, 30, "女"), "", "", "第一村民小组", "刘建国", "女"])
    sheet.append(["赵德明", "女", person_id(1959, 11, 5, "男"), "", "1380531", "第二村民小组", "", "户主"])
    book.save(path)
    return path


def main() -> int:
    out, large = arguments()
    app = application(large)

    from ui.people.residents_screen import ResidentsScreen

    with demo_window(app) as (_store, window), tempfile.TemporaryDirectory(prefix="cunwu-shots-") as tmp:
        screen = window.show_screen("residents")
        assert isinstance(screen, ResidentsScreen)
        settle(app, lambda: screen.model.rowCount() > 3)
        screen.select_resident(screen.model.row_at(3).id)
        settle(app)
        save(window, out / "residents.png")

        dialog = screen.add_resident()
        dialog.name_edit.setText("王桂兰")
        first17 = "37142619780412062"
        dialog.id_edit.setText(first17 + "1")  # the check digit of this number is not 1
        dialog.phone_edit.setText("13805310002")
        dialog.save_button.click()
        settle(app, lambda: dialog.save_button.isEnabled() and bool(dialog.error_text("id_number")))
        dialog.adjustSize()
        settle(app)
        save(dialog, out / "resident-dialog.png")
        dialog.reject()

        sheet = bad_roster(Path(tmp) / "花名册.xlsx")
        wizard = screen.open_import_wizard()
        wizard.resize(SIZE[0] - 240, SIZE[1] - 40)
        wizard.file_page.set_path(sheet)
        wizard.next()
        settle(app, lambda: wizard.check_page.report is not None)
        save(wizard, out / "import-errors.png")
        wizard.reject()
        settle(app)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
