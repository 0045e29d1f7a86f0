"""Village side of the network road: upload the outbox's bundles to the township's hub (``cunwu hub serve``).

The stick stays the other road; both may be used for the same village. Every bundle the village exports is
kept in DATA_DIR/outbox/ as well (app.sync.export calls :func:`keep_copy`), so any bundle the township has not
yet receipted can be uploaded, whichever road it first took. Bundles go in the order of their first record,
``POST {url}/api/v1/bundles``; each answer 200 carries the village's signed receipt, applied through the very
function that reads a stick's receipt (app.sync.export.import_receipt). The hub imports a bundle only once, so
sending one again (or one that came on a stick) changes nothing there; here it just marks it receipted.

The hub's address is a setting (settings.json, section ``sync``); like the outbox and the receipts it is about
the sync itself, not village affairs, so it is not an event (app/sync/models.py says why). The server's
certificate is checked against the system's trust store, or against exactly the certificate file the township
handed out (``cunwu township trust 证书.pem`` installs it as keys/township-server.pem). The last upload is kept
in DATA_DIR/outbox/last-upload.json for the 同步 screen.

Nothing here knows Qt: the desktop's background uploads (ui/sync/uploader.py) call :func:`upload_outbox` on a
worker and :func:`retry_delay` to space their tries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:  # the network's modules are loaded when an upload begins, not with the program
    import ssl

from app.errors import UserError
from app.i18n import _

log = logging.getLogger(__name__)

API_BUNDLES = "/api/v1/bundles"
SETTINGS_SECTION = "sync"
URL_SETTING = "township_url"
OUTBOX_DIR = "outbox"
LAST_UPLOAD = "last-upload.json"
LOCK_FILE = ".upload.lock"
SERVER_CERT = "township-server.pem"   # in keys/: the township's pinned server certificate
PEM_CERT_START = b"-----BEGIN CERTIFICATE-----"
MAX_CERT_FILE = 64 * 1024
MAX_RECEIPT_ANSWER = 256 * 1024
MAX_ERROR_ANSWER = 16 * 1024

CONNECT_TIMEOUT = 15.0   # seconds to reach the server
READ_TIMEOUT = 120.0     # seconds without a byte while sending or waiting for the answer (the hub imports meanwhile)

# the desktop's schedule: every hour while it runs; after a failure 1 min, 2, 4 ... at most an hour, each
# times a random factor between 0.5 and 1.5, so villages whose uploads failed together do not all come back
# at the same moment when the township's server is up again
EVERY = 3600.0
FIRST_RETRY = 60.0
MAX_RETRY = 3600.0

RECEIPTED_NOW = "receipted"   # outcomes of one bundle
HELD = "held"
REFUSED = "refused"
MISSING = "missing"


class UploadError(UserError):
    """The upload could not be done at all (no address set, a bad address, a certificate file that is not
    one); nothing was changed. The message says what to do."""


class ConnectionFailed(UserError):
    """The township's server could not be reached or talked to; the bundles left are not sent."""


# ---------------------------------------------------------------- the schedule


def retry_delay(failures: int, factor: float) -> float:
    """Seconds to wait before the next upload: :data:`EVERY` after a success (``failures`` 0); after the
    n-th failure in a row 1 min x 2^(n-1), at most :data:`MAX_RETRY`, times ``factor`` (the caller's random
    number, kept between 0.5 and 1.5)."""
    if failures <= 0:
        return EVERY
    factor = min(1.5, max(0.5, factor))
    return min(MAX_RETRY, FIRST_RETRY * 2 ** min(failures - 1, 20)) * factor


# ---------------------------------------------------------------- the address


def normalise_url(text: str) -> str:
    """The hub's address as stored: ``https://host[:port][/prefix]`` with no trailing slash. A pasted
    ``.../api/v1/bundles`` is cut back; anything else wrong is an UploadError saying what to type."""
    raw = (text or "").strip()
    example = _("例如 https://xiangzhen.example.cn 或 http://192.168.1.20:8470")
    if not raw:
        raise UploadError(_("请填写乡镇数据中心的网址,{example}。").format(example=example))
    if "://" not in raw:
        raise UploadError(_("网址“{url}”要以 http:// 或 https:// 开头,{example}。").format(url=raw, example=example))
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise UploadError(_("网址“{url}”不对({reason}),{example}。").format(url=raw, reason=exc, example=example)) from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise UploadError(_("网址“{url}”要以 http:// 或 https:// 开头,{example}。").format(url=raw, example=example))
    if not parts.hostname:
        raise UploadError(_("网址“{url}”里没有服务器的名字或地址,{example}。").format(url=raw, example=example))
    if parts.username or parts.password or parts.query or parts.fragment or any(c.isspace() for c in raw):
        raise UploadError(_("网址“{url}”里有多余的内容(用户名、问号或 # 后面的部分、空格)。只填服务器的地址,{example}。").format(
            url=raw, example=example))
    path = parts.path.rstrip("/")
    for tail in (API_BUNDLES, "/api/v1", "/api"):
        if path.endswith(tail):
            path = path[: -len(tail)]
            break
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{port}" if port else "")
    return f"{parts.scheme.lower()}://{netloc}{path}"


