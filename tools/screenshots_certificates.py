"""Screenshots of the 证明开具 screen for the user guide: ``python tools/screenshots_certificates.py``.

Builds the small demo village (with its demo certificates) in a temporary
directory and writes, in the main window at 1366x728 (a 1366x768 office screen less its taskbar) offscreen:
docs/images/cert-issue.png (a 居住证明 filled in for a resident, ready to issue),
docs/images/cert-specimen.png (its 样张 in the print preview, with 确认开具),
docs/images/cert-refused.png (a request for a 死亡证明, refused, with where to go),
docs/images/cert-register.png (the register of this year, a voided row among them) and
docs/images/cert-verify.png (a certificate's QR text checked: 真实有效), and
docs/images/cert-verify-code.png (the 核验码 typed: found and checked) and
docs/images/cert-verify-code-wrong.png (one character wrong: not genuine, and why).
``--large`` takes them in 大字模式 and ``--out DIR`` writes them elsewhere.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shotkit import application, arguments, demo_window, save, settle  # noqa: E402


def main() -> int:
    out, large = arguments()
    app = application(large)

    from sqlalchemy import select

    from app.certificates.models import Certificate
    from app.people.service import ResidentQuery, search_residents
    from ui import widgets
    from ui.certificates.screen import ISSUE, REGISTER, VERIFY, CertificatesScreen

    widgets.open_path = lambda _path: True  # type: ignore[assignment] - no PDF viewer offscreen

    with demo_window(app) as (store, window):
        screen = window.show_screen("certificates")
        assert isinstance(screen, CertificatesScreen)
        settle(app, lambda: screen.context is not None and screen.register_panel.model.total > 0)

        # -- a 居住证明 for a resident, filled in and ready to issue
        issue = screen.issue_panel
        screen.show_tab(ISSUE)
        with store.read() as s:
            resident = next(r for r in search_residents(s, ResidentQuery(adults_only=True), limit=50)
                            if r.id_number and r.group_name and not r.status)
        issue.kind_search.setText("居住")
        settle(app)
        issue.evaluate_search()
        issue.select_kind("SD-01")
        issue.applicant.search_edit.setText(resident.name)
        issue.applicant.search()
        settle(app, lambda: issue.applicant.matches.count() > 0)
        issue.applicant.matches.setCurrentRow(0)
        issue.purpose.edit.setText("办理居住证")
        issue.field_rows["address"].edit.setText("{group}18号".format(group=resident.group_name))
        issue.field_rows["since"].edit.setText("2015年3月")
        settle(app)
        save(window, out / "cert-issue.png")

        # -- 开具并打印 shows the 样张 first (nothing numbered yet); closed again, so nothing is issued
        issue.issue()
        settle(app, lambda: issue.specimen_dialog is not None)
        specimen = issue.specimen_dialog
        settle(app)
        save(specimen, out / "cert-specimen.png")
        specimen.reject()
        settle(app, lambda: issue.specimen_dialog is None)

        # -- a request on the negative list
        issue.applicant.clear()
        issue.kind_search.setText("死亡证明")
        issue.evaluate_search()
        settle(app, lambda: issue.refusal_box.isVisible())
        save(window, out / "cert-refused.png")

        # -- the register, with a voided certificate selected
        screen.show_tab(REGISTER)
        register = screen.register_panel
        settle(app, lambda: register.model.rowCount() > 0)
        voided = next((i for i, r in enumerate(register.model.rows) if r.state == "voided"), 0)
        register.table.selectRow(voided)
        settle(app, lambda: register.details is not None)
        # the details under the table take room from it: keep the selected row in sight
        from PySide6.QtWidgets import QAbstractItemView

        register.table.scrollTo(register.model.index(voided, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
        settle(app)
        save(window, out / "cert-register.png")

        # -- a certificate checked at the verify tab
        with store.read() as s:
            payload = s.scalar(select(Certificate.qr_payload).where(Certificate.state == "issued")
                               .order_by(Certificate.id.desc()).limit(1))
        verify = screen.show_tab(VERIFY)
        verify.scan_edit.setText(payload)  # type: ignore[attr-defined]
        verify.verify()  # type: ignore[attr-defined]
        settle(app, lambda: verify.result is not None)  # type: ignore[attr-defined]
        save(window, out / "cert-verify.png")

        # -- the 校验码 typed by hand, on an office screen (1366x768 less the taskbar): found, then one wrong
        with store.read() as s:
            code = s.scalar(select(Certificate.check_code).where(Certificate.state == "issued")
                            .order_by(Certificate.id.desc()).limit(1))
        window.resize(1366, 728)
        for name, typed in (("cert-verify-code.png", code.lower()),
                            ("cert-verify-code-wrong.png", code[:3] + ("A" if code[3] != "A" else "B") + code[4:])):
            verify.result = None  # type: ignore[attr-defined]
            verify.scan_edit.setText(typed)  # type: ignore[attr-defined]
            verify.verify()  # type: ignore[attr-defined]
            settle(app, lambda: verify.result is not None)  # type: ignore[attr-defined]
            save(window, out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
