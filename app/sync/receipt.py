"""Receipts: the township's signed answer to a village's bundles (docs/sync-format.md)."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature

from app.errors import UserError
from app.events import canonical, now_text
from app.i18n import _
from app.keys import TownshipKey, TownshipSecrets, b64

RECEIPT_FORMAT = "cunwu-receipt"
RECEIPT_VERSION = 1
MAX_RECEIPT = 256 * 1024


class ReceiptError(UserError):
    """The receipt cannot be accepted; the message says why."""


@dataclass(frozen=True)
class ReceiptBody:
    township: str
    township_fingerprint: str
    village_code: str
    last_seq: int
    head: str
    issued: str
    pending: list[list[int]] = field(default_factory=list)


def receipt_name(village_code: str, last_seq: int) -> str:
    return f"村务回执_{village_code}_{last_seq:06d}.cunwu-receipt"


def write_receipt(secrets: TownshipSecrets, folder: Path, *, village_code: str, last_seq: int, head: str,
                  pending: list[list[int]]) -> Path:
    return write_receipts(secrets, folder, [(village_code, last_seq, head, pending)])[0]


def write_receipts(secrets: TownshipSecrets, folder: Path,
                   receipts: list[tuple[str, int, str, list[list[int]]]]) -> list[Path]:
    """Sign and write one receipt per (village code, last sequence, head, pending ranges).

    Each file is written under a temporary name, fsynced and renamed, so a stick pulled out never
    holds half a receipt. The fsyncs of a batch run side by side: the disk does the waiting, not
    Python, and the file system can commit them together (60 villages at once at the township).
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    folder.mkdir(parents=True, exist_ok=True)
    fingerprint = secrets.public.fingerprint
    issued = now_text()
    done: list[tuple[Path, Path]] = []
    for village_code, last_seq, head, pending in receipts:
        body = {"township": secrets.name, "township_fingerprint": fingerprint, "village_code": village_code,
                "last_seq": last_seq, "head": head, "issued": issued, "pending": pending}
        signature = secrets.signing.sign(canonical(body).encode("utf-8"))
        doc = {"format": RECEIPT_FORMAT, "version": RECEIPT_VERSION, "body": body, "signature": b64(signature)}
        path = folder / receipt_name(village_code, last_seq)
        tmp = path.with_name("." + path.name + ".part")
        tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
        done.append((tmp, path))

    def sync(tmp: Path) -> None:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    try:
        with ThreadPoolExecutor(max_workers=min(8, len(done)) or 1) as pool:
            list(pool.map(sync, [tmp for tmp, _path in done]))
        for tmp, path in done:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _path in done:
            tmp.unlink(missing_ok=True)
        raise
    return [path for _tmp, path in done]


def read_receipt(path: Path, township: TownshipKey) -> ReceiptBody:
    not_receipt = _("{path} 不是村务回执文件。请确认选对了文件(文件名以 .cunwu-receipt 结尾)。").format(path=path)
    from app.files import read_small_json

    try:
        doc = read_small_json(path, MAX_RECEIPT)
    except OSError as exc:
        raise ReceiptError(_("无法读取 {path}({reason})。").format(path=path, reason=exc.strerror or exc)) from exc
    except ValueError as exc:
        raise ReceiptError(not_receipt) from exc
    try:
        body, signature = doc["body"], base64.b64decode(doc["signature"], validate=True)
        if doc.get("format") != RECEIPT_FORMAT or not isinstance(body, dict):
            raise ValueError
    except (ValueError, KeyError, TypeError) as exc:
        raise ReceiptError(not_receipt) from exc
    if doc.get("version") != RECEIPT_VERSION:
        raise ReceiptError(_("回执格式版本 {version} 本程序不认识。请升级村务软件。").format(version=doc.get("version")))
    try:
        township.verifier().verify(signature, canonical(body).encode("utf-8"))
    except InvalidSignature as exc:
        raise ReceiptError(_("回执的签名不对:它不是本村信任的乡镇({name})签发的,或者文件被改动过。"
                             "请向乡镇重新索取回执。").format(name=township.name)) from exc
    try:
        result = ReceiptBody(
            township=str(body["township"]), township_fingerprint=str(body["township_fingerprint"]),
            village_code=str(body["village_code"]), last_seq=int(body["last_seq"]), head=str(body["head"]),
            issued=str(body["issued"]), pending=[[int(a), int(b)] for a, b in body.get("pending", [])])
    except (KeyError, TypeError, ValueError) as exc:
        raise ReceiptError(not_receipt) from exc
    if result.last_seq < 0 or not re.fullmatch(r"[0-9a-f]{64}", result.head):
        raise ReceiptError(not_receipt)
    return result