def township_url(data_dir: Path) -> str:
    """The hub's address, or "" when none is set."""
    from app.config import load_settings

    section = load_settings(data_dir).get(SETTINGS_SECTION)
    value = section.get(URL_SETTING, "") if isinstance(section, dict) else ""
    return value if isinstance(value, str) else ""


def set_township_url(data_dir: Path, text: str) -> str:
    """Check and store the hub's address (``""`` removes it: uploads stop); returns what was stored."""
    from app.config import load_settings, save_settings
    from app.files import write_failed

    url = normalise_url(text) if text.strip() else ""
    settings = load_settings(data_dir)
    section = settings.get(SETTINGS_SECTION)
    section = dict(section) if isinstance(section, dict) else {}
    if url:
        section[URL_SETTING] = url
    else:
        section.pop(URL_SETTING, None)
    settings[SETTINGS_SECTION] = section
    try:
        save_settings(data_dir, settings)
    except OSError as exc:
        raise UploadError(str(write_failed(exc, data_dir / "settings.json"))) from exc
    return url


# ---------------------------------------------------------------- the server's certificate


@dataclass(frozen=True)
class ServerCertificate:
    subject: str
    not_after: str       # YYYY-MM-DD
    fingerprint: str     # SHA-256 of the DER, as AB:CD:...
    expired: bool


def is_certificate_file(path: Path) -> bool:
    """Whether ``path`` holds a PEM certificate (rather than the township's public key file)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(PEM_CERT_START)


def _describe(cert: Any) -> ServerCertificate:
    from cryptography.hazmat.primitives import hashes, serialization

    try:
        not_after = cert.not_valid_after_utc
    except AttributeError:  # cryptography before 42
        not_after = cert.not_valid_after.replace(tzinfo=dt.timezone.utc)
    digest = cert.fingerprint(hashes.SHA256()) if hasattr(cert, "fingerprint") else hashlib.sha256(
        cert.public_bytes(serialization.Encoding.DER)).digest()
    return ServerCertificate(subject=cert.subject.rfc4514_string() or _("(没有名称)"),
                             not_after=not_after.date().isoformat(),
                             fingerprint=":".join(f"{b:02X}" for b in digest),
                             expired=not_after < dt.datetime.now(dt.timezone.utc))


def read_certificate_file(path: Path) -> tuple[ServerCertificate, bytes]:
    """The certificate in a PEM file the township handed out, and the PEM of it alone; UploadError if it
    cannot be read or is not a certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_CERT_FILE + 1)
    except OSError as exc:
        raise UploadError(_("无法读取 {path}({reason})。").format(path=path, reason=exc.strerror or exc)) from exc
    if len(data) > MAX_CERT_FILE:
        raise UploadError(_("{path} 太大了,不是乡镇服务器的证书文件。请确认选对了文件。").format(path=path))
    try:
        cert = x509.load_pem_x509_certificate(data)
    except ValueError as exc:
        raise UploadError(_("{path} 不是有效的证书文件(PEM),可能已损坏。请向乡镇重新索取证书文件。").format(
            path=path)) from exc
    return _describe(cert), cert.public_bytes(serialization.Encoding.PEM)


def certificate_path(data_dir: Path) -> Path:
    from app.keys import KEY_DIR

    return data_dir / KEY_DIR / SERVER_CERT


def install_server_certificate(data_dir: Path, source: Path) -> ServerCertificate:
    """Trust exactly this certificate for the township's server from now on (replacing an older one)."""
    from app.files import write_atomic, write_failed

    info, pem = read_certificate_file(source)
    if info.expired:
        raise UploadError(_("这个证书已经在 {date} 过期了,装上也连不上。请向乡镇索取新的证书文件。").format(date=info.not_after))
    target = certificate_path(data_dir)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, pem)
    except OSError as exc:
        raise UploadError(str(write_failed(exc, target))) from exc
    return info


