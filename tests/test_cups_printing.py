"""Printing through the system's printers (CUPS) as a clerk on Linux, UOS or Kylin does, with a virtual PDF printer.

The test starts its own CUPS scheduler on the loopback interface, with its own configuration, spool and
output folders in a temporary folder (the system's printers and /etc/cups/cupsd.conf are not touched), adds
a queue on Debian's virtual PDF printer (printer-driver-cups-pdf, installed by ``bash scripts/setup.sh
--test``; nothing is installed here), prints through the program's own print path (the functions 打印 uses,
with the printer chosen by name instead of in the dialog) and reads the PDF that CUPS writes: the paper,
the orientation, every page. cups-pdf reads its settings only from /etc/cups, so the queue's one settings
file (/etc/cups/cups-pdf-QUEUE.conf, a new file) is written there and removed afterwards.

cups-pdf turns the job into PostScript before writing the PDF, which loses the map from the embedded
Chinese fonts back to characters: the text of its PDF cannot be read back. So the text is checked on the
document CUPS was handed (kept in the spool: PreserveJobFiles), and each page CUPS wrote is compared as a
picture with the same page of the program's own PDF.

A notice is printed to be put up on the village's notice board (村民委员会组织法 第三十条), so the board gets
what the clerk saw: a printer that refuses the job or is missing is told plainly and nothing is printed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from app.printing.pages import A3, A4

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd")
SYSTEM_CUPS = Path("/etc/cups")
SAME = 0.75  # correlation of two renderings of the same page; a different page scores below 0.35
JOB_SECONDS = 90


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cups:
    root: Path
    server: str
    queue: str

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def spool(self) -> Path:
        return self.root / "spool"

    def env(self) -> dict[str, str]:
        return {**os.environ, "CUPS_SERVER": self.server, "QT_QPA_PLATFORM": "offscreen",
                "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}

    def run(self, *cmd: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(cmd), env=self.env(), capture_output=True, text=True, timeout=60)

    def job(self, kind: str, ours: Path, printer: str | None = None) -> dict:
        done = subprocess.run([sys.executable, str(ROOT / "tests" / "cups_job.py"), printer or self.queue, kind,
                               str(ours)], env=self.env(), capture_output=True, text=True, timeout=120, cwd=ROOT)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        assert done.returncode == 0 and lines, done.stdout + done.stderr
        return json.loads(lines[-1])

    def waiting(self) -> str:
        """The queue's jobs not finished yet (lpstat -o)."""
        return self.run("lpstat", "-o", self.queue).stdout.strip()

    def outputs(self) -> set[Path]:
        return set(self.out.glob("*.pdf"))

    def printed(self, before: set[Path]) -> Path:
        """The one PDF cups-pdf wrote since ``before``, once the job has finished."""
        deadline = time.monotonic() + JOB_SECONDS
        while time.monotonic() < deadline:
            new = self.outputs() - before
            if new and not self.waiting():
                time.sleep(0.5)  # ghostscript has closed the file when the job is done; settle its size
                assert len(new) == 1, new
                return new.pop()
            time.sleep(0.3)
        log = (self.root / "log" / "error_log").read_text(errors="replace")[-3000:]
        raise AssertionError(f"cups-pdf wrote nothing within {JOB_SECONDS} s: {self.waiting()}\n{log}")


@pytest.fixture(scope="module")
def cups() -> Iterator[Cups]:
    missing = [str(p) for p in (BACKEND, PPD) if not p.exists()] + \
        [tool for tool in ("cupsd", "lpadmin", "lpstat", "cupsreject", "cupsaccept", "pdftoppm", "pdftotext")
         if shutil.which(tool) is None]
    if missing:
        pytest.fail("CUPS and its virtual PDF printer are not installed ({m}): run `bash scripts/setup.sh --test`"
                    .format(m=", ".join(missing)))
    if os.geteuid() != 0:
        pytest.fail("cups-pdf writes PDFs only when CUPS runs it as root: run this test as root (as CI does)")
    root = Path(tempfile.mkdtemp(prefix="cunwu-cups-"))
    root.chmod(0o755)  # CUPS's filters run as lp and must reach the spool
    for name in ("etc", "spool", "cache", "state", "log", "out", "cpspool"):
        (root / name).mkdir(mode=0o755)
    (root / "tmp").mkdir()
    (root / "tmp").chmod(0o1777)
    port = _free_port()
    queue = "cunwu-test-{pid}".format(pid=os.getpid())
    (root / "etc" / "cupsd.conf").write_text(
        f"Listen 127.0.0.1:{port}\nLogLevel info\nPreserveJobFiles Yes\nBrowsing No\nWebInterface No\n"
        "DefaultAuthType None\n<Location />\n  Order allow,deny\n  Allow 127.0.0.1\n</Location>\n"
        "<Location /admin>\n  Order allow,deny\n  Allow 127.0.0.1\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n", encoding="utf-8")
    (root / "etc" / "cups-files.conf").write_text(
        f"ServerRoot {root}/etc\nRequestRoot {root}/spool\nCacheDir {root}/cache\nStateDir {root}/state\n"
        f"TempDir {root}/tmp\nAccessLog {root}/log/access_log\nErrorLog {root}/log/error_log\n"
        f"PageLog {root}/log/page_log\nServerBin /usr/lib/cups\nDataDir /usr/share/cups\nSandboxing Relaxed\n",
        encoding="utf-8")
    queue_conf = SYSTEM_CUPS / f"cups-pdf-{queue}.conf"
    assert not queue_conf.exists()
    found = Cups(root, f"127.0.0.1:{port}", queue)
    log = (root / "log" / "cupsd.out").open("w")
    daemon = subprocess.Popen(["cupsd", "-f", "-c", str(root / "etc" / "cupsd.conf"),
                               "-s", str(root / "etc" / "cups-files.conf")], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while "scheduler is running" not in found.run("lpstat", "-r").stdout:
            assert daemon.poll() is None, (root / "log" / "cupsd.out").read_text(errors="replace")
            assert time.monotonic() < deadline, "cupsd did not start"
            time.sleep(0.2)
        # Label 1: the job number starts the file name, so two jobs with one title do not overwrite each other
        queue_conf.write_text(f"Out {root}/out\nAnonDirName {root}/out\nSpool {root}/cpspool\nLabel 1\n"
                              f"Log {root}/log\nLogType 3\n", encoding="utf-8")
        added = found.run("lpadmin", "-p", queue, "-E", "-v", f"cups-pdf:/{queue}", "-P", str(PPD))
        assert added.returncode == 0, added.stderr
        yield found
    finally:
        found.run("lpadmin", "-x", queue)
        daemon.terminate()
        try:
            daemon.wait(20)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(10)
        log.close()
        queue_conf.unlink(missing_ok=True)
        shutil.rmtree(root, ignore_errors=True)


def _picture(pdf: Path, page: int, folder: Path) -> np.ndarray:
    stem = folder / "p{page}-{name}".format(page=page, name=pdf.stem[-20:])
    subprocess.run(["pdftoppm", "-gray", "-r", "20", "-f", str(page), "-l", str(page), "-singlefile", "-png",
                    str(pdf), str(stem)], check=True, capture_output=True, timeout=60)
    with Image.open(stem.with_suffix(".png")) as image:
        return np.asarray(image.convert("L"), dtype=float)


def _alike(ours: np.ndarray, theirs: np.ndarray) -> float:
    """How alike two renderings are (correlation of their gray levels, ``theirs`` scaled to ``ours``)."""
    scaled = np.asarray(Image.fromarray(theirs.astype(np.uint8)).resize((ours.shape[1], ours.shape[0])), dtype=float)
    return float(np.corrcoef(ours.ravel(), scaled.ravel())[0, 1])


def _text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60)
    return "".join(done.stdout.split())