def pinned_certificate(data_dir: Path) -> ServerCertificate | None:
    path = certificate_path(data_dir)
    if not path.exists():
        return None
    try:
        return read_certificate_file(path)[0]
    except UploadError:
        return None


def ssl_context(data_dir: Path) -> ssl.SSLContext:
    """The system's trust store, or exactly the township's certificate once one is installed."""
    import ssl

    path = certificate_path(data_dir)
    if path.exists():
        try:
            return ssl.create_default_context(cafile=str(path))
        except (OSError, ssl.SSLError) as exc:
            raise UploadError(_("本机保存的乡镇服务器证书 {path} 无法使用。请重新运行 cunwu township trust 证书文件。").format(
                path=path)) from exc
    return ssl.create_default_context()


# ---------------------------------------------------------------- the outbox's local copies


def outbox_dir(data_dir: Path) -> Path:
    return data_dir / OUTBOX_DIR


def keep_copy(data_dir: Path, bundle: Path, sha256: str) -> Path | None:
    """Keep a copy of a bundle just exported in DATA_DIR/outbox/, so it can be uploaded later whichever road
    it took. Never fails the export (the stick holds the bundle): a copy that cannot be made is logged and the
    upload looks for the bundle where it was exported."""
    from app.files import copy_atomic

    folder = outbox_dir(data_dir)
    try:
        if bundle.parent.resolve() == folder.resolve():
            return bundle
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / bundle.name
        if target.exists() and _digest(target) != sha256:
            target = folder / f"{sha256[:12]}_{bundle.name}"
        copy_atomic(bundle, target)
        return target
    except OSError:
        log.warning("could not keep a copy of %s in the outbox", bundle, exc_info=True)
        return None


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1024 * 1024):
            sha.update(block)
    return sha.hexdigest()


def _candidates(data_dir: Path, file_name: str, folder: str, sha256: str) -> Iterator[Path]:
    box = outbox_dir(data_dir)
    yield box / file_name
    yield box / f"{sha256[:12]}_{file_name}"
    if folder:
        yield Path(folder) / file_name


def find_bundle(data_dir: Path, file_name: str, folder: str, size: int, sha256: str) -> Path | None:
    """The file of an outbox row: the local copy, or where it was exported (the stick may be plugged in),
    only if it is exactly the bundle that was written."""
    for path in _candidates(data_dir, file_name, folder, sha256):
        try:
            if path.is_file() and path.stat().st_size == size and _digest(path) == sha256:
                return path
        except OSError:
            continue
    return None


def _remove_receipted_copies(data_dir: Path, rows: list[tuple[str, str, int, str]]) -> None:
    box = outbox_dir(data_dir)
    for file_name, folder, size, sha in rows:
        for path in _candidates(data_dir, file_name, folder, sha):
            if path.parent != box:
                continue  # never touch the stick
            try:
                if path.is_file() and path.stat().st_size == size and _digest(path) == sha:
                    path.unlink()
            except OSError:
                log.warning("could not remove the receipted copy %s", path, exc_info=True)


# ---------------------------------------------------------------- one request


@dataclass(frozen=True)
class Answer:
    status: int
    result: str        # Cunwu-Result for 200; the JSON "result" otherwise
    reason: str
    message: str
    body: bytes


def _post(url: str, bundle: Path, context: ssl.SSLContext, *, connect_timeout: float,
          read_timeout: float) -> Answer:
    import http.client
    import socket
    import ssl

    parts = urlsplit(url)
    https = parts.scheme == "https"
    host = parts.hostname or ""
    port = parts.port or (443 if https else 80)
    conn: http.client.HTTPConnection
    if https:
        conn = http.client.HTTPSConnection(host, port, timeout=connect_timeout, context=context)
    else:
        conn = http.client.HTTPConnection(host, port, timeout=connect_timeout)
    try:
        try:
            conn.connect()
        except ssl.SSLCertVerificationError as exc:
            raise ConnectionFailed(_certificate_message(url, exc)) from exc
        except ssl.SSLError as exc:
            raise ConnectionFailed(_("与乡镇服务器 {url} 建立加密连接失败({reason})。请确认网址是 https 还是 http,"
                                     "或联系乡镇。").format(url=url, reason=exc.reason or exc)) from exc
        except (socket.timeout, TimeoutError) as exc:
            raise ConnectionFailed(_("连接乡镇服务器 {url} 超时。请检查网络,或稍后再试;也可以用U盘送到乡镇。").format(
                url=url)) from exc
        except OSError as exc:
            raise ConnectionFailed(_("连不上乡镇服务器 {url}({reason})。请检查网络和网址,或稍后再试;"
                                     "也可以用U盘送到乡镇。").format(url=url, reason=_os_reason(exc))) from exc
        if conn.sock is not None:
            conn.sock.settimeout(read_timeout)
        size = bundle.stat().st_size
        try:
            with open(bundle, "rb") as body:
                conn.request("POST", parts.path + API_BUNDLES, body=body, headers={
                    "Content-Type": "application/octet-stream", "Content-Length": str(size),
                    "Accept": "application/json"})
                response = conn.getresponse()
                status = response.status
                limit = MAX_RECEIPT_ANSWER if status == 200 else MAX_ERROR_ANSWER
                data = response.read(limit + 1)
                result_header = response.getheader("Cunwu-Result", "") or ""
        except (socket.timeout, TimeoutError) as exc:
            raise ConnectionFailed(_("乡镇服务器 {url} 太久没有回应,上传中断了。请稍后再试。").format(url=url)) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise ConnectionFailed(_("上传到乡镇服务器 {url} 时连接断了({reason})。请稍后再试。").format(
                url=url, reason=_os_reason(exc) if isinstance(exc, OSError) else type(exc).__name__)) from exc
    finally:
        conn.close()
    if status == 200:
        if len(data) > MAX_RECEIPT_ANSWER:
            raise ConnectionFailed(_("乡镇服务器 {url} 的回答太长,不是回执。请确认网址是乡镇数据中心的。").format(url=url))
        return Answer(200, result_header, "", "", data)
    try:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or not isinstance(doc.get("message"), str):
            raise ValueError("not the hub's answer")
    except (ValueError, UnicodeDecodeError):
        if status == 404:
            raise ConnectionFailed(_("{url} 不是乡镇数据中心的网址(服务器说找不到上传的地方)。请向乡镇核对网址。").format(
                url=url)) from None
        raise ConnectionFailed(_("乡镇服务器 {url} 出了问题(回答 {status})。请稍后再试,或联系乡镇。").format(
            url=url, status=status)) from None
    return Answer(status, str(doc.get("result", "")), str(doc.get("reason", "")), doc["message"][:500], b"")


def _os_reason(exc: OSError) -> str:
    import socket

    if isinstance(exc, socket.gaierror):
        return _("找不到这个服务器名")
    if isinstance(exc, ConnectionRefusedError):
        return _("对方没有开服务")
    return exc.strerror or type(exc).__name__


def _certificate_message(url: str, exc: ssl.SSLCertVerificationError) -> str:
    detail = exc.verify_message or str(exc.reason or exc)
    return _("乡镇服务器 {url} 的证书不被信任({detail}),为安全起见没有上传。如果乡镇给了服务器的证书文件,"
             "请用 cunwu township trust 证书文件 安装(在“同步”页面也可以安装);否则请联系乡镇。").format(
        url=url, detail=detail)


# ---------------------------------------------------------------- the upload


@dataclass(frozen=True)
class BundleOutcome:
    file: str
    first: int
    last: int
    outcome: str       # RECEIPTED_NOW | HELD | REFUSED | MISSING
    message: str


@dataclass
class UploadReport:
    url: str
    started: str
    finished: str = ""
    exported: tuple[int, int] | None = None    # records exported for this upload (first, last)
    bundles: list[BundleOutcome] = field(default_factory=list)
    failure: str = ""                          # the connection failure that stopped the run, if any
    confirmed: int = 0                         # last record the township confirms after the run
    waiting: int = 0                           # outbox bundles still not receipted

    @property
    def sent(self) -> int:
        return len([b for b in self.bundles if b.outcome != MISSING])

    @property
    def receipted(self) -> int:
        return len([b for b in self.bundles if b.outcome == RECEIPTED_NOW])

    @property
    def ok(self) -> bool:
        return not self.failure and self.waiting == 0

    def failure_lines(self) -> list[str]:
        lines = [b.message for b in self.bundles if b.outcome != RECEIPTED_NOW]
        if self.failure:
            lines.append(self.failure)
        return lines

    def summary(self) -> str:
        """One sentence for the 同步 screen and the command's last line."""
        if self.failure and not self.bundles:
            return _("上传没有成功:{reason}").format(reason=self.failure)
        if self.ok:
            if not self.bundles:
                return _("没有要上传的同步包,乡镇已确认到第 {seq} 号记录。").format(seq=self.confirmed)
            return _("已上传 {n} 个同步包,乡镇已确认到第 {seq} 号记录。").format(n=self.receipted, seq=self.confirmed)
        return _("上传了 {sent} 个同步包,乡镇确认了 {n} 个;还有 {left} 个没有确认。").format(
            sent=self.sent, n=self.receipted, left=self.waiting)