@pytest.mark.parametrize("kind,paper,landscape", [("notice", A4, False), ("landscape", A4, True), ("a3", A3, False)])
def test_a_printout_comes_out_of_the_printer_on_its_paper_and_orientation_every_page_as_ours(
        cups, tmp_path, kind, paper, landscape):
    ours = tmp_path / "ours.pdf"
    before = cups.outputs()
    job = cups.job(kind, ours)
    assert job["sent"], job["told"]
    assert job["told"] == "已送到打印机,共 {n} 页。".format(n=job["pages"])
    assert job["landscape"] is landscape and job["paper"] == ("a3" if paper == A3 else "a4")
    printed = cups.printed(before)

    reader = PdfReader(printed)
    assert len(reader.pages) == job["pages"] == len(PdfReader(ours).pages) > 1
    for page in reader.pages:
        # the sheet as it goes through the printer: A4 or A3
        short, long_ = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert abs(short - paper[0]) < 3 and abs(long_ - paper[1]) < 3, (short, long_)

    for number in range(1, job["pages"] + 1):
        mine, theirs = _picture(ours, number, tmp_path), _picture(printed, number, tmp_path)
        if (mine.shape[1] > mine.shape[0]) == (theirs.shape[1] > theirs.shape[0]):
            assert _alike(mine, theirs) > SAME, number
        else:
            # a landscape page on a sheet that went through upright: the page turned a quarter, whole, on it
            assert landscape
            turned = max(_alike(np.rot90(mine, k), theirs) for k in (1, -1))
            assert turned > SAME and _alike(mine, theirs) < SAME - 0.3, number
    # the program's own page 1 is not like CUPS's page 2: the comparison tells pages apart
    assert _alike(_picture(ours, 1, tmp_path), _picture(printed, 2, tmp_path)) < SAME - 0.2

    job_id = int(printed.name.split("-", 1)[0].removeprefix("job_"))
    handed = cups.spool / "d{n:05d}-001".format(n=job_id)
    assert _text(handed) == _text(ours)  # what CUPS was handed says what our PDF says
    assert "柳林村" in _text(handed)


def test_a_printer_that_refuses_jobs_is_told_plainly_and_nothing_is_printed(cups, tmp_path):
    before = cups.outputs()
    assert cups.run("cupsreject", cups.queue).returncode == 0
    try:
        job = cups.job("notice", tmp_path / "ours.pdf")
    finally:
        cups.run("cupsaccept", cups.queue)
    assert not job["sent"]
    assert "现在不接受打印任务" in job["told"] and cups.queue in job["told"] and "另存为PDF" in job["told"]
    time.sleep(2)
    assert not cups.waiting() and cups.outputs() == before


def test_a_paused_printer_is_told_plainly_and_no_job_waits_in_its_queue(cups, tmp_path):
    before = cups.outputs()
    assert cups.run("cupsdisable", cups.queue).returncode == 0
    try:
        job = cups.job("notice", tmp_path / "ours.pdf")
        queued = cups.waiting()
    finally:
        cups.run("cupsenable", cups.queue)
    assert not job["sent"] and "已暂停" in job["told"]
    assert not queued and cups.outputs() == before


def test_a_printer_that_is_not_there_is_told_plainly_and_nothing_is_printed(cups, tmp_path):
    before = cups.outputs()
    job = cups.job("notice", tmp_path / "ours.pdf", printer="cunwu-无此打印机")
    assert not job["sent"]
    assert "找不到打印机“cunwu-无此打印机”" in job["told"]
    time.sleep(2)
    assert not cups.waiting() and cups.outputs() == before