@dataclass(frozen=True)
class LastUpload:
    when: str
    url: str
    ok: bool
    summary: str
    bundles: int
    receipted: int
    failures: list[str]


_turn = threading.Lock()  # one upload at a time in this process


@contextmanager
def _one_at_a_time(data_dir: Path) -> Iterator[None]:
    """Never two uploads of this village at once: one lock in this process, one file lock across processes
    (the desktop's background upload and ``cunwu bundle upload`` in a terminal)."""
    from app.files import write_failed
    from app.leftovers import folder_lock

    if not _turn.acquire(blocking=False):
        raise UploadError(_("另一次上传正在进行,请等它结束。"))
    try:
        with ExitStack() as stack:
            folder = outbox_dir(data_dir)
            try:  # only taking the lock is guarded here: the upload's own errors go by as they are
                folder.mkdir(parents=True, exist_ok=True)
                stack.enter_context(folder_lock(folder, LOCK_FILE, wait=0))
            except TimeoutError:
                raise UploadError(_("本机的另一个程序正在上传,请等它结束。")) from None
            except OSError as exc:
                raise UploadError(str(write_failed(exc, folder / LOCK_FILE))) from exc
            yield
    finally:
        _turn.release()


Progress = Callable[[int, int, str], None]


def upload_outbox(store: Any, *, url: str | None = None, export: bool = False, progress: Progress | None = None,
                  connect_timeout: float = CONNECT_TIMEOUT, read_timeout: float = READ_TIMEOUT) -> UploadReport:
    """Upload every outbox bundle not yet receipted, in order of first record, applying each receipt; with
    ``export``, first export what is new into DATA_DIR/outbox (as ``bundle export`` does). Stops at the first
    connection failure. The run is recorded for :func:`last_upload`, whatever its end.
    ``progress(done, total, file name)`` before each bundle. UploadError when it cannot start at all."""
    from app.events import now_text

    data_dir = store.data_dir
    url = normalise_url(url) if url else township_url(data_dir)
    if not url:
        raise UploadError(_("还没有设置乡镇数据中心的网址。请先运行 cunwu township url 网址"
                            "(或在“同步”页面填写),网址由乡镇提供。"))
    with _one_at_a_time(data_dir):
        report = UploadReport(url=url, started=now_text())
        try:
            _run(store, report, export=export, progress=progress, connect_timeout=connect_timeout,
                 read_timeout=read_timeout)
        except UserError as exc:  # an export or a receipt that cannot be done: said as the stopping failure
            report.failure = str(exc)
        report.finished = now_text()
        _record(data_dir, report)
    return report


def _pending_rows(store: Any) -> list[tuple[int, str, str, int, int, int, str]]:
    from sqlalchemy import select

    from app.sync.models import EXPORTED, OutboxEntry

    with store.read() as s:
        rows = s.execute(select(OutboxEntry.id, OutboxEntry.file_name, OutboxEntry.folder, OutboxEntry.first_seq,
                                OutboxEntry.last_seq, OutboxEntry.size, OutboxEntry.sha256)
                         .where(OutboxEntry.state == EXPORTED)
                         .order_by(OutboxEntry.first_seq, OutboxEntry.last_seq.desc(), OutboxEntry.id))
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _still_exported(store: Any, row_id: int) -> bool:
    from app.sync.models import EXPORTED, OutboxEntry

    with store.read() as s:
        row = s.get(OutboxEntry, row_id)
        return row is not None and row.state == EXPORTED


def _run(store: Any, report: UploadReport, *, export: bool, progress: Progress | None, connect_timeout: float,
         read_timeout: float) -> None:
    import ssl

    from app.keys import ensure_village_key
    from app.sync.export import export_bundle, import_receipt, sync_status

    data_dir = store.data_dir
    if export:
        ensure_village_key(data_dir)
        folder = outbox_dir(data_dir)
        folder.mkdir(parents=True, exist_ok=True)
        result = export_bundle(store, folder)
        if result.path is not None:
            report.exported = (result.first, result.last)
    context = ssl_context(data_dir) if report.url.startswith("https:") else ssl.create_default_context()
    rows = _pending_rows(store)
    tmp = data_dir / "tmp"
    for done, (row_id, file_name, folder_text, first, last, size, sha) in enumerate(rows):
        if not _still_exported(store, row_id):
            continue  # an earlier bundle's receipt confirmed this one too
        if progress is not None:
            progress(done, len(rows), file_name)
        path = find_bundle(data_dir, file_name, folder_text, size, sha)
        if path is None:
            report.bundles.append(BundleOutcome(file_name, first, last, MISSING, _(
                "{file}:找不到这个同步包的文件(本机没有副本,导出时的U盘也不在)。请插上当时的U盘再上传,"
                "或把U盘送到乡镇。").format(file=file_name)))
            continue
        try:
            answer = _post(report.url, path, context, connect_timeout=connect_timeout, read_timeout=read_timeout)
        except ConnectionFailed as exc:
            report.failure = str(exc)
            break
        if answer.status == 200:
            tmp.mkdir(exist_ok=True)
            receipt = tmp / f"upload-{os.getpid()}-{row_id}.cunwu-receipt"
            try:
                receipt.write_bytes(answer.body)
                import_receipt(store, receipt)  # the one code path with a stick's receipts
            finally:
                receipt.unlink(missing_ok=True)
            if _still_exported(store, row_id):
                report.bundles.append(BundleOutcome(file_name, first, last, HELD, _(
                    "{file}:乡镇收下了,但回执还没有确认到第 {last} 号记录。请稍后再上传一次。").format(
                    file=file_name, last=last)))
            else:
                report.bundles.append(BundleOutcome(file_name, first, last, RECEIPTED_NOW, _(
                    "{file}:乡镇已确认(第 {first}–{last} 号记录)。").format(file=file_name, first=first, last=last)))
        elif answer.status == 202:
            report.bundles.append(BundleOutcome(file_name, first, last, HELD, _(
                "{file}:乡镇暂存了,还在等前面的同步包({message})").format(file=file_name, message=answer.message)))
        else:
            report.bundles.append(BundleOutcome(file_name, first, last, REFUSED, _(
                "{file}:乡镇拒收({message})").format(file=file_name, message=answer.message)))
    status = sync_status(store)
    report.confirmed = status.confirmed
    report.waiting = len([r for r in status.outbox if r[4] != "receipted"])


def prune_copies(store: Any) -> None:
    """Remove the local copies of bundles the township has receipted (after any receipt, stick or network)."""
    from sqlalchemy import select

    from app.sync.models import RECEIPTED, OutboxEntry

    if not outbox_dir(store.data_dir).is_dir():
        return
    with store.read() as s:
        rows = [tuple(r) for r in s.execute(select(
            OutboxEntry.file_name, OutboxEntry.folder, OutboxEntry.size, OutboxEntry.sha256)
            .where(OutboxEntry.state == RECEIPTED))]
    _remove_receipted_copies(store.data_dir, rows)  # type: ignore[arg-type]


# ---------------------------------------------------------------- the last upload


def _record(data_dir: Path, report: UploadReport) -> None:
    from app.files import write_atomic

    last = LastUpload(when=report.finished, url=report.url, ok=report.ok, summary=report.summary(),
                      bundles=report.sent, receipted=report.receipted, failures=report.failure_lines())
    try:
        write_atomic(outbox_dir(data_dir) / LAST_UPLOAD,
                     json.dumps(asdict(last), ensure_ascii=False, indent=2).encode("utf-8"))
    except OSError:
        log.warning("could not record the last upload", exc_info=True)


def last_upload(data_dir: Path) -> LastUpload | None:
    """The last upload's time, address, result in words and counts; None before the first."""
    from app.files import read_small_json

    try:
        doc = read_small_json(outbox_dir(data_dir) / LAST_UPLOAD, 1024 * 1024)
        return LastUpload(when=str(doc["when"]), url=str(doc["url"]), ok=bool(doc["ok"]), summary=str(doc["summary"]),
                          bundles=int(doc["bundles"]), receipted=int(doc["receipted"]),
                          failures=[str(x) for x in doc.get("failures", [])])
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class UploadSettings:
    """What the 同步 screen shows about the network road."""

    url: str
    certificate: ServerCertificate | None
    last: LastUpload | None


def upload_settings(data_dir: Path) -> UploadSettings:
    return UploadSettings(township_url(data_dir), pinned_certificate(data_dir), last_upload(data_dir))

